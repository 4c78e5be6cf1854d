"""Settings: organisation, your name and the supplier-evaluation criteria, bands, intervals."""

from __future__ import annotations

from io import BytesIO

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from qmsdesk.services import org_settings, user_settings
from qmsdesk.services.suppliers import reviews as supplier_reviews
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


def test_a_logo_is_chosen_shown_and_saved_and_a_non_image_refused(window, qtbot, tmp_path,
                                                                  monkeypatch):
    from PIL import Image

    picture, text = tmp_path / "logo.png", tmp_path / "notes.png"
    Image.new("RGB", (300, 100), (200, 30, 30)).save(picture)
    text.write_text("not a picture")
    chosen = iter([str(text), str(picture)])
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *a, **k: (next(chosen), ""))
    seen: list[object] = []

    def edit(dialog) -> None:
        assert dialog.logo_preview.text() == "No logo"
        dialog.organisation.setText("Northwind Precision Ltd")
        qtbot.mouseClick(dialog.choose_logo, Qt.MouseButton.LeftButton)
        seen.append(dialog.error_text("logo"))
        qtbot.mouseClick(dialog.choose_logo, Qt.MouseButton.LeftButton)
        seen.append(dialog.error_text("logo"))
        seen.append(dialog.logo_preview.pixmap().isNull())
        _save(dialog, qtbot)

    drive_dialog(window.edit_settings, edit)
    assert "notes.png is not an image" in str(seen[0])
    assert seen[1:] == ["", False]
    logo = org_settings.load_settings(window.db).logo
    assert logo is not None and Image.open(BytesIO(logo)).size == (300, 100)

    def remove(dialog) -> None:
        assert dialog.remove_logo.isEnabled()
        qtbot.mouseClick(dialog.remove_logo, Qt.MouseButton.LeftButton)
        _save(dialog, qtbot)

    drive_dialog(window.edit_settings, remove)
    assert org_settings.load_settings(window.db).logo is None


def test_your_name_and_role_are_changed_in_settings_and_print_on_reports(window, qtbot):
    def edit(dialog) -> None:
        dialog.organisation.setText("Northwind Precision Ltd")
        dialog.tabs.setCurrentIndex(1)  # You
        dialog.user_name.setText("Grace Adeyemi")
        dialog.user_role.setCurrentText("x" * 201)
        _save(dialog, qtbot)
        assert dialog.isVisible()  # refused, nothing written
        dialog.user_role.setCurrentText("HR Manager")
        _save(dialog, qtbot)

    drive_dialog(window.edit_settings, edit)
    assert user_settings.prepared_by() == "Grace Adeyemi, HR Manager"
    assert window.db.user == "Grace Adeyemi"


def test_approvers_and_the_evidence_file_limit_are_set_here(window, qtbot):
    from qmsdesk.services import evidence

    assert evidence.limit_mb(window.db) == 25

    def edit(dialog) -> None:
        dialog.organisation.setText("Northwind Precision Ltd")
        dialog.approved_by.setText(" Helen  Whitfield ;; Anna Kowalska ")
        dialog.evidence_limit.setValue(10)
        _save(dialog, qtbot)

    drive_dialog(window.edit_settings, edit)
    assert evidence.limit_mb(window.db) == 10
    assert org_settings.load_settings(window.db).approvers() == ("Helen Whitfield",
                                                                 "Anna Kowalska")
