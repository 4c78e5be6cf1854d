"""Spreadsheet files of register import and export: .xlsx, .csv and .zip of CSV read into raw
rows (cell_values.py types them); spreadsheet_write.py writes them.

Every problem with a file becomes one SpreadsheetError naming the file (and sheet and cell).
openpyxl is imported when the work starts, never at start-up.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from qmsdesk.services.errors import ServiceError
from qmsdesk.services.exchange.cell_values import parse_cell
from qmsdesk.services.exchange.columns import Kind
from qmsdesk.services.exchange.tables import FORMULA_STARTS

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # encrypted .xlsx and old .xls alike
POLL_EVERY = 1000  # rows between two calls of cancelled()
CSV_FIELD_LIMIT = 2**31 - 1  # the csv module refuses fields over 128 KiB by default

# A formula or a merged range in worksheet XML, with or without a namespace prefix.
_SHEET_MARKER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|mergeCell)[\s/>]")


class SpreadsheetError(ServiceError):
    """The file cannot be read or written; the message names it and says what to do."""


class Cancelled(Exception):
    """cancelled() returned True while a file was being read."""


@dataclass(frozen=True)
class RowData:
    """A non-empty row: its number as the spreadsheet shows it, its raw values (a cell
    formatted as a time of day or a duration gives a datetime.time or timedelta)."""

    number: int
    cells: tuple[object, ...]


@dataclass(frozen=True)
class SheetData:
    """A sheet read: its first non-empty row as stripped text, then the non-empty rows."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[RowData, ...]


@dataclass(frozen=True)
class SheetOut:
    """One sheet to write: headers, a columns.Kind per column, typed rows."""

    name: str
    headers: tuple[str, ...]
    kinds: tuple[Kind, ...]
    rows: Sequence[Sequence[object]]


def unescape_text(text: str) -> str:
    """Undo spreadsheet_safe(): drop the one apostrophe put before text that starts with
    = + - @ ' tab or CR. Lossless because text starting with ' is escaped too."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def read_spreadsheet(path: Path, cancelled: Callable[[], bool] | None = None
                     ) -> dict[str, SheetData]:
    """Every sheet of an .xlsx/.xlsm workbook (in workbook order), the one sheet of a
    .csv/.txt file (named after the file) or every .csv in a .zip (in name order).
    Raises SpreadsheetError for any problem with the file, Cancelled when ``cancelled()``
    (asked every POLL_EVERY rows) returns True."""
    path = Path(path)
    label = f"'{path.name}'"
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise SpreadsheetError(f"{label} is in the old .xls format: save it as an .xlsx "
                               "workbook and import again.")
    if suffix not in (*XLSX_SUFFIXES, *CSV_SUFFIXES, ".zip"):
        raise SpreadsheetError(f"{label} is not a file QMS Desk can import: use an Excel "
                               "workbook (.xlsx), a CSV file (.csv) or a .zip of CSV files.")
    head = _head(path, label)
    poll = _poller(cancelled)
    try:
        if suffix in XLSX_SUFFIXES:
            sheets = _read_xlsx(path, head, label, poll)
        elif suffix == ".zip":
            sheets = _read_zip(path, head, label, poll)
        else:
            sheets = {path.stem: _read_csv(path.stem, lambda: path.open("rb"), label, poll)}
    except (SpreadsheetError, Cancelled):
        raise
    except MemoryError as exc:
        raise SpreadsheetError(f"{label} is too large to read.") from exc
    except Exception as exc:  # a bad file must never show the user a traceback
        raise SpreadsheetError(f"{label} is damaged and cannot be read: open it in Excel "
                               "or LibreOffice, save it again, and import again.") from exc
    if not any(sheet.headers for sheet in sheets.values()):
        raise SpreadsheetError(f"{label} is empty.")
    return sheets


def _head(path: Path, label: str) -> bytes:
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        reason = {FileNotFoundError: "it does not exist", IsADirectoryError: "it is a folder",
                  PermissionError: "permission denied (it may be open in another program)",
                  }.get(type(exc), exc.strerror or str(exc))
        raise SpreadsheetError(f"{label} cannot be read: {reason}.") from exc
    if not head:
        raise SpreadsheetError(f"{label} is empty.")
    return head


def _poller(cancelled: Callable[[], bool] | None) -> Callable[[int], None]:
    def poll(number: int) -> None:  # number: of the row being read
        if cancelled is not None and number % POLL_EVERY == 0 and cancelled():
            raise Cancelled
    return poll


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet(name: str, records: Iterable[Sequence[object]], poll: Callable[[int], None]
           ) -> SheetData:
    """Number records as the spreadsheet does; the first non-empty one is the header."""
    headers: tuple[str, ...] | None = None
    rows: list[RowData] = []
    for number, record in enumerate(records, start=1):
        poll(number)
        end = len(record)
        while end and _blank(record[end - 1]):
            end -= 1
        if not end:
            continue
        cells = tuple(record[:end])
        if headers is None:
            headers = tuple(str(parse_cell(cell, "code") or "") for cell in cells)
        else:
            rows.append(RowData(number, cells))
    return SheetData(name, headers or (), tuple(rows))


def _read_xlsx(path: Path, head: bytes, label: str, poll: Callable[[int], None]
               ) -> dict[str, SheetData]:
    if head.startswith(OLE2_MAGIC):
        raise SpreadsheetError(f"{label} is password-protected or in the old .xls format: "
                               "save it as an .xlsx workbook without a password and import "
                               "again.")
    not_workbook = SpreadsheetError(f"{label} is not an Excel workbook (.xlsx): open it in "
                                    "Excel or LibreOffice and save it as an .xlsx workbook.")
    if not head.startswith(b"PK"):
        raise not_workbook
    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:
        if "[Content_Types].xml" not in archive.namelist():
            raise not_workbook  # a zip, but no Office file (an .ods is one too)
        content_types = archive.read("[Content_Types].xml")
        if b"spreadsheetml" not in content_types and b"ms-excel" not in content_types:
            raise not_workbook  # a Word or PowerPoint file
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        try:
            if not workbook.sheetnames:  # Excel always keeps one; openpyxl skips missing parts
                raise ValueError("no sheet")  # reported as damaged
            sheets: dict[str, SheetData] = {}
            for worksheet in workbook.worksheets:
                # read_only mode shows neither merged ranges nor formulas without a saved
                # result (those read as empty cells), so the sheet's XML is checked first.
                _check_sheet_xml(archive, worksheet._worksheet_path, worksheet.title, label,
                                 poll)
                worksheet.reset_dimensions()  # some writers record a wrong used range
                rows = ([_shown_value(cell) for cell in row] for row in worksheet.iter_rows())
                sheets[worksheet.title] = _sheet(worksheet.title, rows, poll)
            return sheets
        finally:
            workbook.close()


def _shown_value(cell: Any) -> object:
    """A cell's value as the spreadsheet shows it: a number formatted as a percentage is
    stored as a fraction (99.2 % is 0.992), and the registers hold percentages as shown."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and "%" in str(getattr(cell, "number_format", "") or ""):
        return round(value * 100, 10)
    return value


def _check_sheet_xml(archive: zipfile.ZipFile, part: str, title: str, label: str,
                     poll: Callable[[int], None]) -> None:
    """Refuse merged cells and formulas without a saved result. A quick byte scan first:
    most sheets have neither, and then the XML is not parsed a second time."""
    with archive.open(part) as stream:
        tail, found = b"", False
        while not found and (chunk := stream.read(1 << 20)):
            found = _SHEET_MARKER.search(tail + chunk) is not None
            tail = chunk[-64:]
    if not found:
        return
    from xml.etree.ElementTree import iterparse

    where, rows = f"In {label}, sheet '{title}'", 0
    with archive.open(part) as stream:
        for _, element in iterparse(stream):
            tag = element.tag.rpartition("}")[2]
            if tag == "row":
                rows += 1
                poll(rows)
                element.clear()  # keeps memory flat on a long sheet
            elif tag == "c" and _without_result(element):
                raise SpreadsheetError(
                    f"{where} cell {element.get('r', '?')} holds a formula with no saved "
                    "result: open the file in Excel or LibreOffice, save it, and import again.")
            elif tag == "mergeCell":
                raise SpreadsheetError(f"{where} has merged cells ({element.get('ref', '?')}): "
                                       "unmerge them and import again.")


def _without_result(cell: Any) -> bool:
    """A formula cell with no <v>, or an empty <v/> that is not a text result of "" (openpyxl
    writes <v/> for every formula it stores)."""
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    value = children.get("v")
    return "f" in children and (value is None or (not value.text and cell.get("t") != "str"))


def _read_zip(path: Path, head: bytes, label: str, poll: Callable[[int], None]
              ) -> dict[str, SheetData]:
    if not head.startswith(b"PK"):
        raise SpreadsheetError(f"{label} is not a ZIP archive of CSV files.")
    sheets: dict[str, SheetData] = {}
    with zipfile.ZipFile(path) as archive:
        members = sorted((info for info in archive.infolist() if _is_csv_member(info)),
                         key=lambda info: info.filename)
        if not members:
            raise SpreadsheetError(f"{label} holds no CSV files.")
        for info in members:
            member = PurePosixPath(info.filename.replace("\\", "/"))
            stem = member.stem
            if stem in sheets:
                raise SpreadsheetError(f"{label} holds two CSV files named '{stem}.csv': "
                                       "keep one and import again.")
            if info.flag_bits & 0x1:
                raise SpreadsheetError(f"{label} is password-protected: extract the CSV "
                                       "files, or zip them again without a password.")
            sheets[stem] = _read_csv(stem, functools.partial(archive.open, info),
                                     f"'{member.name}' in {label}", poll)
    return sheets


def _is_csv_member(info: zipfile.ZipInfo) -> bool:
    base = info.filename.replace("\\", "/").rpartition("/")[2]
    # Not __MACOSX/._name.csv: a resource fork a Mac adds when it zips a folder.
    return not info.is_dir() and base.lower().endswith(".csv") and not base.startswith("._")


def _read_csv(name: str, open_bytes: Callable[[], IO[bytes]], label: str,
              poll: Callable[[int], None]) -> SheetData:
    """One CSV file as a sheet: UTF-8 (BOM or not), else Windows' cp1252; UTF-16 with a
    BOM too (Excel's "Unicode text"); the delimiter guessed from the header line."""
    with open_bytes() as raw:
        head = raw.read(4096)
    encodings: list[tuple[str, str]] = [("utf-8-sig", "strict"), ("cp1252", "replace")]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = [("utf-16", "replace")]
    elif b"\x00" in head:
        raise SpreadsheetError(f"{label} is not a CSV text file.")
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    for encoding, errors in encodings:
        try:
            with open_bytes() as raw:
                text = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
                return _sheet(name, _csv_records(text), poll)
        except UnicodeDecodeError:
            continue  # not UTF-8 after all: read it again as cp1252
    raise AssertionError("the last encoding replaces what it cannot decode")


def _csv_records(stream: IO[str]) -> Iterator[list[str | None]]:
    lead: list[str] = []
    for line in stream:
        lead.append(line)
        if line.strip():
            break
    delimiter = _sniff_delimiter(lead[-1]) if lead else ","
    for record in csv.reader(itertools.chain(lead, stream), delimiter=delimiter):
        yield [unescape_text(cell) if cell else None for cell in record]


def _sniff_delimiter(line: str) -> str:
    """The most frequent of , ; tab outside quotes (European Excel writes ;); comma on a tie."""
    counts = dict.fromkeys(",;\t", 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda delimiter: counts[delimiter])
