"""The line an editor shows under its heading when the record it opened is archived."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel

from qmsdesk.services.archiving import is_archived
from qmsdesk.ui import colours
from qmsdesk.ui.formatting import format_date


def _tr(text: str) -> str:
    return QCoreApplication.translate("ArchivedNote", text)


def note_archived(dialog: Any, record: Any) -> None:
    """An archived record opened in its editor says so under the heading, with why: it
    can be read and corrected, and is taken up again by restoring it (Ctrl+R)."""
    if not is_archived(record):
        return
    note = QLabel(_tr("Archived on %1: %2. Restore it (Ctrl+R on its page) to take it up "
                      "again.").replace("%1", format_date(record.archived_on))
                  .replace("%2", record.archive_reason.rstrip(".")))
    note.setObjectName("archived_note")
    note.setWordWrap(True)
    note.setStyleSheet(colours.text_style(colours.MUTED))
    layout = dialog.main_layout
    layout.insertWidget(layout.indexOf(dialog.heading) + 1, note)
