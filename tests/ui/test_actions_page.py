"""The action log page and the action editor, driven as a person would."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from qmsdesk.models.audit import AuditEntry
from qmsdesk.services.actions import service
from qmsdesk.ui.dialogs.action_dialog import ActionDialog
from tests.ui.conftest import drive_dialog


def _page(window):
    return window.show_page("actions")


def _save(dialog: ActionDialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _make(window, title, **values):
    record = service.new_action(window.today)
    record.title = title
    for key, value in values.items():
        setattr(record, key, value)
    return service.save_action(window.db, record, window.today)


def test_empty_log_says_what_to_do(window):
    page = _page(window)
    assert page.table.body.currentWidget() is page.table.empty
    assert "New action" in page.table.empty.text()


def test_new_action_linked_to_a_party(window, qtbot):
    page = _page(window)

    def fill(dialog: ActionDialog) -> None:
        qtbot.keyClicks(dialog.title, "Agree delivery slots with the carrier")
        dialog.source.setCurrentIndex(dialog.source.findData("party"))
        dialog.link.setCurrentIndex(dialog.link.findData(2))
        qtbot.keyClicks(dialog.owner, "Sofia Ricci")
        dialog.due.set_value(date(2027, 1, 15))
        _save(dialog, qtbot)

    drive_dialog(page.new_action.trigger, fill)
    rows = service.list_actions(window.db, window.today)
    assert [(r.ref, r.title, r.source, r.source_ref) for r in rows] == [
        ("ACT-0001", "Agree delivery slots with the carrier", "party", "IP-0002")]
    assert page.table.selected_row().ref == "ACT-0001"


def test_done_needs_a_completion_date_and_effectiveness_comes_after(window, qtbot):
    saved = _make(window, "Fix gauge calibration", due_date=date(2026, 12, 1))
    page = _page(window)
    page.refresh(select_id=saved.id)
    seen: dict[str, str] = {}

    def edit(dialog: ActionDialog) -> None:
        dialog.effectiveness.setCurrentIndex(dialog.effectiveness.findData("effective"))
        _save(dialog, qtbot)
        seen["early check"] = dialog.error_text("effectiveness")
        dialog.status.setCurrentIndex(dialog.status.findData("done"))
        assert dialog.completed.value() == window.today  # filled in when marked done
        assert dialog.progress.value() == 100
        dialog.completed.set_value(None)
        dialog.effectiveness.setCurrentIndex(0)
        _save(dialog, qtbot)
        seen["no completion"] = dialog.error_text("completed_on")
        dialog.completed.set_value(date(2026, 11, 21))
        _save(dialog, qtbot)

    drive_dialog(page.open_selected, edit)
    assert "after the action is done" in seen["early check"]
    assert "completion date" in seen["no completion"]
    record = service.get_action(window.db, saved.id)
    assert (record.status, record.completed_on, record.progress) == (
        "done", date(2026, 11, 21), 100)


def test_filters_overdue_and_reopening_is_audited(window, qtbot):
    late = _make(window, "Late one", start_date=date(2026, 9, 1), due_date=date(2026, 10, 1))
    _make(window, "On time", due_date=date(2027, 3, 1))
    page = _page(window)
    page.refresh()
    assert page.table.proxy.rowCount() == 2
    qtbot.mouseClick(page.overdue_only, Qt.MouseButton.LeftButton)
    assert [r.ref for r in page.table.visible_rows()] == [late.ref]
    assert "1 action overdue" in page.table.count_label.text()
    late.status, late.completed_on = "done", date(2026, 11, 1)
    done = service.save_action(window.db, late, window.today)
    done.status, done.completed_on, done.progress = "in progress", None, 50
    service.save_action(window.db, done, window.today)
    with window.db.session() as session:
        changes = [(e.action, e.old_value, e.new_value) for e in session.query(AuditEntry)
                   .filter_by(ref=late.ref, field="status")]
    assert changes[-1] == ("reopen", "done", "in progress")
