"""Settings: organisation, your name and the supplier-evaluation criteria, bands, intervals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from qmsdesk.services import org_settings, supplier_reviews, user_settings
from tests.ui.conftest import drive_dialog


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_weights_must_add_up_to_100_and_nothing_is_saved_until_they_do(window, qtbot):
    seen: list[str] = []

    def edit(dialog) -> None:
        dialog.organisation.setText("Northwind Precision Ltd")
        panel = dialog.evaluation
        panel.criteria.setData(panel.criteria.index(0, 2), 30.0)  # quality 35 -> 30
        panel.intervals["critical"].setValue(4)
        _save(dialog, qtbot)
        seen.append(panel.errors.text())
        seen.append(str(dialog.tabs.currentWidget() is panel))
        panel.criteria.setData(panel.criteria.index(1, 2), 35.0)  # delivery 30 -> 35
        _save(dialog, qtbot)

    drive_dialog(window.edit_settings, edit)
    assert "add up to 95" in seen[0] and seen[1] == "True"
    weights = [(c.name, c.weight) for c in supplier_reviews.load_criteria(window.db)]
    assert weights[:2] == [("Quality", 30.0), ("Delivery", 35.0)]
    assert supplier_reviews.load_intervals(window.db)["critical"] == 4
    assert org_settings.load_settings(window.db).organisation == "Northwind Precision Ltd"
    assert user_settings.user_name() == window.db.user
