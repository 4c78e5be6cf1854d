"""Undo of the last save (Ctrl+Z, Edit › Undo): a new save putting the earlier values back,
both on the audit trail; refused in one sentence when the record changed since (issue 17)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from qmsdesk.models.audit import AuditEntry
from qmsdesk.services.parties import service
from qmsdesk.services.suppliers import service as supplier_service
from qmsdesk.ui import undo
from qmsdesk.ui.main_window import MainWindow
from tests.ui.conftest import drive_dialog


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.errors.show_error",
                        lambda _parent, _title, text, *_a: shown.append(text))
    return shown


def _rename_owner(qtbot: Any, window: MainWindow, party_id: int, owner: str) -> Any:
    page = window.show_page("parties")
    assert page.select_party(party_id)

    def edit(dialog: Any) -> None:
        dialog.owner.clear()
        qtbot.keyClicks(dialog.owner, owner)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)

    drive_dialog(page.open_action.trigger, edit)
    assert service.get_party(window.db, party_id).owner == owner
    return page


def _ctrl_z(qtbot: Any, page: Any) -> None:
    window = page.window()
    window.activateWindow()  # the editor closed: the window has the keyboard again
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_z_puts_back_the_values_before_the_last_save(qtbot: Any, window: MainWindow,
                                                          errors: list[str]) -> None:
    page = _rename_owner(qtbot, window, 2, "Sofia Ricci")
    window.edit_menu.aboutToShow.emit()  # as opening the menu does
    assert window.undo.action.text().replace("&", "") == "Undo save of IP-0002"
    assert window.undo.action.isEnabled()
    _ctrl_z(qtbot, page)
    assert errors == []
    assert service.get_party(window.db, 2).owner == "Anna Kowalska"
    assert "Undone: IP-0002" in window.statusBar().currentMessage()
    assert page.selected_row().owner == "Anna Kowalska"  # the table shows it at once
    with window.db.session() as session:
        owners = [(e.action, e.old_value, e.new_value) for e in session.query(
            AuditEntry).filter_by(ref="IP-0002", field="owner").order_by(AuditEntry.id)]
    assert owners == [("create", "", "Anna Kowalska"),
                      ("update", "Anna Kowalska", "Sofia Ricci"),
                      ("update", "Sofia Ricci", "Anna Kowalska")]  # both saves on record
    _ctrl_z(qtbot, page)  # undone once: nothing more to undo
    assert service.get_party(window.db, 2).owner == "Anna Kowalska"
    assert "Nothing to undo" in window.statusBar().currentMessage()


def test_undo_only_while_the_page_shows_that_record(qtbot: Any, window: MainWindow,
                                                    errors: list[str]) -> None:
    page = _rename_owner(qtbot, window, 2, "Sofia Ricci")
    assert page.select_party(3)
    window.edit_menu.aboutToShow.emit()
    assert not window.undo.action.isEnabled()
    window.edit_menu.aboutToHide.emit()
    _ctrl_z(qtbot, page)
    assert service.get_party(window.db, 2).owner == "Sofia Ricci"
    assert "select it on its page" in window.statusBar().currentMessage()


def test_a_record_changed_since_is_not_undone(qtbot: Any, window: MainWindow,
                                              errors: list[str]) -> None:
    page = _rename_owner(qtbot, window, 2, "Sofia Ricci")
    elsewhere = service.get_party(window.db, 2)
    elsewhere.owner = "James O'Neill"
    service.save_party(window.db, elsewhere, window.today)
    _ctrl_z(qtbot, page)
    assert errors == ["IP-0002 has changed since your save, so it was not undone."]
    assert service.get_party(window.db, 2).owner == "James O'Neill"


def test_a_status_change_is_undone_with_its_reason_in_the_history(window: MainWindow) -> None:
    record = supplier_service.new_supplier(window.today)
    record.name, record.status, record.status_reason = ("Tyne Heat Treatment Ltd",
                                                        "conditional", "First audit")
    before = supplier_service.save_supplier(window.db, record, window.today)

    def save(rec: Any) -> Any:
        return supplier_service.save_supplier(window.db, rec, window.today)

    changed = save(replace(before, status="approved", status_reason="Audit passed"))
    undo.remember(before, changed, save)
    restored = undo.undo()
    assert restored.status == "conditional"
    assert (restored.history[-1].from_status, restored.history[-1].reason) == (
        "approved", undo.UNDO_REASON)
    assert undo.last() is None
