"""Importing a register from a spreadsheet: read, map headers, check every row, then write
everything in one transaction, or nothing.

The steps, for any register (the register's own part is an Adapter, see adapters.py):
1. read the file (spreadsheet_io) and find each table's sheet;
2. map the file's headers to the register's (``suggest_mapping``: exact names, common
   variants such as "Stakeholder" or "Power", or a mapping the user chose); a header that
   comes twice, or two columns that would go into one field, refuse the file
   (``header_problems``): which column would win is not for the import to guess;
3. turn each row into the register's record: a row with a reference updates that record
   (or creates it with that reference), a row without one creates a record; child rows
   (requirements, measurements, ...) join their parent by its reference;
4. check each record with the register's own check, the one its forms save through
   (database rules included: unique names, links); any problem anywhere refuses the
   whole file with a report (sheet, row number as the spreadsheet shows it, column, message;
   the first SHOWN problems, and how many more);
5. otherwise save every record in one transaction through that register's check-then-store
   function (which checks again: a rule broken meanwhile refuses the file the same way);
   each change lands in the audit trail. A register may write its new records in bulk
   (exchange.bulk: its own check and store function, the trail's entries as the session
   hook writes them, one executemany per table and batch).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from qmsdesk.models.db import Database
from qmsdesk.services.errors import BatchValidationError, ServiceError
from qmsdesk.services.exchange.adapters import Problem, ProblemLog, Row, adapter_for
from qmsdesk.services.exchange.registers import (
    REGISTERS,
    RegisterSpec,
    SheetSpec,
    check_format,
    sibling_csv,
)
from qmsdesk.services.progress import Progress, collector_paused

Mapping_ = dict[str, dict[str, str]]  # sheet -> {header in the file: register header}


SHOWN = 200  # problems listed; a file wrong on every row says how many more there are


class ImportRefused(ServiceError):
    """The file has problems; nothing was imported. ``problems`` says where and what (the
    first SHOWN of them); ``more`` is how many others there are."""

    def __init__(self, problems: Sequence[Problem], more: int = 0) -> None:
        self.problems = tuple(problems[:SHOWN])
        self.more = more + max(len(problems) - SHOWN, 0)
        count = len(self.problems) + self.more
        super().__init__(f"Nothing was imported: the file has {count} "
                         f"problem{'s' if count != 1 else ''}.")

    def report(self) -> str:
        lines = [str(self), *(f"  {p}" for p in self.problems)]
        if self.more:
            lines.append(f"  ... and {self.more} more: correct these and check the file again.")
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    dry_run: bool
    ignored: tuple[str, ...] = ()  # sheets and columns not used, for the user to know

    def summary(self) -> str:
        if self.dry_run:
            return (f"Checked, nothing written: the import would create {len(self.created)} "
                    f"and update {len(self.updated)} records ({len(self.unchanged)} "
                    "unchanged).")
        return (f"Imported: {len(self.created)} created, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged.")


# --- headers -------------------------------------------------------------------------------
def normalise_header(text: object) -> str:
    """Case, spacing, punctuation and "&" do not matter: "Needs & expectations" is
    "needs and expectations", "Influence (1-5)" is "influence 1 5"."""
    text = str(text or "").casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def recognised(sheet: SheetSpec, headers: Sequence[str], aliases: Mapping[str, str]
               ) -> dict[str, str]:
    """File header -> the register header it names: its own, or a known variant. Two file
    headers may name the same one ("Name" and "Stakeholder")."""
    own = {normalise_header(h): h for h in sheet.headers}
    variants = {normalise_header(k): v for k, v in aliases.items()}
    found = {}
    for header in headers:
        key = normalise_header(header)
        if target := own.get(key) or variants.get(key):
            found[header] = target
    return found


def suggest_mapping(sheet: SheetSpec, headers: Sequence[str], aliases: Mapping[str, str],
                    remembered: Mapping[str, str] | None = None) -> dict[str, str]:
    """File header -> register header for the headers recognised: a mapping the user made
    before, the register's own header, or a known variant (``aliases``); of two headers that
    name one register header, the first (the import window lets the person choose)."""
    known = recognised(sheet, headers, aliases)
    mapping: dict[str, str] = {}
    for header in headers:
        if remembered and remembered.get(header) in (*sheet.headers, *aliases.values()):
            mapping[header] = remembered[header]
            continue
        target = known.get(header)
        if target is not None and target not in mapping.values():
            mapping[header] = target
    return mapping


def column_letter(index: int) -> str:
    """A column as a spreadsheet names it: 0 -> A, 25 -> Z, 26 -> AA."""
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def header_problems(sheet: str, data: Any, targets: Mapping[str, str]) -> list[Problem]:
    """A header that comes twice (as normalise_header reads it), and columns that would go
    into one register column (``targets``: file header -> register header): either way the
    import would have to guess which column counts."""
    def columns(indexes: Sequence[int]) -> str:
        named = [f"{column_letter(i)} ('{data.headers[i]}')" for i in indexes]
        return ", ".join(named[:-1]) + " and " + named[-1]

    problems = []
    same: dict[str, list[int]] = defaultdict(list)
    for index, header in enumerate(data.headers):
        if header:  # "(" and ")" are different headers, though both normalise to ""
            same[normalise_header(header) or header].append(index)
    for indexes in same.values():
        if len(indexes) > 1:
            problems.append(Problem(sheet, data.header_row, "", (
                f"Columns {columns(indexes)} have the same header: rename or delete "
                f"{'one' if len(indexes) == 2 else 'all but one'}, and import again.")))
    into: dict[str, list[int]] = defaultdict(list)
    for indexes in same.values():
        header = data.headers[indexes[0]]
        if header in targets:
            into[targets[header]].append(indexes[0])
    for target, indexes in into.items():
        if len(indexes) > 1:
            problems.append(Problem(sheet, data.header_row, "", (
                f"Columns {columns(sorted(indexes))} would "
                f"{'both' if len(indexes) == 2 else 'all'} go into {target}: delete or "
                f"rename {'one' if len(indexes) == 2 else 'all but one'}, and import again.")))
    return problems


# --- reading -------------------------------------------------------------------------------
def read_register_file(spec: RegisterSpec, path: Path,
                       cancelled: Callable[[], bool] | None = None,
                       encoding: str | None = None) -> dict[str, Any]:
    """The file's sheets by name; a .csv brings its FILE-<table>.csv siblings along.
    ``encoding``: of a CSV file that is not UTF-8 (spreadsheet_io.read_spreadsheet)."""
    from qmsdesk.services.exchange.spreadsheet_io import read_spreadsheet

    path = Path(path)
    suffix = check_format(path)
    sheets = dict(read_spreadsheet(path, cancelled, encoding))
    if suffix == ".csv":  # each table is a file, and is called by the file's name
        sheets = {spec.main.name: replace(next(iter(sheets.values())), name=path.name)}
        for sheet in spec.sheets[1:]:
            sibling = sibling_csv(path, sheet, spec)
            if sibling.is_file():
                data = next(iter(read_spreadsheet(sibling, cancelled, encoding).values()))
                sheets[sheet.name] = replace(data, name=sibling.name)
    return sheets


def find_sheets(spec: RegisterSpec, sheets: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Register table -> the file's sheet of that name (or title); a file with a single
    sheet is the main table whatever its name. Also the names of sheets not used."""
    by_name = {normalise_header(name): name for name in sheets}
    found: dict[str, Any] = {}
    for sheet in spec.sheets:
        for candidate in (sheet.name, sheet.table.title, sheet.name.replace("_", " ")):
            name = by_name.get(normalise_header(candidate))
            if name is not None:
                found[sheet.name] = sheets[name]
                break
    if spec.main.name not in found and len(sheets) >= 1 and not found:
        first = next(iter(sheets))
        found[spec.main.name] = sheets[first]
    used = {id(s) for s in found.values()}
    return found, [name for name, s in sheets.items() if id(s) not in used]


@dataclass(frozen=True)
class SheetPreview:
    """What the mapping step shows for one register table found in the file."""

    sheet: SheetSpec
    file_sheet: str
    headers: tuple[str, ...]  # the file's, in its order
    mapping: dict[str, str]  # file header -> register header (those recognised)
    sample: tuple[tuple[Any, ...], ...]  # the first few rows, raw
    rows: int
    extra: tuple[str, ...] = ()  # targets beyond the table's own ("Need or expectation")

    @property
    def choices(self) -> tuple[str, ...]:
        """Register headers a file column can be mapped to."""
        return (*self.sheet.headers, *self.extra)


def preview_import(key: str, path: Path, remembered: Mapping_ | None = None,
                   sample_rows: int = 5, encoding: str | None = None,
                   ) -> tuple[list[SheetPreview], list[str]]:
    """The tables found in the file with the headers recognised (or remembered), and the
    names of sheets that will not be used. Raises SpreadsheetError for an unreadable file
    (EncodingError for a CSV file that is not UTF-8 or ``encoding``), ImportRefused for a
    header that comes twice (no column can be chosen for one of them)."""
    spec = REGISTERS[key]
    adapter = adapter_for(key)
    workbook = read_register_file(spec, path, encoding=encoding)
    found, ignored = find_sheets(spec, workbook)
    twice = [p for sheet in spec.sheets if sheet.name in found
             for p in header_problems(found[sheet.name].name, found[sheet.name], {})]
    if twice:
        raise ImportRefused(twice)
    previews = []
    for sheet in spec.sheets:
        data = found.get(sheet.name)
        if data is None:
            continue
        mapping = suggest_mapping(sheet, data.headers, adapter.aliases(sheet.name),
                                  (remembered or {}).get(sheet.name))
        previews.append(SheetPreview(sheet, data.name,
                                     tuple(data.headers), mapping,
                                     tuple(r.cells for r in data.rows[:sample_rows]),
                                     len(data.rows), adapter.extra_columns.get(sheet.name, ())))
    return previews, ignored


# --- rows into records ---------------------------------------------------------------------
def parse_rows(sheet: SheetSpec, data: Any, mapping: Mapping[str, str],
               problems: list[Problem]) -> list[Row]:
    """Typed values per row; a cell that cannot be read becomes a Problem."""
    from qmsdesk.services.exchange.cell_values import CellError, parse_cell

    kinds = {c.header: c.kind for c in sheet.columns}
    positions = [(i, header, mapping[header], kinds.get(mapping[header], "text"))
                 for i, header in enumerate(data.headers) if header in mapping]
    headers = {target: file_header for _, file_header, target, _ in positions}  # shared
    rows = []
    for raw in data.rows:
        values: dict[str, Any] = {}
        cells = raw.cells
        for index, file_header, target, kind in positions:
            try:
                values[target] = parse_cell(cells[index] if index < len(cells) else None, kind)
            except CellError as exc:
                problems.append(Problem(sheet.name, raw.number, file_header, str(exc)))
        rows.append(Row(sheet.name, raw.number, values, headers))
    return rows


def run_import(db: Database, key: str, path: Path, today: date,
               mapping: Mapping_ | None = None, dry_run: bool = False,
               cancelled: Callable[[], bool] | None = None, encoding: str | None = None,
               ) -> Generator[Progress, None, ImportResult]:
    """Import register ``key`` from ``path``; yields Progress, returns what was done.

    Raises ImportRefused with the problems found (nothing written), SpreadsheetError for
    a file that cannot be read. ``mapping`` replaces the headers recognised, per sheet it
    names (an empty mapping imports nothing from that sheet). ``cancelled`` is asked now
    and then while the file is read (spreadsheet_io.Cancelled ends it); closing the task
    between steps, even while saving, leaves the database as it was. ``encoding``: of a
    CSV file that is not UTF-8 (one of spreadsheet_io.ENCODINGS).
    """
    return collector_paused(_import(db, key, path, today, mapping, dry_run, cancelled,
                                    encoding))


def _import(db: Database, key: str, path: Path, today: date, mapping: Mapping_ | None,
            dry_run: bool, cancelled: Callable[[], bool] | None, encoding: str | None,
            ) -> Generator[Progress, None, ImportResult]:
    spec = REGISTERS[key]
    adapter = adapter_for(key)
    yield Progress(0, 0, f"Reading {Path(path).name}")
    sheets, ignored_sheets = find_sheets(spec, read_register_file(spec, path, cancelled,
                                                                  encoding))
    shown = {name: data.name for name, data in sheets.items()}  # as the person calls it
    problems = ProblemLog()
    ignored = [f"sheet '{name}'" for name in ignored_sheets]
    chosen: dict[str, Mapping[str, str]] = {}
    for sheet in spec.sheets:
        data = sheets.get(sheet.name)
        if data is None:
            continue
        if mapping and sheet.name in mapping:
            chosen[sheet.name] = targets = mapping[sheet.name]
        else:
            aliases = adapter.aliases(sheet.name)
            chosen[sheet.name] = suggest_mapping(sheet, data.headers, aliases)
            targets = recognised(sheet, data.headers, aliases)
        problems.extend(header_problems(data.name, data, targets))
    if problems:  # the rows cannot be read until the columns are clear
        raise ImportRefused(problems)
    parsed: dict[str, list[Row]] = {}
    for sheet in spec.sheets:
        data = sheets.get(sheet.name)
        if data is None:
            continue
        ignored += [f"column '{h}' ({shown[sheet.name]})" for h in data.headers
                    if h and h not in chosen[sheet.name]]
        parsed[sheet.name] = parse_rows(sheet, data, chosen[sheet.name], problems)
    if spec.main.name not in parsed:
        raise ImportRefused([Problem(Path(path).name, None, "",
                                     f"No sheet of {spec.title.lower()} found.")])
    yield Progress(1, 4, "Checking every row")
    plan = adapter.plan(db, spec, parsed, today, problems)
    if problems:
        order = [s.name for s in spec.sheets]
        problems.sort(key=lambda p: (order.index(p.sheet) if p.sheet in order else 99,
                                     p.row or 0))
        raise ImportRefused([replace(p, sheet=shown.get(p.sheet, p.sheet)) for p in problems],
                            problems.more)
    created = tuple(p.ref for p in plan if p.original is None)
    updated = tuple(p.ref for p in plan if p.original is not None and p.changes)
    unchanged = tuple(p.ref for p in plan if not p.changes)
    if not dry_run:
        writing = [p for p in plan if p.changes]
        total = len(writing) + 1
        yield Progress(0, total, f"Saving {len(writing)} records")
        try:
            for done in adapter.write(db, writing, today):  # one transaction: Cancel undoes it all
                yield Progress(done, total, f"Saving {len(writing)} records")
        except BatchValidationError as exc:  # a rule broken since the file was checked
            raise ImportRefused([replace(p, sheet=shown.get(p.sheet, p.sheet))
                                 for p in adapter.refused(writing, exc.by_record)]) from exc
    # No step after the commit: a Cancel pressed now could not undo what is saved.
    return ImportResult(created, updated, unchanged, dry_run, tuple(ignored))
