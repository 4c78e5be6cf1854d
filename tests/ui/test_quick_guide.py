"""Help › Quick guide: one page per register from resources/help, F1 opens the page of the
register in view (issue 17)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from qmsdesk import paths, registers
from qmsdesk.ui.main_window import MainWindow
from qmsdesk.ui.quick_guide import QuickGuide, guide_file, guide_text
from tests.ui.conftest import drive_dialog

CLAUSES = {"parties": "4.2", "context": "4.1", "risks": "6.1", "objectives": "6.2",
           "suppliers": "8.4", "actions": "10.2", "reports": "7.5", "dashboard": "9.1"}


def test_every_register_page_has_a_guide_page_naming_its_clause() -> None:
    keys = [r.key for r in registers.with_pages()]
    assert sorted(keys) == sorted(CLAUSES)
    for key in keys:
        path = guide_file(key, "en")
        assert path is not None and path.parent == paths.resource_path("help", "en")
        text = guide_text(key, "en")
        clause_line = text.split("\n\n")[1]  # under the title
        assert clause_line.startswith("**ISO 9001:2015 clause") and CLAUSES[key] in clause_line
        assert "## " in text  # what to fill in or do, as a section
    assert guide_file("parties", "de") == guide_file("parties", "en")  # no translation yet


def test_f1_opens_the_guide_at_the_page_in_view(qtbot: Any, window: MainWindow) -> None:
    page = window.show_page("suppliers")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    seen: list[tuple[str, str]] = []

    def read(dialog: Any) -> None:
        assert isinstance(dialog, QuickGuide)
        seen.append((dialog.current_key(), dialog.text.toPlainText()))
        qtbot.keyClick(dialog.list, Qt.Key.Key_Down)  # the next register in the list
        seen.append((dialog.current_key(), dialog.text.toPlainText()))
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    drive_dialog(lambda: qtbot.keyClick(page, Qt.Key.Key_F1), read)
    assert seen[0][0] == "suppliers"
    assert "clause 8.4" in seen[0][1] and "Approval status" in seen[0][1]
    assert seen[1][0] == "actions" and "clauses 6.1 and 10.2" in seen[1][1]
    assert window.guide_action.text().replace("&", "") == "Quick guide…"
