"""Table habits every register page shares: remembered columns, the column chooser, Ctrl+C
and the row menu (issue 17 item 11)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from qmsdesk.services import user_settings
from qmsdesk.ui.main_window import MainWindow
from qmsdesk.ui.pages.parties_page import COLUMNS, PartiesPage
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.window_state import state_text
from tests.ui.conftest import drive_dialog

# The offscreen platform says so when a menu pops up.
pytestmark = pytest.mark.qt_log_ignore("does not support grabbing", "does not support raise")

MenuItem = tuple[str, bool, bool]  # text without the mnemonic, checked, enabled


def _parties(qtbot: Any, window: MainWindow) -> PartiesPage:
    page = window.show_page("parties")
    assert isinstance(page, PartiesPage)
    qtbot.waitUntil(lambda: page.register.model.rowCount() == 4, timeout=10000)
    return page


def _right_click(qtbot: Any, widget: QWidget, pos: QPoint, choose: str | None) -> list[MenuItem]:
    """Right-click ``widget`` at ``pos``; read the menu that opens and pick ``choose``
    (or just close it). Returns what the menu offered."""
    offered: list[MenuItem] = []

    def handle() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, handle)
            return
        chosen = None
        for action in menu.actions():
            if action.isSeparator():
                continue
            text = action.text().replace("&", "")
            offered.append((text, action.isChecked(), action.isEnabled()))
            if text == choose and action.isEnabled():
                chosen = action
        menu.close()  # as a click does: the menu goes, then the action runs
        if chosen is not None:
            chosen.trigger()

    QTimer.singleShot(0, handle)
    # What a right-click becomes (QTest's clicks do not synthesise it on every platform).
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                     widget.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: bool(offered) and QApplication.activePopupWidget() is None)
    return offered


def _header_menu(qtbot: Any, table: RegisterTable, choose: str | None) -> list[MenuItem]:
    header = table.view.horizontalHeader()
    return _right_click(qtbot, header.viewport(), QPoint(5, header.height() // 2), choose)


def _saved(table: RegisterTable) -> bool:
    """The settings hold the columns as they are on screen now."""
    state = state_text(table.view.horizontalHeader().saveState())
    return user_settings.get(user_settings.TABLE_STATES).get(table.state_key) == state


def test_widths_hidden_columns_and_sort_come_back(qtbot: Any, window: MainWindow) -> None:
    page = _parties(qtbot, window)
    header = page.table.horizontalHeader()
    owner = next(i for i, c in enumerate(COLUMNS) if c.header == "Owner")
    assert not header.isSectionHidden(owner)
    header.resizeSection(0, 137)  # the person drags the Ref. column's edge
    _header_menu(qtbot, page.register, "Owner")  # untick Owner in the column chooser
    assert header.isSectionHidden(owner)
    header.moveSection(header.visualIndex(2), 0)  # drags the third column to the front
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(1) + 5, header.height() // 2))
    qtbot.waitUntil(lambda: _saved(page.register), timeout=3000)  # written after a pause
    order = header.sortIndicatorOrder()

    rebuilt = PartiesPage(window)  # the page as it is built when the program starts again
    qtbot.addWidget(rebuilt)
    again = rebuilt.table.horizontalHeader()
    assert again.sectionSize(0) == 137
    assert again.isSectionHidden(owner)
    assert again.logicalIndex(0) == 2
    assert (again.sortIndicatorSection(), again.sortIndicatorOrder()) == (1, order)
    names = [r.name for r in rebuilt.register.visible_rows()]
    expected = sorted(names, key=str.casefold, reverse=order == Qt.SortOrder.DescendingOrder)
    assert names == expected  # the rows are sorted as the indicator says

    _header_menu(qtbot, rebuilt.register, "Reset columns")
    assert not again.isSectionHidden(owner)
    assert again.logicalIndex(0) == 0 and again.sectionSize(0) != 137


def test_a_table_without_a_key_remembers_nothing(qtbot: Any) -> None:
    table = RegisterTable(COLUMNS, (60, 200), 1, "empty", ("party", "parties"))
    qtbot.addWidget(table)
    table.view.horizontalHeader().resizeSection(0, 155)
    table.save_column_state()
    assert user_settings.get(user_settings.TABLE_STATES) == {}
    fresh = RegisterTable(COLUMNS, (60, 200), 1, "empty", ("party", "parties"))
    qtbot.addWidget(fresh)
    assert fresh.view.horizontalHeader().sectionSize(0) == 60


def test_damaged_state_keeps_the_page_widths(qtbot: Any) -> None:
    user_settings.put(user_settings.TABLE_STATES, {"parties": "bm90IGEgaGVhZGVy"})
    table = RegisterTable(COLUMNS, (61, 200), 1, "empty", ("party", "parties"),
                          state_key="parties")
    qtbot.addWidget(table)
    header = table.view.horizontalHeader()
    assert header.sectionSize(0) == 61
    assert header.hiddenSectionCount() == 0


def test_the_column_chooser_never_hides_the_last_column(qtbot: Any,
                                                        window: MainWindow) -> None:
    page = _parties(qtbot, window)
    header = page.table.horizontalHeader()
    titles = [c.header for c in COLUMNS]
    offered = _header_menu(qtbot, page.register, None)
    assert [text for text, _, _ in offered] == [*titles, "Reset columns"]
    assert all(checked and enabled for _, checked, enabled in offered[:-1])
    for title in titles[1:]:
        _header_menu(qtbot, page.register, title)
    assert header.count() - header.hiddenSectionCount() == 1
    offered = _header_menu(qtbot, page.register, titles[0])  # try to hide the last one
    assert offered[0] == (titles[0], True, False)
    assert not header.isSectionHidden(0)
    offered = _header_menu(qtbot, page.register, titles[3])  # and show one again
    assert offered[3] == (titles[3], False, True)
    assert not header.isSectionHidden(3)


def test_ctrl_c_copies_the_selected_row_as_tab_separated_text(qtbot: Any,
                                                              window: MainWindow) -> None:
    page = _parties(qtbot, window)
    table = page.table
    header = table.horizontalHeader()
    _header_menu(qtbot, page.register, "Category")
    header.moveSection(header.visualIndex(1), 0)  # Name first, then Ref.
    row = page.register.visible_rows()[0]
    table.setFocus()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=table.visualRect(page.proxy.index(0, 1)).center())
    QApplication.clipboard().clear()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().split("\n")
    shown = [c for c in COLUMNS if c.header != "Category"]
    assert lines[0].split("\t")[:3] == [COLUMNS[1].header, COLUMNS[0].header, shown[2].header]
    assert len(lines) == 2
    cells = lines[1].split("\t")
    assert cells[:2] == [row.name, row.ref]
    assert len(cells) == len(shown)
    assert "Category" not in lines[0] and row.category not in cells


def test_the_row_menu_copies_the_reference_and_offers_the_page_actions(
        qtbot: Any, window: MainWindow) -> None:
    page = _parties(qtbot, window)
    table = page.table
    second = page.register.visible_rows()[1]
    QApplication.clipboard().clear()
    offered = _right_click(qtbot, table.viewport(),
                           table.visualRect(page.proxy.index(1, 1)).center(), "Copy reference")
    assert page.register.selected_row() is second  # the row under the pointer
    assert QApplication.clipboard().text() == second.ref
    texts = [text for text, _, _ in offered]
    assert texts[:3] == ["Open", "Copy reference", "Copy rows"]
    assert "Archive" in texts and "Restore" in texts

    opened: list[str] = []
    drive_dialog(lambda: None, lambda dialog: opened.append(dialog.name.text()))  # type: ignore[attr-defined]
    _right_click(qtbot, table.viewport(), table.visualRect(page.proxy.index(1, 1)).center(),
                 "Open")
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == [second.name]  # the editor of the row right-clicked


def test_every_register_page_keeps_its_own_columns(window: MainWindow) -> None:
    keys = ["parties", "context", "risks", "objectives", "suppliers", "actions", "dashboard"]
    found = {key: [t.state_key for t in window.page(key).findChildren(RegisterTable)
                   if t.state_key] for key in keys}
    # the dashboard's due list under a name of its column order (title before kind)
    assert found == {key: [key] for key in keys} | {"dashboard": ["dashboard due list"]}
