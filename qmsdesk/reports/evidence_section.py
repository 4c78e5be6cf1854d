"""The evidence files behind a register's records, as the last section of its report:
each current file by record, name, size and sha256, so a printed report points at the
exact file an auditor can ask to see (and the auditor pack carries)."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.platypus import Flowable

from qmsdesk.models.db import Database
from qmsdesk.reports.document import data_table, empty_note, heading, para, styles
from qmsdesk.services import evidence


def evidence_section(db: Database, entities: Iterable[str], number: str,
                     refs: Iterable[str] | None = None) -> list[Flowable]:
    """Section ``number`` ("4.") listing the current evidence files of the records of
    ``entities`` (only those of ``refs``, when given), record by record."""
    st = styles()
    found = evidence.evidence_by_ref(db, entities)
    wanted = list(found) if refs is None else [ref for ref in refs if ref in found]
    story: list[Flowable] = [*heading(f"{number} Evidence files", st.h1),
                             para("The files kept with each record in QMS Desk (a replaced "
                                  "file is listed in the record's Evidence tab and the "
                                  "auditor pack). The sha256 identifies each file exactly.",
                                  st.note)]
    rows = [[ref, item.file_name, evidence.size_text(item.size),
             item.attached_at.astimezone().date().isoformat() + " · " + item.attached_by,
             item.sha256]
            for ref in sorted(wanted) for item in found[ref]]
    if not rows:
        return [*story, empty_note("No evidence files are attached to these records.")]
    return [*story, data_table(["Record", "File", "Size", "Attached", "sha256"], rows,
                               [1.0, 2.6, 0.8, 1.8, 3.2])]
