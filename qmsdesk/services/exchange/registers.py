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

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qmsdesk.models.db import Database
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.exchange import columns as cols
from qmsdesk.services.exchange.columns import Column, Table
from qmsdesk.services.exchange.tables import raw_rows
from qmsdesk.services.progress import Progress

if TYPE_CHECKING:
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut

NOT_IMPORTED = ("timestamp", "exact timestamp")
FORMATS = (".xlsx", ".csv", ".zip")


@dataclass(frozen=True)
class SheetSpec:
    """One table of a register as a sheet; ``parent`` is the header naming the parent."""

    table: Table
    parent: str | None = None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.table.columns if c.kind not in NOT_IMPORTED)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True)
class RegisterSpec:
    key: str
    title: str
    sheets: tuple[SheetSpec, ...]  # the main table first

    @property
    def main(self) -> SheetSpec:
        return self.sheets[0]


REGISTERS: dict[str, RegisterSpec] = {spec.key: spec for spec in (
    RegisterSpec("parties", "Interested parties", (
        SheetSpec(cols.PARTIES), SheetSpec(cols.REQUIREMENTS, "Party reference"),
        SheetSpec(cols.ENGAGEMENTS, "Party reference"))),
    RegisterSpec("objectives", "Quality objectives", (
        SheetSpec(cols.OBJECTIVES), SheetSpec(cols.MEASUREMENTS, "Objective reference"))),
    RegisterSpec("actions", "Action log", (SheetSpec(cols.ACTIONS),)),
    RegisterSpec("suppliers", "Suppliers", (
        SheetSpec(cols.SUPPLIERS), SheetSpec(cols.CERTIFICATES, "Supplier reference"),
        SheetSpec(cols.STATUS_HISTORY, "Supplier reference"),
        SheetSpec(cols.REVIEWS, "Supplier reference"),
        SheetSpec(cols.REVIEW_SCORES, "Review reference"))),
)}


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


def _sheets(spec: RegisterSpec, db: Database | None) -> list[SheetOut]:
    """Each table as a sheet: with every row of ``db``, or (no database) headers only."""
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut

    out = []
    for sheet in spec.sheets:
        keep = [i for i, c in enumerate(sheet.table.columns) if c.kind not in NOT_IMPORTED]
        rows: Sequence[Sequence[object]] = (
            [] if db is None else [[row[i] for i in keep] for row in raw_rows(db, sheet.table)])
        out.append(SheetOut(sheet.name, sheet.headers, tuple(c.kind for c in sheet.columns),
                            rows))
    return out


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


def export_register(db: Database, key: str, out_path: Path) -> Generator[Progress, None, Path]:
    """Write register ``key`` to ``out_path`` (.xlsx, .zip of CSVs, or .csv files)."""
    spec = REGISTERS[key]
    check_format(out_path)
    yield Progress(0, 2, f"Reading {spec.title.lower()}")
    sheets = _sheets(spec, db)
    yield Progress(1, 2, "Writing the file")
    return _write(spec, sheets, out_path)


def write_template(key: str, out_path: Path) -> Path:
    """An empty file in the import layout: every sheet with its header row only."""
    spec = REGISTERS[key]
    return _write(spec, _sheets(spec, None), out_path)
