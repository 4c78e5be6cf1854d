"""Spreadsheet files: real .xlsx, .csv and .zip files read back as the spreadsheet shows them,
every bad file refused with one clear SpreadsheetError, and what we write opened again."""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from qmsdesk.services.exchange import spreadsheet_io as sio
from qmsdesk.services.exchange import spreadsheet_write
from qmsdesk.services.exchange.cell_values import parse_cell
from qmsdesk.services.exchange.spreadsheet_io import (
    Cancelled,
    RowData,
    SheetOut,
    SpreadsheetError,
    read_spreadsheet,
)
from qmsdesk.services.exchange.spreadsheet_write import write_csv_files, write_xlsx

NAMES = ["Müller GmbH", "東京精密", "Café 🚀 Ltd", "=SUM(A1:A2)", "'quoted", "-3.5 text",
         "@home", "+44 20 7946 0000", "line one\nline two", "  spaced  ", "O'Brien"]
KINDS = ("code", "text", "int", "float", "date", "bool", "text")
HEADERS = ("Reference", "Name", "Influence", "Score", "Next review", "Internal", "Notes")


def _rows(count: int) -> list[list[object]]:
    return [[f"IP-{i:05d}", NAMES[i % len(NAMES)], i - 5, i * 1.25 - 3, date(2026, 1, 1 + i % 28),
             i % 3 == 0, None if i % 4 else f"note {i}"] for i in range(count)]


def _sheet_out(name: str = "parties", count: int = 20) -> SheetOut:
    return SheetOut(name, HEADERS, KINDS, _rows(count))


def _typed(sheet: sio.SheetData) -> list[list[object]]:
    """What the importer will make of a sheet read back: each cell parsed for its kind,
    padded to the header's width (trailing empty cells may have been trimmed)."""
    return [[parse_cell(row.cells[i] if i < len(row.cells) else None, kind)
             for i, kind in enumerate(KINDS)] for row in sheet.rows]


def _xlsx(path: Path, sheets: dict[str, list[list[object]]],
          merge: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        worksheet = workbook.create_sheet(name)
        for row in rows:
            worksheet.append(row)
        if merge:
            worksheet.merge_cells(merge)
    workbook.save(path)
    return path


def _rewrite(path: Path, changes: dict[str, Callable[[bytes], bytes] | None]) -> Path:
    """Change (or with None, drop) members of a zip file, as a damaged file would have."""
    with zipfile.ZipFile(path) as old:
        members = [(info.filename, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members:
            if name in changes and changes[name] is None:
                continue
            new.writestr(name, changes[name](data) if name in changes else data)
    return path


def _error(path: Path, *words: str) -> str:
    with pytest.raises(SpreadsheetError) as error:
        read_spreadsheet(path)
    message = str(error.value)
    assert f"'{path.name}'" in message
    for word in words:
        assert word in message
    return message


# --- reading .xlsx ---------------------------------------------------------------------


def test_xlsx_sheets_in_workbook_order_with_rows_numbered_as_shown(tmp_path):
    path = _xlsx(tmp_path / "registers.xlsx", {
        "suppliers": [[], [" Reference ", "Name", None, None], ["SUP-0001", "Acme", 3, None],
                      [], [None, None], ["SUP-0002", "Zeta", 2.5, date(2026, 3, 1)]],
        "parties": [["Reference"], ["IP-0001"]],
        "empty": []})
    sheets = read_spreadsheet(path)
    assert list(sheets) == ["suppliers", "parties", "empty"]
    suppliers = sheets["suppliers"]
    assert suppliers.headers == ("Reference", "Name")  # stripped, trailing blanks trimmed
    assert suppliers.rows == (
        RowData(3, ("SUP-0001", "Acme", 3)),
        RowData(6, ("SUP-0002", "Zeta", 2.5, datetime(2026, 3, 1))))
    assert sheets["parties"].rows == (RowData(2, ("IP-0001",)),)
    assert sheets["empty"] == sio.SheetData("empty", (), ())


def test_a_formula_gives_its_saved_result(tmp_path):
    path = _xlsx(tmp_path / "f.xlsx", {"parties": [["A", "Total"], [1, "=1+1"]]})
    _rewrite(path, {"xl/worksheets/sheet1.xml":
                    lambda xml: re.sub(rb"<v\s*/>|<v></v>", b"<v>2</v>", xml)})
    assert read_spreadsheet(path)["parties"].rows == (RowData(2, (1, 2)),)


def test_a_formula_without_a_saved_result_is_refused_naming_sheet_and_cell(tmp_path):
    rows: list[list[object]] = [["A", "B", "C", "D"]] + [[1, 2, 3, 4]] * 5
    rows.append([1, 2, 3, "=SUM(A1:A2)"])
    path = _xlsx(tmp_path / "calc.xlsx", {"Read me": [["x"]], "parties": rows})
    message = _error(path, "sheet 'parties' cell D7", "formula with no saved result",
                     "save it, and import again")
    assert message.startswith("In 'calc.xlsx', sheet 'parties' cell D7 holds a formula")


def test_merged_cells_are_refused_naming_the_range(tmp_path):
    path = _xlsx(tmp_path / "merged.xlsx", {"parties": [["Title"], ["Reference"], ["IP-1"]]},
                 merge="A1:C1")
    _error(path, "sheet 'parties'", "merged cells (A1:C1)", "unmerge")


@pytest.mark.parametrize(("content", "words"), [
    (b"", ["is empty"]),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ["is not an Excel workbook (.xlsx)"]),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", ["is not an Excel workbook"]),
    (b"Reference,Name\r\nIP-1,Acme\r\n", ["is not an Excel workbook"]),
    (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504), ["password-protected or in the old .xls",
                                                      "without a password"]),
])
def test_not_a_workbook(tmp_path, content, words):
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    _error(path, *words)


def test_damaged_workbooks(tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", {"parties": [["Reference"], ["IP-1"]]})
    data = good.read_bytes()
    (tmp_path / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    _error(tmp_path / "truncated.xlsx", "is damaged")
    for name, change in [("no-sheet.xlsx", {"xl/worksheets/sheet1.xml": None}),
                         ("no-workbook.xlsx", {"xl/workbook.xml": None}),
                         ("bad-xml.xlsx", {"xl/worksheets/sheet1.xml": lambda x: x[:120]}),
                         ("bad-styles.xlsx", {"xl/styles.xml": lambda x: b"<styleSheet"})]:
        (tmp_path / name).write_bytes(data)
        _error(_rewrite(tmp_path / name, change), "is damaged", "save it again")
    (tmp_path / "other.xlsx").write_bytes(data)
    _error(_rewrite(tmp_path / "other.xlsx", {"[Content_Types].xml": None}),
           "is not an Excel workbook")


def test_a_zip_of_csv_files_named_xlsx_is_not_a_workbook(tmp_path):
    path = tmp_path / "export.xlsx"
    write_csv_files(tmp_path / "export.zip", [_sheet_out()])
    (tmp_path / "export.zip").rename(path)
    _error(path, "is not an Excel workbook")


def test_a_workbook_with_nothing_in_it_is_empty(tmp_path):
    _error(_xlsx(tmp_path / "blank.xlsx", {"Sheet1": [[], [None, "  "]]}), "is empty")


def test_a_10_mb_cell_is_returned_whole(tmp_path):
    path = _xlsx(tmp_path / "huge.xlsx", {"parties": [["Notes"], ["PLACEHOLDER"]]})
    huge = "x" * 10_000_000
    _rewrite(path, {"xl/worksheets/sheet1.xml":
                    lambda xml: xml.replace(b"PLACEHOLDER", huge.encode())})
    assert read_spreadsheet(path)["parties"].rows[0].cells == (huge,)
    csv_path = tmp_path / "huge.csv"
    csv_path.write_text(f'Notes,Name\r\n"{huge}",Acme\r\n', encoding="utf-8")
    assert read_spreadsheet(csv_path)["huge"].rows[0].cells == (huge, "Acme")


# --- reading CSV and zip ---------------------------------------------------------------


def test_european_excel_csv_in_cp1252_with_semicolons(tmp_path):
    path = tmp_path / "Lieferanten.csv"
    path.write_bytes("Name;Wert;Datum;Aktiv\r\nMüller GmbH;3,5;01.03.2026;WAHR\r\n"
                     "Café €uro;1.234,5;31.12.2026;FALSCH\r\n".encode("cp1252"))
    sheet = read_spreadsheet(path, encoding="windows-1252")["Lieferanten"]  # as the user says
    assert sheet.headers == ("Name", "Wert", "Datum", "Aktiv")
    assert sheet.rows[1] == RowData(3, ("Café €uro", "1.234,5", "31.12.2026", "FALSCH"))
    kinds = ("text", "float", "date", "bool")
    assert [[parse_cell(cell, kind) for cell, kind in zip(row.cells, kinds, strict=True)]
            for row in sheet.rows] == [["Müller GmbH", 3.5, date(2026, 3, 1), True],
                                       ["Café €uro", 1234.5, date(2026, 12, 31), False]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings_and_delimiters(tmp_path, encoding):
    for delimiter in [",", ";", "\t"]:
        text = delimiter.join(['"Name, full"', "City"]) + "\r\n"
        text += delimiter.join(["東京精密 🚀", "Zürich"]) + "\r\n"
        path = tmp_path / f"parties{'.txt' if delimiter == chr(9) else '.csv'}"
        path.write_bytes(text.encode(encoding))
        sheet = read_spreadsheet(path)["parties"]
        assert sheet.headers == ("Name, full", "City"), (encoding, delimiter)
        assert sheet.rows == (RowData(2, ("東京精密 🚀", "Zürich")),)


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(b'\r\nReference,Notes,Extra\r\nIP-1,"two\r\nlines",\r\n\r\n,,\r\n'
                     b"IP-2,'=1+1,''quoted\r\nIP-3,'quoted,\r\n")
    sheet = read_spreadsheet(path)["rows"]
    assert sheet.headers == ("Reference", "Notes", "Extra")
    assert sheet.rows == (RowData(3, ("IP-1", "two\r\nlines")),  # one row, two lines
                          RowData(6, ("IP-2", "=1+1", "'quoted")),  # our escapes undone
                          RowData(7, ("IP-3", "'quoted")))  # typed by a person: kept


@pytest.mark.parametrize(("name", "content", "words"), [
    ("blank.csv", b"", ["is empty"]), ("bom.csv", b"\xef\xbb\xbf\r\n\r\n", ["is empty"]),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["is not a CSV text file"]),
    ("report.pdf", b"%PDF-1.7", ["not a file QMS Desk can import", ".xlsx"]),
    ("old.xls", bytes.fromhex("D0CF11E0A1B11AE1"), ["old .xls format"]),
    ("book.ods", b"PK\x03\x04", ["not a file QMS Desk can import"]),
    ("export.zip", b"Reference\r\n", ["is not a ZIP archive"]),
])
def test_bad_files_by_extension(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    _error(path, *words)


def test_files_that_cannot_be_opened(tmp_path, monkeypatch):
    _error(tmp_path / "missing.csv", "does not exist")
    (tmp_path / "folder.xlsx").mkdir()
    _error(tmp_path / "folder.xlsx", "folder")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"PK")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    _error(locked, "permission denied")


def test_a_zip_of_csv_files_in_name_order(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("registers/suppliers.csv", "\ufeffReference\r\nSUP-1\r\n")
        archive.writestr("actions.CSV", "Reference;Title\r\nACT-1;Käse\r\n".encode("cp1252"))
        archive.writestr("__MACOSX/registers/._suppliers.csv", b"\x00\x05\x16\x07")
        archive.writestr("readme.txt", "not a sheet")
        archive.writestr("registers/", "")
    sheets = read_spreadsheet(path, encoding="windows-1252")  # UTF-8 members stay UTF-8
    assert list(sheets) == ["actions", "suppliers"]
    assert sheets["actions"].rows == (RowData(2, ("ACT-1", "Käse")),)
    assert sheets["suppliers"].headers == ("Reference",)


def test_bad_zips(tmp_path):
    path = tmp_path / "none.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    _error(path, "holds no CSV files")
    path = tmp_path / "twice.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a/parties.csv", "Reference\r\n")
        archive.writestr("b/parties.csv", "Reference\r\n")
    _error(path, "two CSV files named 'parties.csv'")
    path = tmp_path / "secret.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("parties.csv", "Reference\r\n")
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # the "encrypted" flag, as a password-protected zip has it
    path.write_bytes(bytes(data))
    _error(path, "password-protected")
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + bytes(100))
    _error(path, "is damaged")


def test_cancel_is_asked_every_thousand_rows(tmp_path):
    write_csv_files(tmp_path / "big.csv", [_sheet_out("big", 2500)])
    write_xlsx(tmp_path / "big.xlsx", [_sheet_out("big", 2500)])
    for path in (tmp_path / "big.csv", tmp_path / "big.xlsx"):
        asked: list[int] = []
        assert len(read_spreadsheet(path, lambda asked=asked: asked.append(1) or False)
                   ["big"].rows) == 2500
        assert len(asked) == 2
        with pytest.raises(Cancelled):
            read_spreadsheet(path, lambda: True)


# --- writing ---------------------------------------------------------------------------


def test_xlsx_layout_types_and_text_that_looks_like_a_formula(tmp_path):
    path = tmp_path / "out.xlsx"
    stamp = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    sheet = SheetOut("parties", ("Name", "Due", "Internal", "Count", "Created", "Notes"),
                     ("text", "date", "bool", "int", "timestamp", "text"),
                     [["=SUM(A1:A2)", date(2026, 3, 1), True, 3, stamp, "x" * 200],
                      ["=HYPERLINK(\"http://evil.example\")", None, False, None, None, None]])
    write_xlsx(path, [sheet])
    worksheet = openpyxl.load_workbook(path)["parties"]
    assert worksheet.freeze_panes == "A2"
    assert worksheet.auto_filter.ref == "A1:F3"
    assert all(cell.font.b for cell in worksheet[1])
    a2, b2, c2, d2, e2, _ = worksheet[2]
    assert (a2.value, a2.data_type, a2.quotePrefix) == ("=SUM(A1:A2)", "s", True)
    assert worksheet["A3"].data_type == "s"
    assert (b2.value, b2.number_format, b2.is_date) == (datetime(2026, 3, 1), "yyyy-mm-dd", True)
    assert (c2.value, c2.data_type, d2.value, d2.data_type) == (True, "b", 3, "n")
    assert e2.value == "2026-03-01T09:30:00Z"
    assert worksheet["B3"].value is None
    widths = {key: dim.width for key, dim in worksheet.column_dimensions.items()}
    widest = spreadsheet_write.MAX_WIDTH
    assert widths["F"] == widest and 8 <= widths["C"] < widths["A"] < widest
    assert read_spreadsheet(path)["parties"].rows[0].cells[0] == "=SUM(A1:A2)"


def test_xlsx_sheet_names_are_valid_and_unique(tmp_path):
    path = tmp_path / "names.xlsx"
    names = ["supplier_status_history_and_much_more", "supplier_status_history_and_much_less",
             "a/b:c?", "Parties", "parties"]
    write_xlsx(path, [SheetOut(name, ("A",), ("text",), [["x"]]) for name in names])
    titles = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert titles == ["supplier_status_history_and_muc", "supplier_status_history_and (2)",
                      "a_b_c_", "Parties", "parties (2)"]


def test_text_longer_than_an_excel_cell_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "long.xlsx"
    path.write_bytes(b"old")
    sheet = SheetOut("parties", ("Name", "Notes"), ("text", "text"),
                     [["A", "ok"], ["B", "n" * 40_000]])
    with pytest.raises(SpreadsheetError, match=r"sheet 'parties' row 3, column 'Notes'.*CSV"):
        write_xlsx(path, [sheet])
    assert path.read_bytes() == b"old"
    write_csv_files(tmp_path / "long.csv", [sheet])  # CSV has no such limit
    assert read_spreadsheet(tmp_path / "long.csv")["long"].rows[1].cells[1] == "n" * 40_000


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv", "out.zip"])
def test_a_file_open_elsewhere_is_left_as_it_was(tmp_path, monkeypatch, name):
    path = tmp_path / name
    path.write_bytes(b"old")

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(spreadsheet_write.os, "replace", refuse)
    write = write_xlsx if name.endswith(".xlsx") else write_csv_files
    with pytest.raises(SpreadsheetError, match="may be open in another program"):
        write(path, [_sheet_out()])
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == [name]  # no temporary file left behind


def test_writing_into_a_missing_folder_or_the_wrong_kind_of_file(tmp_path):
    with pytest.raises(SpreadsheetError, match="does not exist"):
        write_xlsx(tmp_path / "nowhere" / "out.xlsx", [_sheet_out()])
    with pytest.raises(SpreadsheetError, match=r"'two\.csv' holds one sheet, not 2.*\.zip"):
        write_csv_files(tmp_path / "two.csv", [_sheet_out("a"), _sheet_out("b")])
    with pytest.raises(SpreadsheetError, match=r"'one\.xlsx' is not a \.csv or \.zip file name"):
        write_csv_files(tmp_path / "one.xlsx", [_sheet_out()])
    assert os.listdir(tmp_path) == []


def test_csv_is_utf8_with_bom_comma_crlf_and_escaped_text(tmp_path):
    path = tmp_path / "parties.csv"
    write_csv_files(path, [_sheet_out(count=5)])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfReference,Name,Influence,")
    assert data.count(b"\r\n") == 6 and b"\n" not in data.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[1] == ["IP-00000", "Müller GmbH", "-5", "-3.0", "2026-01-01", "yes", "note 0"]
    assert rows[4][1] == "'=SUM(A1:A2)" and rows[5][1] == "''quoted"


def test_zip_holds_one_csv_per_sheet(tmp_path):
    path = tmp_path / "export.zip"
    write_csv_files(path, [_sheet_out("parties"), _sheet_out("a/b"), _sheet_out("Parties")])
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["parties.csv", "a_b.csv", "Parties (2).csv"]
    assert list(read_spreadsheet(path)) == ["Parties (2)", "a_b", "parties"]


@pytest.mark.parametrize("name", ["round.xlsx", "round.zip", "round.csv"])
def test_round_trip_keeps_every_value(tmp_path, name):
    sheet = _sheet_out("round", 60)
    (write_xlsx if name.endswith(".xlsx") else write_csv_files)(tmp_path / name, [sheet])
    read = read_spreadsheet(tmp_path / name)["round"]
    assert read.headers == HEADERS
    assert [row.number for row in read.rows] == list(range(2, 62))
    assert _typed(read) == [[value.strip() if kind == "code" else value
                             for value, kind in zip(row, KINDS, strict=True)]
                            for row in sheet.rows]


def test_thousands_of_rows_round_trip(tmp_path):
    # Several times the cancel poll's stride; how fast 50 000 rows go is bench/import.py's.
    sheet = _sheet_out("parties", 5_000)
    write_xlsx(tmp_path / "big.xlsx", [sheet])
    write_csv_files(tmp_path / "big.zip", [sheet])
    for name in ("big.xlsx", "big.zip"):
        read = read_spreadsheet(tmp_path / name)["parties"]
        assert len(read.rows) == 5_000 and read.rows[-1].number == 5_001
        assert _typed(read)[-1] == sheet.rows[-1]


@pytest.mark.parametrize("percent", [True, False])
def test_a_percentage_is_read_as_shown_and_a_plain_number_as_stored(tmp_path, percent):
    """Values alone are read when no format of the workbook shows a percentage; with one,
    only the cells in that format are read as shown (0.4 in a 0% cell is 40)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Share", "Count"])
    sheet.append(["A", 0.4, 0.5])
    sheet.append(["B", date(2026, 3, 1), 7])
    if percent:
        sheet["B2"].number_format = "0%"
    path = tmp_path / "shares.xlsx"
    workbook.save(path)
    (read,) = read_spreadsheet(path).values()
    assert sio._shows_percentages(openpyxl.load_workbook(path, read_only=True)) is percent
    assert [row.cells for row in read.rows] == [
        ("A", 40.0 if percent else 0.4, 0.5), ("B", datetime(2026, 3, 1), 7)]
