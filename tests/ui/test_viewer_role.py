"""A viewer (an auditor: read and report only) drives every page and editor and finds no
way to change a record enabled, each disabled one saying why (ui/write_access)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QDialogButtonBox, QWidget

from qmsdesk.models.identity import os_login
from qmsdesk.models.staff import StaffMember
from qmsdesk.services.parties import service as parties
from qmsdesk.ui import write_access
from qmsdesk.ui.register_table import RegisterTable
from tests.ui.conftest import drive_dialog

# What a person reads as "this changes records", whichever page made it (the oracle: the
# app's own marks are checked too, but an unmarked new button must not slip through).
WRITE_WORDS = re.compile(r"^(New|Archive|Restore|Import|Approve\b|Raise|Attach|Replace|Undo|"
                         r"Add member|Edit member|Save|Reviewed today)", re.IGNORECASE)
NOT_WRITES = ("Import template…",)  # an empty workbook written to a file of one's choosing


def _text(item: QAction | QAbstractButton) -> str:
    return item.text().replace("&", "")


def _enabled_writes(root: QWidget) -> list[str]:
    """Write actions and buttons under ``root`` a person could use now."""
    found: list[str] = []
    for item in (*root.findChildren(QAction), *root.findChildren(QAbstractButton)):
        text = _text(item)
        looks_like = bool(WRITE_WORDS.match(text)) and text not in NOT_WRITES
        if (looks_like or item.property(write_access.WRITES)) and item.isEnabled():
            visible = item.isVisible() if isinstance(item, QAction) else \
                not item.isHidden() or item.property(write_access.WRITES)
            if visible:
                found.append(text)
    return found


@pytest.fixture
def as_viewer(window, sample_db):
    with window.db.session() as session:
        session.add(StaffMember(login=os_login(), display_name="Vera Auditor", role="viewer",
                                active=True))
    assert window.open_database(sample_db)  # the role is read as the database opens
    yield window
    write_access.set_database(None)


def test_a_viewer_finds_no_enabled_write_action_on_any_page(as_viewer, qtbot):
    window = as_viewer
    assert window.banner.isVisibleTo(window)
    assert window.banner.text().startswith("You are a viewer (")
    assert f"login {os_login()}" in window.banner.text()
    offenders: dict[str, list[str]] = {}
    for key in window._page_keys():
        page = window.show_page(key)
        table = getattr(page, "table", None)
        if isinstance(table, RegisterTable) and table.model.rowCount():
            table.view.selectRow(0)  # selecting a row enables a page's row actions
        if found := _enabled_writes(page):
            offenders[key] = found
    undo = window.undo.action
    assert offenders == {}
    assert not undo.isEnabled() and undo.toolTip().startswith("You are a viewer")
    new_party = window.page("parties").new_action
    assert new_party.toolTip().startswith("You are a viewer") and \
        "editor role" in new_party.statusTip()


def test_a_viewer_opens_a_record_but_cannot_save_it(as_viewer, qtbot):
    window = as_viewer
    page = window.show_page("parties")
    before = parties.list_parties(window.db, window.today)
    assert page.select_party(before[0].id)
    seen: list[object] = []

    def look(dialog) -> None:
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        seen.append(save.isEnabled())
        seen.append(save.toolTip())
        seen.append(dialog.general_warning.text())
        seen.append(_enabled_writes(dialog))
        dialog.name.setText("Renamed by a viewer")
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        seen.append(dialog.isVisible())
        dialog.done(0)

    drive_dialog(page.open_selected, look)
    assert seen[0] is False and str(seen[1]).startswith("You are a viewer")
    assert "not change records" in str(seen[2])
    assert seen[3] == [] and seen[4] is True  # Ctrl+S saved nothing, the editor stays
    assert parties.list_parties(window.db, window.today) == before


def test_an_editor_keeps_every_write_action(window, qtbot):
    assert write_access.reason() == ""
    page = window.show_page("parties")
    assert page.new_action.isEnabled()
    assert not window.banner.isVisibleTo(window)
