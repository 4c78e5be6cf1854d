"""Writing register tables to spreadsheet files: .xlsx (typed cells, frozen header,
autofilter, sized columns) or CSV (UTF-8 with BOM), each written atomically."""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from qmsdesk.services.exchange.columns import Kind
from qmsdesk.services.exchange.spreadsheet_io import SheetOut, SpreadsheetError
from qmsdesk.services.exchange.tables import format_cell
from qmsdesk.services.exchange.tables import write_rows as _write_rows

EXCEL_CELL_LIMIT = 32_767  # characters; openpyxl would cut longer text silently
WIDTH_SAMPLE = 2000  # rows looked at to size a column
MIN_WIDTH, MAX_WIDTH = 8, 60
TIMESTAMP_KINDS = ("timestamp", "exact timestamp")
# Characters XML 1.0, and so openpyxl, refuses in a cell: control characters but tab, LF, CR.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_SHEET_CHARS = re.compile(r"[\\/?*\[\]:\x00-\x1f]")
_BAD_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def write_xlsx(path: Path, sheets: Sequence[SheetOut]) -> None:
    """One worksheet per sheet: bold frozen header with an autofilter, sized columns, dates
    as Excel dates (yyyy-mm-dd), booleans as TRUE/FALSE, text never a formula, timestamps
    as ISO text in UTC. SpreadsheetError: a text too long for a cell, a file not saved."""
    from openpyxl import Workbook

    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    path = Path(path)
    _check_rows(path, sheets)
    with atomic_file(path) as temp:  # first: a folder that is not there fails before any work
        workbook = Workbook(write_only=True)
        for title, sheet in zip(_unique_names(sheets, _BAD_SHEET_CHARS, 31), sheets,
                                strict=True):
            _write_worksheet(workbook.create_sheet(title), sheet)
        workbook.save(temp)


def _check_rows(path: Path, sheets: Sequence[SheetOut]) -> None:
    """Before any work (openpyxl would cut a text longer than a cell holds silently)."""
    for sheet in sheets:
        width = len(sheet.headers)
        for number, row in enumerate(sheet.rows, start=2):
            if len(row) != width or len(sheet.kinds) != width:
                raise ValueError(f"sheet {sheet.name!r} row {number}: {len(row)} values, "
                                 f"{len(sheet.kinds)} kinds, {width} headers")
            for header, value in zip(sheet.headers, row, strict=True):
                if isinstance(value, str) and len(value) > EXCEL_CELL_LIMIT:
                    raise SpreadsheetError(
                        f"'{path.name}' cannot hold sheet '{sheet.name}' row {number}, "
                        f"column '{header}': its {len(value):,} characters are more than an "
                        f"Excel cell holds ({EXCEL_CELL_LIMIT:,}); export to CSV instead.")


def _write_worksheet(worksheet: Any, sheet: SheetOut) -> None:
    from openpyxl.utils import get_column_letter

    # Write-only: everything that precedes the rows in the XML is set before the first row.
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(_column_widths(sheet), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    if sheet.headers:
        last = get_column_letter(len(sheet.headers))
        worksheet.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    worksheet.append([_text_cell(worksheet, text, bold=True) for text in sheet.headers])
    kinds = sheet.kinds
    for row in sheet.rows:
        worksheet.append([_xlsx_value(worksheet, _no_blank_text(value), kind)
                          for value, kind in zip(row, kinds, strict=True)])


def _no_blank_text(value: object) -> object:
    """Text made only of whitespace is no text, in an export as in the forms and the importer
    (a spreadsheet drops it at the end of a row anyway)."""
    return None if isinstance(value, str) and not value.strip() else value


def _text_cell(worksheet: Any, text: str, bold: bool = False) -> Any:
    """A cell holding ``text`` as text even when it starts with "=" (openpyxl would make that
    a formula); Excel's quote prefix keeps it text when someone edits the cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(worksheet, value=_ILLEGAL_XML.sub("", text))
    cell.data_type = "s"
    if text.startswith("="):
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xlsx_value(worksheet: Any, value: object, kind: Kind) -> object:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return _text_cell(worksheet, value) if value.startswith("=") else _ILLEGAL_XML.sub(
            "", value)  # control characters XML cannot hold are dropped
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # Excel has no NaN
    if isinstance(value, datetime) and kind != "date":
        return format_cell(value, kind if kind in TIMESTAMP_KINDS else "timestamp")
    if isinstance(value, date):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(worksheet, value.date() if isinstance(value, datetime) else value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value  # Decimal and other numbers openpyxl writes as numbers


def _column_widths(sheet: SheetOut) -> list[float]:
    """Characters wide: the header (bold, with a filter button) or the longest of the first
    WIDTH_SAMPLE values, within MIN..MAX_WIDTH."""
    widths = [len(header) * 1.1 + 4 for header in sheet.headers]
    for row in itertools.islice(sheet.rows, WIDTH_SAMPLE):
        for index, value in enumerate(row[:len(widths)]):
            shown = (0 if value is None else 10 if type(value) is date
                     else max(map(len, value.splitlines()), default=0)
                     if isinstance(value, str) else len(str(value)))
            widths[index] = max(widths[index], shown + 2)
    return [round(min(MAX_WIDTH, max(MIN_WIDTH, width)), 1) for width in widths]


def _unique_names(sheets: Sequence[SheetOut], bad_chars: re.Pattern[str], limit: int
                  ) -> list[str]:
    """Cleaned, cut to ``limit`` and unique regardless of case, as Excel and Windows want."""
    used: set[str] = set()
    names: list[str] = []
    for sheet in sheets:
        base = (bad_chars.sub("_", sheet.name).strip(" .'") or "Sheet")[:limit]
        name, number = base, 2
        while name.casefold() in used:
            suffix = f" ({number})"
            name, number = base[:limit - len(suffix)] + suffix, number + 1
        used.add(name.casefold())
        names.append(name)
    return names


def write_csv_files(path: Path, sheets: Sequence[SheetOut]) -> None:
    """A .zip with one "<sheet name>.csv" per sheet, or a .csv when there is one sheet.
    CSV as tables.py writes it: UTF-8 with BOM, comma, CRLF, format_cell values."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        stems = _unique_names(sheets, _BAD_FILE_CHARS, 120)
        with atomic_file(path) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as archive:
            for stem, sheet in zip(stems, sheets, strict=True):
                with archive.open(f"{stem}.csv", "w") as member:
                    _write_csv(member, sheet)
    elif suffix == ".csv" and len(sheets) == 1:
        with atomic_file(path) as temp:
            _write_csv(temp, sheets[0])
    else:
        problem = (f"holds one sheet, not {len(sheets)}" if suffix == ".csv"
                   else "is not a .csv or .zip file name")
        raise SpreadsheetError(f"'{path.name}' {problem}: save CSV files as a .zip (or one "
                               "sheet as a .csv file).")


def _write_csv(target: Path | IO[bytes], sheet: SheetOut) -> None:
    # tables.py's writer, so that every CSV QMS Desk writes follows one convention.
    _write_rows(target, sheet.headers, ([format_cell(_no_blank_text(value), kind)
                                         for value, kind in zip(row, sheet.kinds, strict=True)]
                                        for row in sheet.rows))


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it once the body has written it, so
    a failure never leaves half a file where the old one was."""
    try:
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-",
                                        suffix=f"{path.suffix}.part")  # as reports do
        os.close(handle)
    except OSError as exc:
        raise _save_error(path, exc) from exc
    temp = Path(name)
    try:
        yield temp
        # mkstemp makes the file private (0600); keep the old file's mode, or the usual one.
        os.chmod(temp, path.stat().st_mode & 0o7777 if path.exists() else 0o644)
        os.replace(temp, path)
    except OSError as exc:
        raise _save_error(path, exc) from exc
    finally:
        with contextlib.suppress(OSError):  # nothing more can be done about a stray temp file
            temp.unlink(missing_ok=True)


def _save_error(path: Path, exc: OSError) -> SpreadsheetError:
    if isinstance(exc, PermissionError):
        reason = ("it may be open in another program (close it there and try again), or "
                  "the folder is read-only")
    elif isinstance(exc, FileNotFoundError):
        reason = f"the folder '{path.parent}' does not exist"
    else:
        reason = exc.strerror or str(exc)
    return SpreadsheetError(f"'{path.name}' could not be saved: {reason}.")
