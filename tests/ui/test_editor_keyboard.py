"""The editors by keyboard alone: Alt+letter reaches its field, Tab skips captions, Ctrl+Tab
and Ctrl+PgDn switch tabs from anywhere, Enter presses the focused button."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QWidget

from qmsdesk.services.actions import service as actions
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.parties import service as parties
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.ui.dialogs.action_dialog import ActionDialog
from qmsdesk.ui.dialogs.objective_dialog import ObjectiveContext, ObjectiveDialog
from qmsdesk.ui.dialogs.party_dialog import PartyDialog
from qmsdesk.ui.dialogs.record_dialog import RecordDialog
from qmsdesk.ui.dialogs.supplier_dialog import SupplierDialog
from qmsdesk.ui.widgets import install_button_enter


def _never(_record: object) -> object:
    raise AssertionError("nothing is saved in these tests")


def _editors(today: date) -> dict[str, RecordDialog]:
    return {
        "party": PartyDialog(parties.new_party(today), _never, today),
        "supplier": SupplierDialog(suppliers.new_supplier(today), lambda r, _p: _never(r),
                                   today, []),
        "action": ActionDialog(actions.new_action(today), _never, today, {}),
        "objective": ObjectiveDialog(objectives.new_objective(today), _never, today,
                                     ObjectiveContext()),
    }


@pytest.fixture
def editors(qtbot, today) -> Iterator[dict[str, RecordDialog]]:
    made = _editors(today)
    yield made
    for dialog in made.values():  # not qtbot.addWidget: its close would ask about changes
        dialog._initial = None
        dialog.done(0)
        dialog.deleteLater()


def _mnemonic(text: str) -> str | None:
    position = text.replace("&&", "").find("&")
    return text.replace("&&", "")[position + 1].lower() if position >= 0 else None


def _press(qtbot, widget: QWidget, keys: str) -> None:
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(widget, sequence.key(), sequence.keyboardModifiers())


def _show(qtbot, dialog: RecordDialog) -> None:
    """On screen and active: shortcuts (mnemonics included) work in the active window."""
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3000)


def _show_tab_of(dialog: RecordDialog, widget: QWidget) -> None:
    for index in range(dialog.tabs.count()):
        if dialog.tabs.widget(index).isAncestorOf(widget):
            dialog.tabs.setCurrentIndex(index)


def test_every_underlined_letter_moves_the_focus_to_its_field(qtbot, editors):
    tried = 0
    for name, dialog in editors.items():
        _show(qtbot, dialog)
        captions = [label for label in dialog.findChildren(QLabel)
                    if label.buddy() is not None and _mnemonic(label.text())]
        for caption in captions:
            _show_tab_of(dialog, caption)
            dialog.tabs.currentWidget().setFocus()
            buddy, letter = caption.buddy(), _mnemonic(caption.text())
            same_letter = [c for c in captions if _mnemonic(c.text()) == letter
                           and c.isVisibleTo(dialog.tabs.currentWidget())]
            # Alt+letter twice on a tab where two captions share it: the second one is next
            for _ in range(len(same_letter)):
                _press(qtbot, QApplication.focusWidget() or dialog, f"Alt+{letter}")
                if buddy.hasFocus():
                    break
            assert buddy.hasFocus(), f"{name}: Alt+{letter} ({caption.text()!r})"
            tried += 1
        dialog.hide()
    assert tried >= 19


def test_tab_skips_the_objective_editor_s_number_captions(qtbot, editors):
    dialog = editors["objective"]
    _show(qtbot, dialog)
    dialog.direction.setFocus()
    stops = []
    for _ in range(4):
        _press(qtbot, QApplication.focusWidget(), "Tab")
        stops.append(QApplication.focusWidget())
    # (the band's maximum is disabled unless the direction is a band)
    assert stops[:3] == [dialog.baseline, dialog.target, dialog.frequency]
    # the captions are labels of their boxes (never boxes themselves, which a dark palette
    # draws like the fields beside them)
    assert not [w for w in dialog.findChildren(QLineEdit) if w.isReadOnly()]
    buddies = {label.text(): label.buddy() for label in dialog.findChildren(QLabel)}
    assert buddies["Baseline"] is dialog.baseline and buddies["Target"] is dialog.target
    assert buddies["Maximum (band)"] is dialog.target_max


def test_party_tabs_have_their_own_letters(qtbot, editors):
    dialog = editors["party"]
    _show(qtbot, dialog)
    dialog.name.setFocus()
    _press(qtbot, dialog.name, "Alt+P")
    assert dialog.tabs.currentWidget().isAncestorOf(dialog.requirement_view)
    _press(qtbot, QApplication.focusWidget(), "Alt+L")
    assert dialog.tabs.currentWidget().isAncestorOf(dialog.engagement_view)
    texts = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert all(_mnemonic(text) for text in texts)
    assert len({_mnemonic(text) for text in texts}) == len(texts)


@pytest.mark.parametrize("keys", ["Ctrl+Tab", "Ctrl+PgDown"])
def test_ctrl_tab_switches_tabs_from_inside_a_child_table(qtbot, editors, keys):
    dialog = editors["party"]
    _show(qtbot, dialog)
    dialog.tabs.setCurrentIndex(1)
    view = dialog.requirement_view
    dialog.requirements.add()
    view.setFocus()
    view.setCurrentIndex(dialog.requirements.index(0, 0))
    assert view.hasFocus()
    _press(qtbot, view, keys)
    assert dialog.tabs.currentIndex() == 2
    back = "Ctrl+Shift+Tab" if keys == "Ctrl+Tab" else "Ctrl+PgUp"
    _press(qtbot, QApplication.focusWidget() or dialog, back)
    assert dialog.tabs.currentIndex() == 1


def test_enter_on_a_focused_button_presses_it_not_save(qtbot, qapp, editors):
    install_button_enter(qapp)
    dialog = editors["party"]
    _show(qtbot, dialog)
    dialog.tabs.setCurrentIndex(1)
    add = next(b for b in dialog.findChildren(QPushButton)
               if b.text() == "Add need or expectation")
    add.setFocus()
    qtbot.keyClick(add, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.requirements.rowCount() == 1, timeout=2000)
    assert dialog.isVisible() and dialog.saved is None  # not saved (save would raise)


def test_enter_on_a_page_button_does_not_open_the_selected_record(window, qtbot, qapp,
                                                                  monkeypatch):
    install_button_enter(qapp)
    page = window.show_page("parties")
    opened: list[object] = []
    monkeypatch.setattr(page, "open_selected", lambda *_: opened.append(True))
    page.open_action.triggered.disconnect()
    page.open_action.triggered.connect(page.open_selected)
    page.table.selectRow(0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [True]  # Enter in the list still opens the selected record
    pressed: list[bool] = []
    button = QPushButton("Probe", page)
    button.clicked.connect(lambda: pressed.append(True))
    button.show()
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pressed == [True], timeout=2000)
    assert opened == [True]
