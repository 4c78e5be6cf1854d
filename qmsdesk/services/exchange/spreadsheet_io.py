"""Spreadsheet files of register import and export: .xlsx, .csv and .zip of CSV read into raw
rows (cell_values.py types them); spreadsheet_write.py writes them.

Every problem with a file becomes one SpreadsheetError naming the file (and sheet and cell).
A file is read only when it is text we can read exactly (CSV: UTF-8, with or without a BOM,
UTF-16 with a BOM, or an encoding the person names) and within the limits below, which are
checked before the rows are read. openpyxl is imported when the work starts, not at start-up.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from qmsdesk.services.errors import ServiceError
from qmsdesk.services.exchange import xlsx_cells
from qmsdesk.services.exchange.cell_values import parse_cell
from qmsdesk.services.exchange.columns import Kind
from qmsdesk.services.exchange.tables import FORMULA_STARTS

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # encrypted .xlsx and old .xls alike
POLL_EVERY = 1000  # rows between two calls of cancelled()
CSV_FIELD_LIMIT = 2**31 - 1  # the csv module refuses fields over 128 KiB by default
MB = 1024 * 1024
# Limits, so that a small hostile file cannot take minutes and gigabytes: what a file holds
# unpacked (a workbook or zip, or a CSV itself), how far one part of a zip may be packed
# (a real sheet packs 5-30 fold; a zip bomb a thousand fold), Excel's own sheet size, and
# the cells kept in all.
MAX_UNPACKED = 200 * MB
MAX_RATIO, RATIO_FROM = 100, 20 * MB  # a part over RATIO_FROM may not pack more than this
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # Excel's sheet: rows 1 to 1 048 576, columns A-XFD
MAX_CELLS = 10_000_000
# CSV encodings a person can name (Python's name -> what people call it); a file that is
# not UTF-8 is read in one of these only when the person says so.
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "iso8859-1": "ISO-8859-1"}
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF8_BOM = b"\xef\xbb\xbf"

# A formula or a merged range in worksheet XML, with or without a namespace prefix.
_SHEET_MARKER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|mergeCell)[\s/>]")


class SpreadsheetError(ServiceError):
    """The file cannot be read or written; the message names it and says what to do."""


class EncodingError(SpreadsheetError):
    """A CSV file is not text in the encoding it was read in: ``line`` and ``byte`` say where
    the first bad byte is; ``sample`` is raw bytes of the file (its first line and the lines
    from the bad one) to show it read in another encoding; ``choosable`` is False for a
    UTF-16 file, which no other encoding reads."""

    def __init__(self, message: str, encoding: str, line: int, byte: int,
                 sample: bytes) -> None:
        super().__init__(message)
        self.encoding, self.line, self.byte, self.sample = encoding, line, byte, sample
        self.choosable = not encoding.startswith("utf-16")


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
    header_row: int = field(default=1, compare=False)  # its number as the sheet shows it


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


def read_spreadsheet(path: Path, cancelled: Callable[[], bool] | None = None,
                     encoding: str | None = None) -> dict[str, SheetData]:
    """Every sheet of an .xlsx/.xlsm workbook (in workbook order), the one sheet of a
    .csv/.txt file (named after the file) or every .csv in a .zip (in name order).
    ``encoding`` (one of ENCODINGS) reads a CSV file that is not UTF-8; without it such a
    file is refused (EncodingError). Raises SpreadsheetError for any problem with the file,
    Cancelled when ``cancelled()`` (asked every POLL_EVERY rows) returns True."""
    path = Path(path)
    encoding = codecs.lookup(encoding).name if encoding else None
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
            sheets = _read_zip(path, head, label, poll, encoding)
        else:
            _check_size(path.stat().st_size, label)
            sheets = {path.stem: _read_csv(path.stem, lambda: path.open("rb"), label, poll,
                                           encoding)}
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


def _sheet(name: str, records: Iterable[Sequence[object]], poll: Callable[[int], None],
           where: str) -> SheetData:
    """Number records as the spreadsheet does; the first non-empty one is the header.
    ``where`` names the sheet in a message ("Sheet 'x' of 'y.xlsx'", "'y.csv'")."""
    headers: tuple[str, ...] | None = None
    header_row, kept = 1, 0
    rows: list[RowData] = []
    for number, record in enumerate(records, start=1):
        if number > MAX_ROWS:
            raise SpreadsheetError(f"{where} has more than {MAX_ROWS:,} rows, the most a "
                                   "spreadsheet holds: import the register in smaller files.")
        poll(number)
        end = len(record)
        while end and _blank(record[end - 1]):
            end -= 1
        if not end:
            continue
        kept += end
        if kept > MAX_CELLS:
            raise SpreadsheetError(f"{where} has more than {MAX_CELLS:,} cells in use, more "
                                   "than a register holds: import it in smaller files.")
        cells = tuple(record[:end])
        if headers is None:
            headers = tuple(str(parse_cell(cell, "code") or "") for cell in cells)
            header_row = number
        else:
            rows.append(RowData(number, cells))
    return SheetData(name, headers or (), tuple(rows), header_row)


def _check_size(unpacked: int, label: str) -> None:
    if unpacked > MAX_UNPACKED:
        raise SpreadsheetError(f"{label} holds {unpacked / MB:,.0f} MB of data, more than QMS "
                               f"Desk reads ({MAX_UNPACKED // MB} MB): import the register in "
                               "smaller files.")


def _check_archive(archive: zipfile.ZipFile, label: str) -> None:
    """What the zip says each part unpacks to, before anything is unpacked (zipfile stops a
    part that unpacks to more than it says, and reports it damaged)."""
    _check_size(sum(info.file_size for info in archive.infolist()), label)
    for info in archive.infolist():
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM and ratio > MAX_RATIO:
            raise SpreadsheetError(
                f"{label} is refused: its part '{info.filename}' unpacks {ratio:,.0f}-fold, "
                f"to {info.file_size / MB:,.0f} MB; no spreadsheet is that repetitive. Open "
                "the file in Excel or LibreOffice, save it again, and import again.")


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
        _check_archive(archive, label)
        content_types = archive.read("[Content_Types].xml")
        if b"spreadsheetml" not in content_types and b"ms-excel" not in content_types:
            raise not_workbook  # a Word or PowerPoint file
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
        book = None
        try:
            if not workbook.sheetnames:  # Excel always keeps one; openpyxl skips missing parts
                raise ValueError("no sheet")  # reported as damaged
            sheets: dict[str, SheetData] = {}
            # A cell's value is read as shown only when the workbook has a percentage format
            # at all: the values alone are read in two thirds of the time of the cells, and
            # by calamine in a tenth (xlsx_cells), which knows no formats.
            percentages = _shows_percentages(workbook)
            for worksheet in workbook.worksheets:
                where = f"Sheet '{worksheet.title}' of {label}"
                _check_declared_size(worksheet, where)
                # read_only mode shows neither merged ranges nor formulas without a saved
                # result (those read as empty cells), so the sheet's XML is checked first.
                scan = _check_sheet_xml(archive, worksheet._worksheet_path, worksheet.title,
                                        label, poll)
                rows: Iterable[Sequence[object]] | None = None
                if scan.fast and not percentages:
                    book = book or xlsx_cells.open_book(path)
                    rows = xlsx_cells.sheet_rows(book, worksheet.title)
                if rows is None:
                    worksheet.reset_dimensions()  # some writers record a wrong used range
                    rows = (([_shown_value(cell) for cell in row]
                             for row in worksheet.iter_rows())
                            if percentages else worksheet.iter_rows(values_only=True))
                sheets[worksheet.title] = _sheet(worksheet.title, rows, poll, where)
            return sheets
        finally:
            workbook.close()
            if book is not None:
                book.close()


def _check_declared_size(worksheet: Any, where: str) -> None:
    """The used range the sheet declares (its <dimension>), before a row is read."""
    rows, columns = worksheet.max_row or 0, worksheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise SpreadsheetError(f"{where} declares {rows:,} rows and {columns:,} columns, more "
                               f"than a spreadsheet holds ({MAX_ROWS:,} rows, {MAX_COLUMNS:,} "
                               "columns): open it in Excel or LibreOffice, save it again, and "
                               "import again.")


def _shows_percentages(workbook: Any) -> bool:
    """Whether a cell format of the workbook shows numbers as percentages (_shown_value)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = workbook._number_formats
    for style in workbook._cell_styles:
        number = style.numFmtId
        shown = (BUILTIN_FORMATS.get(number, "General") if number < BUILTIN_FORMATS_MAX_SIZE
                 else custom[number - BUILTIN_FORMATS_MAX_SIZE])
        if "%" in str(shown or ""):
            return True
    return False


def _shown_value(cell: Any) -> object:
    """A cell's value as the spreadsheet shows it: a number formatted as a percentage is
    stored as a fraction (99.2 % is 0.992), and the registers hold percentages as shown."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) \
            and "%" in str(getattr(cell, "number_format", "") or ""):
        return round(value * 100, 10)
    return value


def _check_sheet_xml(archive: zipfile.ZipFile, part: str, title: str, label: str,
                     poll: Callable[[int], None]) -> xlsx_cells.SheetScan:
    """Refuse merged cells and formulas without a saved result. A quick byte scan first:
    most sheets have neither, and then the XML is not parsed a second time. The scan also
    says whether calamine may read the sheet."""
    with archive.open(part) as stream:
        scan = xlsx_cells.scan_sheet(stream, _SHEET_MARKER)
    if not scan.marked:
        return scan
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
    return scan


def _without_result(cell: Any) -> bool:
    """A formula cell with no <v>, or an empty <v/> that is not a text result of "" (openpyxl
    writes <v/> for every formula it stores)."""
    children = {child.tag.rpartition("}")[2]: child for child in cell}
    value = children.get("v")
    return "f" in children and (value is None or (not value.text and cell.get("t") != "str"))


def _read_zip(path: Path, head: bytes, label: str, poll: Callable[[int], None],
              encoding: str | None) -> dict[str, SheetData]:
    if not head.startswith(b"PK"):
        raise SpreadsheetError(f"{label} is not a ZIP archive of CSV files.")
    sheets: dict[str, SheetData] = {}
    with zipfile.ZipFile(path) as archive:
        members = sorted((info for info in archive.infolist() if _is_csv_member(info)),
                         key=lambda info: info.filename)
        if not members:
            raise SpreadsheetError(f"{label} holds no CSV files.")
        _check_archive(archive, label)
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
                                     f"'{member.name}' in {label}", poll, encoding)
    return sheets


def _is_csv_member(info: zipfile.ZipInfo) -> bool:
    base = info.filename.replace("\\", "/").rpartition("/")[2]
    # Not __MACOSX/._name.csv: a resource fork a Mac adds when it zips a folder.
    return not info.is_dir() and base.lower().endswith(".csv") and not base.startswith("._")


def _read_csv(name: str, open_bytes: Callable[[], IO[bytes]], label: str,
              poll: Callable[[int], None], encoding: str | None = None) -> SheetData:
    """One CSV file as a sheet: UTF-8 (BOM or not), UTF-16 with a BOM (Excel's "Unicode
    text"), or, when it is not UTF-8, the ``encoding`` the person named; never a guess and
    never a replacement character: anything else is refused (EncodingError). The delimiter
    is guessed from the header line."""
    with open_bytes() as raw:
        head = raw.read(4096)
    codec, skip = next(((c, 2) for bom, c in _UTF16_BOMS.items() if head.startswith(bom)),
                       ("utf-8", len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0))
    if codec == "utf-8" and b"\x00" in head:
        raise SpreadsheetError(f"{label} is not a CSV text file.")
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    tried = [codec]
    if codec == "utf-8" and encoding not in (None, "utf-8"):
        tried.append(encoding)  # valid UTF-8 stays UTF-8 (a zip may mix both)
    for each in tried:
        try:
            with open_bytes() as raw:
                raw.read(skip)  # the BOM
                text = io.TextIOWrapper(raw, encoding=each, errors="strict", newline="")
                return _sheet(name, _csv_records(text), poll, label)
        except UnicodeDecodeError:
            continue
    raise _encoding_error(label, open_bytes, tried[-1], skip)


def _encoding_error(label: str, open_bytes: Callable[[], IO[bytes]], codec: str,
                    skip: int) -> EncodingError:
    """Where the first byte ``codec`` cannot read is, said so a person can act on it."""
    line, byte, sample = _first_bad_byte(open_bytes, codec, skip)
    name = ENCODINGS.get(codec, codec.upper().removesuffix("-LE").removesuffix("-BE"))
    message = (f"{label} is not {name} text: line {line} holds the byte 0x{byte:02X}, which "
               f"{name} does not allow, so some letters would be read wrongly.")
    if codec == "utf-8":
        message += (' In Excel, save it with "Save as type: CSV UTF-8 (Comma delimited)" and '
                    "import that file; or choose the encoding it was saved in (e.g. "
                    "Windows-1252).")
    elif codec.startswith("utf-16"):
        message += " Open it in Excel, save it as CSV UTF-8, and import that file."
    else:
        message += " Choose the encoding it was saved in, or save it as CSV UTF-8."
    return EncodingError(message, codec, line, byte, sample)


def _first_bad_byte(open_bytes: Callable[[], IO[bytes]], codec: str, skip: int
                    ) -> tuple[int, int, bytes]:
    """(line number, byte value, sample) of the first byte ``codec`` cannot decode: read
    again in chunks, so a large file costs no memory. The sample is the first line and the
    lines from the bad one (a few, as raw bytes)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    line, first, previous = 1, b"", b""
    with open_bytes() as raw:
        raw.read(skip)
        while True:
            chunk = raw.read(1 << 16)
            first = first or chunk.split(b"\n", 1)[0][:2000] + b"\n"
            try:
                line += decoder.decode(chunk, final=not chunk).count("\n")
            except UnicodeDecodeError as exc:
                held = len(exc.object) - len(chunk)  # bytes kept back from the last chunk
                line += codecs.decode(exc.object[:exc.start], codec, "replace").count("\n")
                seen, at = previous + chunk, len(previous) - held + exc.start
                start = seen.rfind(b"\n", 0, at) + 1
                lines = seen[start:start + 2000].split(b"\n")[:4]
                sample = (first if line > 1 else b"") + b"\n".join(lines)
                return line, exc.object[exc.start], sample
            if not chunk:
                raise AssertionError("the file decoded after all")
            previous = chunk


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
