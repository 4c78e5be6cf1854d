"""Archive and Restore of a register page's selected record, with its "Show archived" box:
the same keys (Ctrl+Delete, Ctrl+R), words and row menu on every page whose list hides its
archived records itself (suppliers, objectives, actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox

from qmsdesk.ui.pages.base_page import archivable
from qmsdesk.ui.pages.context_page import page_action
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from qmsdesk.ui.pages.base_page import RegisterPage
    from qmsdesk.ui.register_table import RegisterTable

# set_archived(record id, version, archive?, reason) -> the record saved
SetArchived = Callable[[int, int, bool, str], Any]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ArchiveActions", text)


class ArchiveActions:
    """The actions and the box for ``page`` showing ``table``; ``archived(row)`` says whether
    a row is archived, ``get(id)`` loads a record, ``set_archived`` writes through the
    register's service (which owns the rules and the refusals, shown as one message)."""

    def __init__(self, page: RegisterPage, table: RegisterTable, noun: str,
                 archived: Callable[[Any], bool], get: Callable[[int], Any],
                 set_archived: SetArchived, on_toggle: Callable[[], None]) -> None:
        self.page, self.table, self.noun = page, table, noun
        self.archived, self.get, self.set_archived = archived, get, set_archived
        self.archive_action: QAction = page_action(
            page, _tr("&Archive"), lambda: self.change(True), "Ctrl+Del",
            _tr("Archive the selected %s: out of the working lists, kept on record") % noun)
        self.restore_action: QAction = page_action(
            page, _tr("&Restore"), lambda: self.change(False), "Ctrl+R",
            _tr("Restore an archived %s") % noun)
        writes(self.archive_action, self.restore_action)  # never offered to a viewer
        self.show_archived = QCheckBox(_tr("Show archi&ved"))
        self.show_archived.setToolTip(_tr("List the archived records too, greyed"))
        self.show_archived.toggled.connect(lambda _on: on_toggle())

    def actions(self) -> list[QAction]:
        return [self.archive_action, self.restore_action]

    def predicate(self) -> Callable[[Any], bool] | None:
        """The table's filter: archived rows hidden unless the box is ticked."""
        return None if self.show_archived.isChecked() else _NotArchived(self.archived)

    def update(self) -> None:
        """Archive offered for an active record, Restore for an archived one."""
        row = self.table.selected_row()
        self.archive_action.setEnabled(row is not None and not self.archived(row))
        self.restore_action.setEnabled(row is not None and self.archived(row))

    def change(self, archive: bool) -> None:
        """Archive (asking why) or restore the selected record, once confirmed."""
        self.page.change_status(
            archivable(self.table.selected_row(), self.archived), archive, self.get,
            lambda i, version, status, reason: self.set_archived(
                i, version, status == "archived", reason), self.noun)

    def reveal(self, select: Callable[[], bool]) -> bool:
        """Select a record (``select()``), ticking "Show archived" when an archived one
        opened from elsewhere is hidden by it."""
        found = select()
        if not found and not self.show_archived.isChecked():
            self.show_archived.setChecked(True)
            found = select()
        return found


class _NotArchived:
    """True for rows still in the working list; equal to its twin, so setting it again
    costs the filter nothing."""

    def __init__(self, archived: Callable[[Any], bool]) -> None:
        self.archived = archived

    def __call__(self, row: Any) -> bool:
        return not self.archived(row)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NotArchived) and other.archived is self.archived

    def __hash__(self) -> int:
        return hash(self.archived)

