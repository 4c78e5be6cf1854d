"""Workbooks read by calamine give what openpyxl gives, and a sheet calamine must not read
(cells it would spread over billions of slots, cells that do not say where they are, error
cells, dates it reads as times) is read by openpyxl instead, the process still alive."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest

from qmsdesk.services.exchange import spreadsheet_io as sio
from qmsdesk.services.exchange import xlsx_cells
from qmsdesk.services.exchange.spreadsheet_io import SheetOut, read_spreadsheet
from qmsdesk.services.exchange.spreadsheet_write import write_xlsx

MARKER = sio._SHEET_MARKER


def _scan(xml: bytes) -> xlsx_cells.SheetScan:
    return xlsx_cells.scan_sheet(io.BytesIO(xml), MARKER)


def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, dict]:
    """The workbook read as it is, and read with calamine kept out."""
    fast = read_spreadsheet(path)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx_cells, "FAST_CELLS", -1)
        slow = read_spreadsheet(path)
    return fast, slow


def test_every_kind_of_value_reads_the_same_either_way(tmp_path, monkeypatch):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "values"
    sheet.append([" Reference ", "Name", "Count", "Score", "Due", "Stamp", "Flag", "Big"])
    for i in range(1, 40):
        sheet.append([f"IP-{i:04d}", ["Müller GmbH", "  spaced  ", "a\nb", "東京"][i % 4],
                      i - 20, i * 1.25, date(2026, 1, i % 28 + 1),
                      datetime(2026, 3, 1, i % 24, 30), i % 2 == 0,
                      [123456789012, 1e20, 0.1 + 0.2][i % 3]])
    sheet.append([])
    sheet.append(["IP-9999", None, None, None, None, None, None, "last"])
    sheet["E3"].number_format = "dd.mm.yyyy"
    other = workbook.create_sheet("offset")
    other["C4"], other["D5"] = "Header", 7
    workbook.save(tmp_path / "values.xlsx")
    fast, slow = _both_ways(tmp_path / "values.xlsx", monkeypatch)
    assert fast == slow
    assert fast["values"].rows[0].cells == ("IP-0001", "  spaced  ", -19, 1.25,
                                            datetime(2026, 1, 2), datetime(2026, 3, 1, 1, 30),
                                            False, 1e20)
    assert fast["values"].rows[-1].number == 42
    assert fast["offset"].header_row == 4 and fast["offset"].rows[0].cells == (None, None,
                                                                                None, 7)


def test_our_own_export_reads_the_same_either_way(tmp_path, monkeypatch):
    rows = [(f"SUP-{i:05d}", f"Supplier {i}", i % 5, i / 7, date(2026, 1, 1) + timedelta(i),
             i % 3 == 0, None if i % 4 else "=not a formula") for i in range(2_500)]
    write_xlsx(tmp_path / "export.xlsx", [SheetOut(
        "suppliers", ("Reference", "Name", "Score", "Share", "Due", "Flag", "Notes"),
        ("code", "text", "int", "float", "date", "bool", "text"), rows)])
    fast, slow = _both_ways(tmp_path / "export.xlsx", monkeypatch)
    assert fast == slow
    assert len(fast["suppliers"].rows) == 2_500


def test_the_scan_measures_the_range_of_cells_that_say_where_they_are():
    sheet = (b'<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c>'
             b'<c s="1" r="D2"/></row><row r="9"><c r="C9"><v>1</v></c></row></sheetData>'
             b'</worksheet>')
    assert _scan(sheet) == xlsx_cells.SheetScan(False, 8 * 3)  # rows 2-9, columns B-D
    prefixed = sheet.replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>")
    assert _scan(prefixed).cells == 24
    assert _scan(sheet.replace(b"<c s=", b"<c\ts=")).cells == 24
    assert _scan(b"<worksheet><sheetData/></worksheet>") == xlsx_cells.SheetScan(False, 0)


@pytest.mark.parametrize("change", [
    (b'<c r="C9">', b"<c>"),  # calamine would place it after the row's last cell
    (b'<c r="C9">', b'<c x:r="C9">'),
    (b'<c r="C9">', b"<c r='C9'>"),
    (b'<c r="C9">', b'<c r="C9" t="e">'),  # #N/A: calamine reads it as empty
])
def test_a_sheet_the_scan_cannot_vouch_for_is_left_to_openpyxl(change):
    sheet = (b'<worksheet><sheetData><row r="9"><c r="B9"><v>1</v></c><c r="C9"><v>2</v></c>'
             b"</row></sheetData></worksheet>")
    assert _scan(sheet).cells == 2
    assert _scan(sheet.replace(*change)).cells is None


def test_a_tag_cut_by_the_chunks_is_counted_once(monkeypatch):
    monkeypatch.setattr(xlsx_cells, "CHUNK", 16)  # longer than any tag here
    sheet = b"<sheetData>" + b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                                      for i in range(1, 50)) + b"</sheetData>"
    assert _scan(sheet).cells == 49


def _far_apart(path: Path) -> Path:
    """One cell in A1 and one in XFD1048576: calamine would ask for 17 billion cells."""
    write_xlsx(path, [SheetOut("parties", ("Name",), ("text",), [("Acme",)])])
    with zipfile.ZipFile(path) as old:
        members = [(info.filename, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members:
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" '
                                    b't="inlineStr"><is><t>far</t></is></c></row></sheetData>')
            new.writestr(name, data)
    return path


def test_cells_far_apart_are_read_without_calamine_and_the_process_lives(tmp_path):
    path = _far_apart(tmp_path / "far.xlsx")
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as xml:
        scan = xlsx_cells.scan_sheet(xml, MARKER)
    assert scan.cells == 1_048_576 * 16_384 and not scan.fast
    # In a process of its own: were calamine asked, it would abort that process.
    code = ("import sys; from qmsdesk.services.exchange.spreadsheet_io import "
            "read_spreadsheet as r; s = r(sys.argv[1])['parties']; "
            "print(s.rows[0].cells, s.rows[-1].number, s.rows[-1].cells[-1])")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["('Acme',)", "1048576", "far"]


def test_a_negative_number_in_a_date_cell_reads_as_openpyxl_gives_it(tmp_path, monkeypatch):
    """calamine reads -5 in a date cell as 00:00 and 0.25 as 06:00; a sheet with a time
    goes to openpyxl, which gives 1899-12-25 (the importer refuses that by name)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Due"])
    sheet.append(["Acme", -5])
    sheet.append(["Beta", 0.25])
    for cell in ("B2", "B3"):
        sheet[cell].number_format = "yyyy-mm-dd"
    workbook.save(tmp_path / "dates.xlsx")
    fast, slow = _both_ways(tmp_path / "dates.xlsx", monkeypatch)
    assert fast == slow
    assert [row.cells[1] for row in fast["Sheet"].rows] == [datetime(1899, 12, 25), time(6)]


def test_the_reader_is_not_imported_until_a_workbook_is_read():
    code = ("import sys; import qmsdesk.services.exchange.spreadsheet_io; "
            "print('python_calamine' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).parents[2])
    assert done.stdout.strip() == "False"
