"""Registers in and out of spreadsheets: which tables each register has, export, templates.

A register is exported as its tables (parties: parties, requirements, engagements), each
a sheet with a header row. The columns are those of columns.py, the same the
auditor pack's CSVs use, minus the Created / Last changed timestamps (the database sets
them, so an import cannot). Child tables name their parent by reference in the first
column. The import (importer.py) reads the same layout back.

File layouts:
    FILE.xlsx   one workbook, one sheet per table, named as the table ("parties", ...)
    FILE.zip    one CSV per table inside ("parties.csv", "requirements.csv", ...)
    FILE.csv    the main table in FILE.csv, each child table beside it as
                FILE-<table>.csv ("parties.csv", "parties-requirements.csv", ...)
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdesk import registers as catalogue
from qmsdesk.models.db import Database
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.exchange.specs import NOT_IMPORTED, RegisterSpec, SheetSpec
from qmsdesk.services.exchange.tables import raw_rows
from qmsdesk.services.progress import Progress

if TYPE_CHECKING:
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut

__all__ = ["NOT_IMPORTED", "REGISTERS", "RegisterSpec", "SheetSpec", "check_format",
           "export_register", "register_size", "sibling_csv", "write_template"]

FORMATS = (".xlsx", ".csv", ".zip")
REFERENCE = "Reference"  # the header of a record's own reference, first on a main sheet


class _Specs(Mapping[str, RegisterSpec]):
    """Register key -> its layout, as the catalogue names them (qmsdesk.registers). Read
    when first asked: each layout lives in its register's package, which builds on this."""

    @cached_property
    def _specs(self) -> dict[str, RegisterSpec]:
        return {r.key: catalogue.load(r.exchange) for r in catalogue.exportable()}

    def __getitem__(self, key: str) -> RegisterSpec:
        return self._specs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


REGISTERS: Mapping[str, RegisterSpec] = _Specs()


def check_format(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ServiceError(f"{Path(path).name}: choose a .xlsx, .csv or .zip file name.")
    return suffix


def sibling_csv(path: Path, sheet: SheetSpec, spec: RegisterSpec) -> Path:
    """Where a table lives in the FILE.csv layout: the main table in FILE.csv itself."""
    path = Path(path)
    if sheet is spec.main:
        return path
    return path.with_name(f"{path.stem}-{sheet.name}.csv")


def _sheets(spec: RegisterSpec, db: Database | None,
            refs: Sequence[str] | None = None) -> list[SheetOut]:
    """Each table as a sheet: with every row of ``db``, or (no database) headers only.
    With ``refs``, only those records (by reference, in that order) and their child rows."""
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut

    out = []
    # Reference -> position, of the records kept so far: the main sheet's, then those of
    # child sheets that are parents themselves (a supplier's reviews, parents of scores).
    order = None if refs is None else {ref: i for i, ref in enumerate(dict.fromkeys(refs))}
    for sheet in spec.sheets:
        keep = [i for i, c in enumerate(sheet.table.columns) if c.kind not in NOT_IMPORTED]
        rows: Sequence[Sequence[object]] = (
            [] if db is None else [[row[i] for i in keep] for row in raw_rows(db, sheet.table)])
        if order is not None:
            rows = _kept(sheet, spec, rows, order)
        out.append(SheetOut(sheet.name, sheet.headers, tuple(c.kind for c in sheet.columns),
                            rows))
    return out


def _kept(sheet: SheetSpec, spec: RegisterSpec, rows: Sequence[Sequence[object]],
          order: dict[str, int]) -> list[Sequence[object]]:
    """The rows of ``sheet`` belonging to the records in ``order``, in its order (a child
    sheet's rows grouped by parent, each parent's in their stored order); the references
    of the rows kept are added to ``order`` for the sheets that follow."""
    headers = sheet.headers
    column = headers.index(sheet.parent if sheet.parent else REFERENCE)
    kept = sorted((row for row in rows if row[column] in order),
                  key=lambda row: order[str(row[column])])
    if sheet is not spec.main and REFERENCE in headers:
        own = headers.index(REFERENCE)
        for row in kept:
            order.setdefault(str(row[own]), len(order))
    return kept


def register_size(db: Database, key: str) -> int:
    """How many records the whole register holds (its main sheet's rows, archived ones
    too): what an export without a selection writes."""
    from sqlalchemy import func, select

    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(
            REGISTERS[key].main.table.source)) or 0)


def _write(spec: RegisterSpec, sheets: list[SheetOut], out_path: Path) -> Path:
    from qmsdesk.services.exchange.spreadsheet_write import write_csv_files, write_xlsx

    suffix = check_format(out_path)
    if suffix == ".xlsx":
        write_xlsx(out_path, sheets)
    elif suffix == ".zip":
        write_csv_files(out_path, sheets)
    else:
        for sheet, data in zip(spec.sheets, sheets, strict=True):
            write_csv_files(sibling_csv(out_path, sheet, spec), [data])
    return Path(out_path)


def export_register(db: Database, key: str, out_path: Path,
                    refs: Sequence[str] | None = None) -> Generator[Progress, None, Path]:
    """Write register ``key`` to ``out_path`` (.xlsx, .zip of CSVs, or .csv files): the
    whole register, or with ``refs`` only those records, in that order (a filtered view),
    with their child rows."""
    spec = REGISTERS[key]
    check_format(out_path)
    yield Progress(0, 2, f"Reading {spec.title.lower()}")
    sheets = _sheets(spec, db, refs)
    yield Progress(1, 2, "Writing the file")
    return _write(spec, sheets, out_path)


def write_template(key: str, out_path: Path) -> Path:
    """An empty file in the import layout: every sheet with its header row only."""
    spec = REGISTERS[key]
    return _write(spec, _sheets(spec, None), out_path)
