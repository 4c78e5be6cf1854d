"""Archiving a supplier no longer used, and restoring it, with the shortcuts of every
register (Ctrl+Delete, Ctrl+R): the status history keeps why and what it was (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from qmsdesk.models.audit import AuditEntry
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.suppliers import archive, service
from qmsdesk.services.suppliers.due import DUE
from qmsdesk.ui.main_window import MainWindow


def _approved(window: MainWindow, name: str) -> Any:
    record = service.new_supplier(window.today)
    record.name, record.status, record.status_reason = name, "approved", "Audit passed"
    return service.save_supplier(window.db, record, window.today)


def _names(page: Any) -> list[str]:
    return [row.name for row in page.table.visible_rows()]


def test_ctrl_delete_archives_with_a_reason_and_ctrl_r_restores_the_approval(
        window: MainWindow, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _approved(window, "Tyne Heat Treatment Ltd")
    gone = _approved(window, "Wear Valley Anodising Ltd")
    page = window.show_page("suppliers")
    qtbot.waitUntil(lambda: len(page.table.visible_rows()) == 2, timeout=10000)
    assert page.archive_action in window.register_menu.actions()
    assert page.select_supplier(gone.id)
    page.table.view.setFocus()
    asked: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda _parent, _title, prompt, *_a, **_k: (
                            asked.append(prompt) or ("No longer buying anodising", True)))
    qtbot.keyClick(page.table.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert asked and gone.ref in asked[0]
    stored = service.get_supplier(window.db, gone.id)
    assert stored.status == "archived"
    last = stored.history[-1]
    assert (last.from_status, last.to_status, last.reason) == (
        "approved", "archived", "No longer buying anodising")
    assert _names(page) == [kept.name]  # off the list...
    with window.db.read() as session:  # ...and nothing of it is due
        due = DUE.find(session, window.today, window.today.replace(year=window.today.year + 5),
                        None)
        assert {item.ref for item in due} == {kept.ref}
    qtbot.mouseClick(page.show_archived, Qt.MouseButton.LeftButton)
    assert f"{gone.name} (archived)" in [page.table.model.column(1).text(r)
                                         for r in page.table.visible_rows()]
    assert page.select_supplier(gone.id)
    assert page.restore_action.isEnabled() and not page.archive_action.isEnabled()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(page.table.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    restored = service.get_supplier(window.db, gone.id)
    assert restored.status == "approved"  # the approval it had, not pending
    assert restored.history[-1].from_status == "archived"
    with window.db.session() as session:
        actions = [e.action for e in session.query(AuditEntry).filter_by(
            ref=gone.ref, field="status")]
    assert actions == ["create", "archive", "restore"]


def test_archiving_needs_a_reason_and_a_current_copy(window: MainWindow) -> None:
    supplier = _approved(window, "Tyne Heat Treatment Ltd")
    with pytest.raises(ValidationError):
        archive.set_supplier_status(window.db, supplier.id, supplier.version, "archived",
                                    window.today, "  ")
    archived = archive.set_supplier_status(window.db, supplier.id, supplier.version,
                                           "archived", window.today, "Closed down")
    with pytest.raises(ValidationError):  # already archived
        archive.set_supplier_status(window.db, supplier.id, archived.version, "archived",
                                    window.today, "Again")
    # Saved unchanged from its editor, an archived supplier stays archived.
    again = service.save_supplier(window.db, archived, window.today)
    assert again.status == "archived"
