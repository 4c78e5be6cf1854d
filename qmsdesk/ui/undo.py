"""Undo of the last save: a new save, through the editor's own service call, that puts back
the values the record had before it, so the audit trail shows both changes (never a
deletion of history).

Only the last save of this session is kept (the user's own: the app has one user at a
time); it is undone only while it is still the record's latest change and while the page
in view shows the record selected (Ctrl+Z, Edit › Undo). A creation has no earlier values:
it is not undone (archive the record instead).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QStackedWidget, QStatusBar, QWidget


class MainWindow(Protocol):
    """What Undo needs of the main window (the window module imports this one)."""

    stack: QStackedWidget

    def window(self) -> QWidget: ...

    def statusBar(self) -> QStatusBar: ...

# Why the status changed, for a register whose status changes need one (suppliers).
UNDO_REASON = "Undo of the last save"


@dataclass(frozen=True)
class LastSave:
    ref: str
    before: Any  # the record as its editor loaded it: the values before the save
    version: int  # the version that save left
    save: Callable[[Any], Any]  # the editor's save: the service call, validation included


_last: LastSave | None = None


def remember(before: Any, saved: Any, save: Callable[[Any], Any]) -> None:
    """An editor saved ``saved`` (loaded as ``before``) through ``save``: it becomes the
    save Undo puts back. A new record's creation replaces any earlier save but is not
    undone itself."""
    global _last
    ref, version = getattr(saved, "ref", ""), getattr(saved, "version", None)
    stored = getattr(before, "id", None) is not None
    _last = (LastSave(ref, before, version, save)
             if stored and ref and isinstance(version, int) else None)


def forget() -> None:
    """A database was opened or closed: its saves are not this one's."""
    global _last
    _last = None


def last() -> LastSave | None:
    return _last


def undo() -> Any:
    """Save the earlier values again, as a new save; the record saved. ConflictError (the
    service's optimistic lock) when the record changed since that save; ValidationError
    when the earlier values break a rule now."""
    global _last
    entry = _last
    if entry is None:
        raise LookupError("nothing to undo")
    record = replace(entry.before, version=entry.version)
    if "status_reason" in {f.name for f in fields(record)}:  # used if the status moves
        record = replace(record, status_reason=UNDO_REASON)
    saved = entry.save(record)
    _last = None  # undone: Ctrl+Z again does not flip it back
    return saved


def _tr(text: str) -> str:
    return QCoreApplication.translate("Undo", text)


def shown_ref(window: MainWindow) -> str:
    """The reference of the record selected on the page in view ("" when none)."""
    page = window.stack.currentWidget()
    table = getattr(page, "table", None)
    selected = getattr(getattr(page, "register", table), "selected_row", None)
    row = selected() if callable(selected) else None
    return str(getattr(row, "ref", "") or "")


class UndoAction:
    """Edit › Undo save of REF (Ctrl+Z) for a window."""

    def __init__(self, window: MainWindow, menu: QMenu) -> None:
        self.window = window
        self.action = QAction(_tr("&Undo last save"), window.window())  # Ctrl+Z: set by the window
        self.action.triggered.connect(self.trigger)
        menu.addAction(self.action)
        menu.aboutToShow.connect(self._label)
        # Off in the menu when it cannot act here; Ctrl+Z stays live to say why.
        menu.aboutToHide.connect(lambda: self.action.setEnabled(True))

    def _label(self) -> None:
        entry = last()
        self.action.setText(_tr("&Undo save of %s") % entry.ref if entry else
                            _tr("&Undo last save"))
        self.action.setEnabled(entry is not None and entry.ref == shown_ref(self.window))

    def trigger(self) -> None:
        from qmsdesk.errors import UserFacingError
        from qmsdesk.services.errors import ConflictError, ValidationError
        from qmsdesk.ui.errors import show_error

        entry = last()
        bar = self.window.statusBar()
        if entry is None:
            bar.showMessage(_tr("Nothing to undo: no record was saved since the database "
                                "was opened."), 8000)
            return
        if entry.ref != shown_ref(self.window):
            bar.showMessage(_tr("Undo puts back your last save, of %s: select it on its "
                                "page, then press Ctrl+Z.") % entry.ref, 8000)
            return
        try:
            saved = undo()
        except ConflictError:
            forget()
            show_error(self.window.window(), _tr("Not undone"), _tr(
                "%s has changed since your save, so it was not undone.") % entry.ref)
        except ValidationError as exc:
            show_error(self.window.window(), _tr("Not undone"), _tr(
                "%1 was not undone: %2").replace("%1", entry.ref).replace(
                "%2", next(iter(exc.errors.values()), "")))
        except UserFacingError as exc:
            show_error(self.window.window(), _tr("Not undone"), str(exc))
        except RuntimeError:  # the editor that saved it is gone with its page
            forget()
            show_error(self.window.window(), _tr("Not undone"), _tr(
                "%s can no longer be undone from here: open it and change it back.")
                % entry.ref)
        else:
            page = self.window.stack.currentWidget()
            refresh = getattr(page, "refresh", None)
            if callable(refresh):
                refresh(select_id=saved.id)
            bar.showMessage(_tr("Undone: %s has its values from before your last save "
                                "again.") % entry.ref, 8000)
