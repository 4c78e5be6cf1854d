"""The auditor pack's evidence/ folder: every file attached in the period, under the
reference of its record, with an index that ties each to its record and its hash."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path, PurePosixPath

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.services import evidence
from qmsdesk.services.exchange.tables import ENCODING, spreadsheet_safe

INDEX = "evidence/index.csv"
HEADER = ("Record", "Kind of record", "File in this pack", "Original name", "Size (bytes)",
          "sha256", "Attached by", "Attached at", "Note", "State")


def _member(item: evidence.EvidenceFile) -> str:
    """evidence/SUP-0004/0012-ISO 9001 certificate.pdf: unique, readable, no folder tricks."""
    name = PurePosixPath(item.file_name.replace("\\", "/")).name or "file"
    return f"evidence/{item.record_ref}/{item.id:04d}-{name}"


def write_evidence(db: Database, start: date, end: date, root: Path) -> list[str]:
    """Write the period's evidence files and their index below ``root``; returns the
    member names written (for the manifest), the index last."""
    files = evidence.attached_in(db, start, end)
    names = {f.id: f.file_name for f in files}
    written: list[str] = []
    rows = []
    for item in files:
        member = _member(item)
        evidence.write_copy(db, item, root / member)  # checked against its sha256
        written.append(member)
        state = ("current" if item.current else
                 f"replaced by {names.get(item.superseded_by or 0, 'a later file')}")
        rows.append((item.record_ref, item.record_entity, member, item.file_name,
                     str(item.size), item.sha256, item.attached_by,
                     clock.stamp(item.attached_at.astimezone()), item.note, state))
    (root / "evidence").mkdir(exist_ok=True)
    with open(root / INDEX, "w", encoding=ENCODING, newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return [*written, INDEX]
