"""The "Archived …" list every register report ends its register with: archived records are
named, with when, by whom and why, so a gap in the references is never unexplained."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from qmsdesk.reports.document import data_table, empty_note, heading, styles
from qmsdesk.services.numbers import NOTHING


@dataclass(frozen=True)
class ArchivedLine:
    """One archived record: its reference, name, a third column the register chooses
    (category, outcome), when and by whom it was archived (from the audit trail) and why."""

    ref: str
    name: str
    detail: str
    on: date | None
    by: str
    why: str


def archived_section(title: str, note: str, detail_header: str,
                     lines: Sequence[ArchivedLine]) -> list[Flowable]:
    """A heading, the ``note`` saying what archiving means for this register, the table;
    nothing when no record is archived."""
    if not lines:
        return []
    story = heading(title, styles().h2, 30 * mm)
    story.append(empty_note(note))
    story.append(data_table(
        ["Ref", "Name", detail_header, "Archived", "Why"],
        [[line.ref, line.name, line.detail, _when(line), line.why] for line in lines],
        [1.5, 2.6, 1.3, 2.2, 3.1]))  # the ref fits whole: OBJ-2026-01
    return story


def _when(line: ArchivedLine) -> str:
    if line.on is None:
        return NOTHING
    return f"{line.on.isoformat()} by {line.by}" if line.by else line.on.isoformat()


def dated_lines(rows: Sequence[Any], archivers: dict[str, tuple[date, str]],
                detail: Callable[[Any], str]) -> list[ArchivedLine]:
    """The lines of records archived by date (objectives, actions: ``archived_on`` and
    ``archive_reason`` on the row, a ``title``); who archived each from ``archivers``
    (services.archiving.archived_by)."""
    return [ArchivedLine(r.ref, r.title, detail(r), r.archived_on,
                         archivers.get(r.ref, (None, ""))[1], r.archive_reason)
            for r in rows]
