"""What a viewer (an auditor: read and report only) may not do, said in the GUI.

The server refuses a viewer's writes whatever the GUI does (models.roles); this is so that
they never reach that refusal. Every action or button that changes records is marked where
it is made (``writes``); once a viewer opens a database, ``guard`` disables each marked one
under a window or dialog, keeps it disabled whatever the page's own logic later says, and
puts the reason in its tooltip and status tip ("You are a viewer: …").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QWidget

if TYPE_CHECKING:
    from qmsdesk.services.workspace import Database

WRITES = "qmsdesk_writes"  # dynamic property: this action or button changes records
_GUARDED = "qmsdesk_guarded"
_reason = ""  # why the person at the keyboard may not write ("" when they may)


def writes(*items: QObject | None) -> None:
    """Mark ``items`` (actions or buttons; None skipped) as ones that change records."""
    for item in items:
        if item is not None:
            item.setProperty(WRITES, True)


def refusal(db: Database | None) -> str:
    """Why the person signed in to ``db`` may not change records, or "" when they may."""
    if db is None:
        return ""
    me = db.identity()
    if me.may("editor"):
        return ""
    return (f"You are a viewer ({me.name}, login {me.login}): you may look, search and "
            "print reports, not change records. Ask an administrator for the editor role.")


def set_database(db: Database | None) -> str:
    """Remember who may write in the database just opened; the reason, or ""."""
    global _reason
    _reason = refusal(db)
    return _reason


def reason() -> str:
    """Why writes are refused in the open database ("" when they are not)."""
    return _reason


class _KeepDisabled(QObject):
    """Puts a guarded button back to disabled whenever a page's own logic enables it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.EnabledChange and _reason
                and isinstance(watched, QWidget) and watched.isEnabled()):
            watched.setEnabled(False)
        return False


_keeper: _KeepDisabled | None = None


def _keep_disabled(item: QObject) -> None:
    global _keeper
    if isinstance(item, QAction):
        item.changed.connect(lambda: item.setEnabled(False)
                             if _reason and item.isEnabled() else None)
    else:
        if _keeper is None:
            _keeper = _KeepDisabled()
        item.installEventFilter(_keeper)


def guard(root: QObject) -> None:
    """Disable every marked action and button under ``root`` (itself included) for a
    viewer, with the reason as tooltip and status tip; nothing for anyone else."""
    if not _reason:
        return
    found: list[QObject] = [root, *root.findChildren(QAction),
                            *root.findChildren(QAbstractButton)]
    for item in found:
        if not item.property(WRITES):
            continue
        if isinstance(item, QAction | QWidget):
            item.setEnabled(False)
            item.setToolTip(_reason)
            item.setStatusTip(_reason)
        if not item.property(_GUARDED):
            item.setProperty(_GUARDED, True)
            _keep_disabled(item)
