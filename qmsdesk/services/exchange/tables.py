"""Every register, and the audit trail of a date range, as flat tables and CSV files.

The table definitions live in columns.py; this module turns them into rows of
strings (dates ISO, numbers as Python writes them, None empty, booleans yes/no) and into
CSV a spreadsheet opens safely: UTF-8 with BOM, comma separated, CRLF, free text that
could be read as a formula neutralised.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Select, func, select

from qmsdesk.models.audit import AuditEntry, format_value
from qmsdesk.models.db import Database
from qmsdesk.services.dates import utc_window
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.exchange.columns import AUDIT_TRAIL, Column, Kind, Table, all_tables

__all__ = [
    "AUDIT_TRAIL",
    "ENCODING",
    "Column",
    "Table",
    "all_tables",
    "audit_entries",
    "audit_rows",
    "format_cell",
    "spreadsheet_safe",
    "table_by_name",
    "table_rows",
    "write_audit_csv",
    "write_audit_jsonl",
    "write_csv",
]

# Excel needs the BOM to read UTF-8 (without it "Société" comes out as "SociÃ©tÃ©").
ENCODING = "utf-8-sig"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")  # "'": see spreadsheet_io.unescape_text

Target = str | os.PathLike[str] | IO[bytes]


def spreadsheet_safe(text: str) -> str:
    """Text a spreadsheet will show as typed, never evaluate as a formula.

    Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``,
    ``-`` or ``@`` (and, after a tab or carriage return, whatever follows) as a formula,
    so a party named ``=HYPERLINK(...)`` would run on the auditor's machine (CSV
    injection). Such text gets a leading apostrophe, which the spreadsheet reads as
    "this is text". Apply it to free text only: a number column keeps "-3.5".
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _exact_timestamp(value: datetime) -> str:
    # Microseconds, as the audit hash covers them (models/audit.py). To recompute the chain
    # from the CSV, first drop the ' that spreadsheet_safe puts before text starting with
    # = + - @ (old and new values often start with "-").
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _date(value: date) -> str:
    return value.isoformat()


def _bool(value: bool) -> str:
    return "yes" if value else "no"


def _text(value: Any) -> str:
    return spreadsheet_safe(str(value))


_FORMATS: dict[Kind, Callable[[Any], str]] = {
    "text": _text,
    "code": str,
    "int": str,
    "float": str,
    "date": _date,
    "bool": _bool,
    "timestamp": _timestamp,
    "exact timestamp": _exact_timestamp,
}


def format_cell(value: Any, kind: Kind) -> str:
    """One value as written to a cell; None is always the empty string."""
    return "" if value is None else _FORMATS[kind](value)


def table_by_name(name: str) -> Table:
    """The table of all_tables() with this file stem ("parties", "review_scores", ...)."""
    for table in all_tables():
        if table.name == name:
            return table
    raise KeyError(f"no register table named {name!r}")


AUDIT_BATCH = 5000  # audit entries read at a time for a file


def _fetch(db: Database, query: Select[Any]) -> Sequence[Any]:
    # One select, fetched whole and the session closed before any row is handed out:
    # a generator that keeps a session open is how "database is locked" happens.
    with db.read() as session:
        return session.connection().execute(query).all()


def _formatted(rows: Iterable[Sequence[Any]], columns: Sequence[Column]) -> Iterator[list[str]]:
    kinds = [column.kind for column in columns]
    for row in rows:
        yield [format_cell(value, kind) for value, kind in zip(row, kinds, strict=True)]


def raw_rows(db: Database, table: Table) -> Sequence[Sequence[Any]]:
    """Every row of ``table`` as stored values (dates, numbers, text), in column order."""
    return _fetch(db, table.query())


def table_rows(db: Database, table: Table) -> Iterator[list[str]]:
    """Every row of ``table`` as strings, in column order (no header: see table.headers).

    The rows are read when this is called, so an error surfaces here and not halfway
    through writing a file.
    """
    return _formatted(_fetch(db, table.query()), table.columns)


def _audit_batches(db: Database, query: Select[Any]) -> Iterator[Sequence[Any]]:
    """The rows of ``query`` (audit entries by id, the id first), AUDIT_BATCH at a time,
    each batch read in its own short session: a trail of millions of entries never sits
    in memory whole, and no session stays open while the caller writes. Entries added
    meanwhile are left out (the trail as it stood when reading began)."""
    with db.read() as session:
        last_id = session.scalar(select(func.max(AuditEntry.id))) or 0
    after = 0
    while True:
        batch = _fetch(db, query.where(AuditEntry.id > after, AuditEntry.id <= last_id)
                       .limit(AUDIT_BATCH))
        yield from batch
        if len(batch) < AUDIT_BATCH:
            return
        after = batch[-1][0]


def _audit_query(query: Select[Any], date_from: date, date_to: date) -> Select[Any]:
    if date_to < date_from:
        raise ValidationError({"date_to": "The end date cannot be before the start date."})
    start, end = utc_window(date_from, date_to)
    return query.where(AuditEntry.at >= start, AuditEntry.at < end)


def audit_rows(db: Database, date_from: date, date_to: date) -> Iterator[list[str]]:
    """Audit entries recorded from ``date_from`` to ``date_to`` inclusive, by entry id,
    read in batches as they are consumed.

    Whole days in UTC, as ``at`` is stored: an entry made at 00:30 local time in Berlin
    on 1 April belongs to 31 March. Raises ValidationError when the range ends before
    it starts.
    """
    query = _audit_query(AUDIT_TRAIL.query(), date_from, date_to)
    return _formatted(_audit_batches(db, query), AUDIT_TRAIL.columns)


def audit_entries(db: Database, date_from: date, date_to: date) -> Iterator[dict[str, Any]]:
    """The audit entries of ``date_from``..``date_to`` (as audit_rows) with their values
    exactly as hashed (models.audit.entry_hash): what a pack's verifier recomputes."""
    names = ("id", "at", "user", "action", "entity", "record_id", "ref", "field",
             "old_value", "new_value", "prev_hash", "hash")
    query = _audit_query(select(*(getattr(AuditEntry, name) for name in names))
                         .order_by(AuditEntry.id), date_from, date_to)
    return (dict(zip(names, (*row[:1], format_value(row[1]), *row[2:]), strict=True))
            for row in _audit_batches(db, query))


def write_audit_jsonl(db: Database, date_from: date, date_to: date, target: Path) -> int:
    """The period's audit entries, one JSON object a line (UTF-8, raw values, nothing
    escaped for a spreadsheet); return how many."""
    count = 0
    with open(target, "w", encoding="utf-8", newline="\n") as handle:
        for entry in audit_entries(db, date_from, date_to):
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            count += 1
    return count


def _write_rows(handle: IO[str], headers: Sequence[str], rows: Iterable[list[str]]) -> int:
    writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)  # excel dialect: comma, CRLF
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def write_rows(target: Target, headers: Sequence[str], rows: Iterable[list[str]]) -> int:
    if isinstance(target, str | os.PathLike):
        with open(target, "w", encoding=ENCODING, newline="") as handle:
            return _write_rows(handle, headers, rows)
    if isinstance(target, io.TextIOBase):
        raise TypeError("write to a path or a binary stream: the encoding (UTF-8 with BOM) "
                        "is chosen here, not by the caller's text stream")
    # A binary stream, e.g. ZipFile.open(name, "w"): wrap it, then hand it back open.
    wrapper = io.TextIOWrapper(target, encoding=ENCODING, newline="")
    try:
        return _write_rows(wrapper, headers, rows)
    finally:
        wrapper.flush()
        wrapper.detach()


def write_csv(db: Database, table: Table, target: Target) -> int:
    """Write ``table`` with its header row to a file path or a binary stream (left open);
    return the number of records written."""
    return write_rows(target, table.headers, table_rows(db, table))


def write_audit_csv(db: Database, date_from: date, date_to: date, target: Target) -> int:
    """Write the audit trail of ``date_from``..``date_to`` (whole UTC days, inclusive) with
    its header row; return the number of entries written."""
    return write_rows(target, AUDIT_TRAIL.headers, audit_rows(db, date_from, date_to))
