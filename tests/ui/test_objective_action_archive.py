"""Archiving and restoring objectives and actions with the keys of every register
(Ctrl+Delete asks why, Ctrl+R restores), "Show archived", the count line and the refusals
(issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from qmsdesk.services.actions import service as actions
from qmsdesk.services.objectives import service as objectives
from qmsdesk.ui.main_window import MainWindow
from tests.services.test_archive_dated import make_action, make_objective
from tests.ui.conftest import drive_dialog


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The archive reason is typed into the prompt; the prompts asked are kept."""
    asked: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda _parent, _title, prompt, *_a, **_k: (
                            asked.append(prompt) or ("Superseded by the 2027 plan", True)))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    return asked


def _titles(page: Any) -> list[str]:
    return [page.table.model.column(1).text(r) for r in page.table.visible_rows()]


def _key(page: Any, qtbot: Any, key: Qt.Key) -> None:
    page.window().activateWindow()  # again, after an editor was open
    qtbot.waitUntil(page.window().isActiveWindow)
    page.table.view.setFocus()
    qtbot.keyClick(page.table.view, key, Qt.KeyboardModifier.ControlModifier)


def test_an_action_is_archived_shown_on_demand_and_restored(
        window: MainWindow, qtbot: Any, answers: list[str]) -> None:
    kept = make_action(window.db, window.today, status="open")
    gone = make_action(window.db, window.today, status="done")
    page = window.show_page("actions")
    page.status.setCurrentIndex(page.status.findData("all"))
    qtbot.waitUntil(lambda: len(page.table.visible_rows()) == 2, timeout=10000)
    assert page.archiving.archive_action in window.register_menu.actions()
    assert page.select_action(gone.id)
    _key(page, qtbot, Qt.Key.Key_Delete)
    assert answers and gone.ref in answers[0]
    assert actions.get_action(window.db, gone.id).archive_reason == "Superseded by the 2027 plan"
    assert [r.ref for r in page.table.visible_rows()] == [kept.ref]  # off the list
    assert "1 archived" in page.table.count_label.text()
    qtbot.mouseClick(page.archiving.show_archived, Qt.MouseButton.LeftButton)
    assert f"{gone.title} (archived)" in _titles(page)
    assert page.select_action(gone.id)
    notes: list[str] = []
    drive_dialog(page.open_selected, lambda dialog: notes.append(
        dialog.findChild(QLabel, "archived_note").text()))  # its editor says so, and why
    assert "Superseded by the 2027 plan" in notes[0] and "Restore it" in notes[0]
    assert page.archiving.restore_action.isEnabled()
    assert not page.archiving.archive_action.isEnabled()
    _key(page, qtbot, Qt.Key.Key_R)
    assert actions.get_action(window.db, gone.id).archived_on is None
    assert gone.title in _titles(page)


def test_an_open_action_is_refused_in_one_message(
        window: MainWindow, qtbot: Any, answers: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    still_open = make_action(window.db, window.today, status="in progress")
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.pages.base_page.show_error",
                        lambda _parent, _title, text: shown.append(text))
    page = window.show_page("actions")
    qtbot.waitUntil(lambda: len(page.table.visible_rows()) == 1, timeout=10000)
    assert page.select_action(still_open.id)
    _key(page, qtbot, Qt.Key.Key_Delete)
    assert shown and "mark it done, or cancel it" in shown[0]
    assert actions.get_action(window.db, still_open.id).archived_on is None
    assert [r.ref for r in page.table.visible_rows()] == [still_open.ref]


def test_an_objective_is_archived_from_the_row_menu_and_restored(
        window: MainWindow, qtbot: Any, answers: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    active = make_objective(window.db, window.today, status="active",
                            title="On Time In Full 98 %")
    done = make_objective(window.db, window.today)
    page = window.show_page("objectives")
    qtbot.waitUntil(lambda: len(page.table.visible_rows()) == 2, timeout=10000)
    assert page.archiving.archive_action in page.table.row_actions
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.pages.base_page.show_error",
                        lambda _parent, _title, text: shown.append(text))
    assert page.select_objective(active.id)
    _key(page, qtbot, Qt.Key.Key_Delete)  # still active: refused, said once
    assert shown and "set its outcome" in shown[0]
    assert page.select_objective(done.id)
    page.archiving.archive_action.trigger()  # as the row menu does
    assert objectives.get_objective(window.db, done.id).archived_on == window.today
    assert [r.ref for r in page.table.visible_rows()] == [active.ref]
    assert "1 archived" in page.table.count_label.text()
    # Opened from elsewhere (an action's source), the archived objective is revealed.
    assert page.select_objective(done.id)
    assert page.archiving.show_archived.isChecked()
    assert f"{done.title} (archived)" in _titles(page)
    _key(page, qtbot, Qt.Key.Key_R)
    assert objectives.get_objective(window.db, done.id).archived_on is None
    qtbot.mouseClick(page.archiving.show_archived, Qt.MouseButton.LeftButton)
    assert {r.ref for r in page.table.visible_rows()} == {active.ref, done.ref}


def test_undo_of_an_earlier_save_never_takes_an_archived_action_back(
        window: MainWindow, qtbot: Any, answers: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+Z puts back the last save only while it is the record's latest change: an
    archiving since is a change, so the action stays archived and the user is told."""
    from dataclasses import replace

    from qmsdesk.ui import undo

    done = make_action(window.db, window.today)
    edited = actions.save_action(window.db, replace(done, title="Retrain all shifts"),
                                 window.today)
    undo.remember(done, edited, lambda r: actions.save_action(window.db, r, window.today))
    page = window.show_page("actions")
    page.status.setCurrentIndex(page.status.findData("all"))
    assert page.select_action(done.id)
    _key(page, qtbot, Qt.Key.Key_Delete)
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.errors.show_error",
                        lambda _parent, _title, text: shown.append(text))
    assert page.select_action(done.id)  # shown again ("Show archived" ticked for it)
    window.undo.trigger()
    assert shown and "has changed since your save" in shown[0]
    kept = actions.get_action(window.db, done.id)
    assert kept.archived_on == window.today and kept.title == "Retrain all shifts"
