"""The workbooks sent out and read back: yellow answer cells on a protected sheet, and a
hidden sheet that marks what was sent, to whom and in which round, so a return is matched.

No merged cells and no formulas: a return is read by the register import's own reader
(exchange.spreadsheet_io), which refuses both, with its limits for hostile files.
openpyxl is imported when a workbook is written, not at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from qmsdesk.services.errors import ServiceError
from qmsdesk.services.exchange.cell_values import CellError, parse_cell
from qmsdesk.services.exchange.spreadsheet_io import read_spreadsheet
from qmsdesk.services.exchange.spreadsheet_write import atomic_file

MARK_SHEET = "qmsdesk"  # very hidden: not listed by Excel's Unhide
FORMAT = "1"
ANSWER_FILL = "FFF2CC"  # light yellow: the cells to fill in
HEAD_FILL = "243B53"  # the reports' table header colour
DATE_FORMAT = "yyyy-mm-dd"


class ReturnRefused(ServiceError):
    """A returned workbook cannot be read as what it claims to be; nothing was written."""


def column_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(column))


class FormWriter:
    """One protected sheet written top to bottom: text, headers and answer cells."""

    def __init__(self, title: str, widths: Sequence[float]) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook()
        self.sheet: Any = self.workbook.active
        self.sheet.title = title
        for index, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[column_letter(index)].width = width
        self.row = 0

    def text(self, text: str, size: float = 10, bold: bool = False, italic: bool = False,
             column: int = 1) -> int:
        from openpyxl.styles import Alignment, Font

        self.row += 1
        cell = _put(self.sheet, self.row, column, text)
        cell.font = Font(size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(wrap_text=False, vertical="top")
        return self.row

    def header(self, titles: Sequence[str], wrap: bool = False) -> int:
        """A header row; ``wrap`` wraps long titles (questions) in a taller row."""
        from openpyxl.styles import Alignment, Font, PatternFill

        self.row += 1
        for column, title in enumerate(titles, start=1):
            cell = _put(self.sheet, self.row, column, title)
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor=HEAD_FILL)
            cell.alignment = Alignment(wrap_text=wrap, vertical="top")
        if wrap:
            self.sheet.row_dimensions[self.row].height = 64
        return self.row

    def line(self, values: Sequence[object], answers: Sequence[int] = (),
             kinds: dict[int, str] | None = None) -> int:
        """A row of ``values``; the columns in ``answers`` (1-based) are answer cells,
        dates where ``kinds`` says "date"."""
        from openpyxl.styles import Alignment, Border, PatternFill, Protection, Side

        self.row += 1
        thin = Side(style="thin", color="9AA5B1")
        width = max(len(values), *answers) if answers else len(values)
        for column, value in enumerate([*values, *[None] * (width - len(values))], start=1):
            cell = _put(self.sheet, self.row, column, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column in answers:
                cell.fill = PatternFill("solid", fgColor=ANSWER_FILL)
                cell.protection = Protection(locked=False)
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                if (kinds or {}).get(column) == "date":
                    cell.number_format = DATE_FORMAT
        return self.row

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def validate(self, cells: str, kind: str, prompt: str, error: str,
                 choices: Sequence[str] = (), low: int = 0, high: int = 0) -> None:
        """Data validation on a range of answer cells ("C12:C30"): a list of ``choices``,
        a whole number ``low``-``high``, or a date (kind "date")."""
        from openpyxl.worksheet.datavalidation import DataValidation

        if kind == "list":
            rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                  allow_blank=True)
        elif kind == "whole":
            rule = DataValidation(type="whole", operator="between", formula1=str(low),
                                  formula2=str(high), allow_blank=True)
        else:  # Excel's date serials from 2000-01-01 to 2099-12-31
            rule = DataValidation(type="date", operator="between", formula1="36526",
                                  formula2="73415", allow_blank=True)
        rule.prompt, rule.error = prompt, error
        rule.showInputMessage = rule.showErrorMessage = True
        rule.errorTitle = "Not a valid answer"
        rule.add(cells)
        self.sheet.add_data_validation(rule)

    def save(self, path: Path, mark: dict[str, str]) -> Path:
        """Protect the sheet (answer cells stay open), add the hidden mark, write ``path``
        atomically."""
        from openpyxl.workbook.protection import WorkbookProtection

        self.sheet.protection.sheet = True  # structure fixed: rows stay where the mark says
        self.sheet.protection.formatColumns = False  # widening a column is fine
        self.sheet.freeze_panes = None
        marks = self.workbook.create_sheet(MARK_SHEET)
        marks.append(["format", FORMAT])
        for key, value in mark.items():
            marks.append([key, value])
        marks.sheet_state = "veryHidden"
        self.workbook.security = WorkbookProtection(lockStructure=True)
        path = Path(path)
        with atomic_file(path) as temp:
            self.workbook.save(temp)
        return path


def _put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write a cell; text is text, never a formula (a question may start with "=")."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class Form:
    """A returned workbook: its mark (key -> text) and the answer sheet's cells."""

    file_name: str
    mark: dict[str, str]
    cells: dict[tuple[int, int], object]

    def raw(self, row: int, column: int) -> object:
        return self.cells.get((row, column))

    def value(self, row: int, column: int, kind: str) -> Any:
        """A cell as ``kind`` (exchange.columns.Kind); ReturnRefused names the cell."""
        try:
            return parse_cell(self.raw(row, column), kind)
        except CellError as exc:
            raise ReturnRefused(f"Cell {column_letter(column)}{row} of '{self.file_name}': "
                                f"{exc} Nothing was imported.") from None

    def number(self, key: str) -> int:
        try:
            return int(self.mark[key])
        except (KeyError, ValueError):
            raise self.damaged() from None

    def damaged(self) -> ReturnRefused:
        return ReturnRefused(f"'{self.file_name}' was changed where it must not be (its hidden "
                             "mark is damaged); ask for the answers in a new workbook. Nothing "
                             "was imported.")

    @property
    def issued_on(self) -> date:
        try:
            return date.fromisoformat(self.mark.get("issued_on", ""))
        except ValueError:
            raise self.damaged() from None


def read_form(path: Path, kind: str, what: str, sheet: str) -> Form:
    """Read a returned workbook of ``kind`` (the mark's "kind"); ``what`` names it in the
    refusal ("a supplier questionnaire"), ``sheet`` is its answer sheet."""
    path = Path(path)
    sheets = read_spreadsheet(path)
    marks = sheets.get(MARK_SHEET)
    foreign = ReturnRefused(f"'{path.name}' is not {what} sent from QMS Desk; nothing was "
                            "imported.")
    if marks is None or sheet not in sheets:
        raise foreign
    mark = {str(marks.headers[0]): str(marks.headers[1]) if len(marks.headers) > 1 else ""}
    for row in marks.rows:
        if len(row.cells) >= 2 and row.cells[0] is not None:
            mark[str(row.cells[0])] = "" if row.cells[1] is None else str(row.cells[1])
    if mark.get("kind") != kind:
        raise foreign
    if mark.get("format") != FORMAT:
        raise ReturnRefused(f"'{path.name}' was written by another version of QMS Desk "
                            f"(format {mark.get('format')}); nothing was imported.")
    answers = sheets[sheet]
    cells: dict[tuple[int, int], object] = {}
    header = answers.header_row
    for column, heading in enumerate(answers.headers, start=1):
        cells[(header, column)] = heading
    for line in answers.rows:
        for column, value in enumerate(line.cells, start=1):
            if value is not None:
                cells[(line.number, column)] = value
    return Form(path.name, mark, cells)
