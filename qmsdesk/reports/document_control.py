"""What identifies a controlled document (ISO 9001 7.5.2), as the template prints it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DocumentControl:
    """What identifies a controlled document (ISO 9001 7.5.2): who, what, which revision, when."""

    title: str
    document_number: str
    revision: str
    organisation: str
    prepared_by: str
    approved_by: str  # "Helen Whitfield, Managing Director, 2026-12-02" or "Not yet approved"
    issue_date: date
    period: str = ""
    subject: str = ""
    logo: bytes | None = None  # PNG, shown beside the title on the first page
    audit_trail: str = ""  # the trail's anchor when issued, "COUNT:HASH"
    approval: str = ""  # the approval record in a sentence ("" prints none)
    history: tuple[HistoryLine, ...] = ()  # the revision history, oldest first
    earlier_revisions: int = 0  # revisions before the first history line (in the log)


@dataclass(frozen=True)
class HistoryLine:
    """One row of the revision history on the control page, as printed."""

    revision: str
    issued: str
    change: str
    approved: str
