"""The spreadsheet a small company keeps instead of QMS Desk, and LibreOffice printing it.

Issue 16's yardstick for the management-review pack: the same organisation kept as one
workbook (interested parties, objectives with their 36 monthly measurements and one line
chart each, suppliers with their latest review, and two summary charts), made
with openpyxl from the org's database and exported to PDF by LibreOffice headless. The
time measured is what the user waits for: ``soffice --convert-to pdf`` from launch to the
file written (a fresh profile each run, so no run profits from another's start).

    python bench/spreadsheet_baseline.py [--db ORG] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return list(conn.execute(sql))


def _sheet(book: Workbook, title: str, header: tuple[str, ...], rows: list[tuple],
           widths: tuple[int, ...]) -> Worksheet:
    from openpyxl.styles import Font

    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    return sheet


def _bar_chart(sheet: Worksheet, title: str, header_row: int, rows: int, anchor: str) -> None:
    """A bar chart of the two columns below ``header_row`` (label, count)."""
    from openpyxl.chart import BarChart, Reference

    chart = BarChart()
    chart.title = title
    chart.legend = None
    chart.add_data(Reference(sheet, min_col=2, min_row=header_row, max_row=header_row + rows),
                   titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1,
                                   max_row=header_row + rows))
    chart.height, chart.width = 7.5, 15
    sheet.add_chart(chart, anchor)


def _measurement_charts(book: Workbook, conn: sqlite3.Connection) -> int:
    """The measurements as one row per objective (a column per month) and, on a sheet of
    their own, one line chart per objective, two charts across a page."""
    from openpyxl.chart import LineChart, Reference

    table = book.create_sheet("Measurements")
    charts = book.create_sheet("Trends")
    for sheet in (table, charts):
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    objectives = _rows(conn, "SELECT id, ref, kpi_name FROM objective ORDER BY ref")
    months = [month for (month,) in _rows(
        conn, "SELECT DISTINCT substr(on_date, 1, 7) FROM measurement ORDER BY 1")][-36:]
    table.append(("Objective", *months))
    for number, (objective_id, ref, kpi) in enumerate(objectives):
        values = dict(_rows(conn, "SELECT substr(on_date, 1, 7), value FROM measurement "
                                  f"WHERE objective_id = {int(objective_id)}"))
        table.append((ref, *(values.get(month) for month in months)))
        row = number + 2
        chart = LineChart()
        chart.title = f"{ref} {kpi}"
        chart.legend = None
        chart.add_data(Reference(table, min_col=1, max_col=len(months) + 1, min_row=row),
                       from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(table, min_col=2, max_col=len(months) + 1, min_row=1))
        chart.height, chart.width = 7.0, 13
        charts.add_chart(chart, f"{'AJ'[number % 2]}{1 + 15 * (number // 2)}")
    table.column_dimensions["A"].width = 14
    return len(objectives)


def build_workbook(org: Path, target: Path) -> int:
    """Write the org's registers as one workbook; return how many charts it holds."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    with closing(sqlite3.connect(f"file:{org}?mode=ro", uri=True)) as conn:
        parties = _rows(conn, "SELECT ref, name, category, influence, interest, owner, "
                              "next_review, status FROM party ORDER BY ref")
        _sheet(book, "Interested parties", ("Ref", "Name", "Category", "Influence",
                                            "Interest", "Owner", "Next review", "Status"),
               parties, (10, 40, 16, 9, 9, 20, 12, 10))
        _sheet(book, "Objectives", ("Ref", "Title", "KPI", "Baseline", "Target", "Due",
                                    "Owner", "Status"),
               _rows(conn, "SELECT ref, title, kpi_name, baseline, target, due_date, owner, "
                           "status FROM objective ORDER BY ref"),
               (12, 40, 30, 9, 9, 12, 20, 10))
        charts = _measurement_charts(book, conn)
        suppliers = _rows(conn, """
            SELECT s.ref, s.name, s.category, s.criticality, s.status, r.review_date,
                   r.total_score, r.band
            FROM supplier s LEFT JOIN supplier_review r ON r.id = (
                SELECT id FROM supplier_review WHERE supplier_id = s.id
                ORDER BY review_date DESC LIMIT 1)
            ORDER BY s.ref""")
        _sheet(book, "Suppliers", ("Ref", "Name", "Category", "Criticality", "Status",
                                   "Last review", "Score", "Band"),
               suppliers, (10, 40, 16, 10, 12, 12, 8, 6))
        summary = book.create_sheet("Summary", 0)
        summary.append(("Band", "Suppliers"))
        bands = _rows(conn, "SELECT band, COUNT(*) FROM supplier_review WHERE band != '' "
                            "GROUP BY band ORDER BY band")
        for band in bands:
            summary.append(band)
        summary.append(())
        start = summary.max_row + 1
        summary.append(("Category", "Parties"))
        categories = _rows(conn, "SELECT category, COUNT(*) FROM party GROUP BY category "
                                 "ORDER BY category")
        for category in categories:
            summary.append(category)
        _bar_chart(summary, "Supplier reviews by band", 1, len(bands), "D1")
        _bar_chart(summary, "Interested parties by category", start, len(categories), "D18")
    book.save(target)
    return charts + 2


def export_seconds(workbook: Path, out_dir: Path) -> tuple[float, Path]:
    """Seconds LibreOffice takes to print the workbook to PDF, from launch to the file."""
    command = soffice()
    if command is None:
        raise SystemExit("no soffice/libreoffice on this machine")
    with tempfile.TemporaryDirectory(prefix="bench-lo-profile-") as profile:
        start = time.perf_counter()
        subprocess.run([command, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(workbook)],
                       check=True, capture_output=True, timeout=600)
        seconds = time.perf_counter() - start
    return seconds, out_dir / (workbook.stem + ".pdf")


def main() -> None:
    from report_org import realistic_org
    from reports import _count

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an org file instead of the realistic org")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-sheet-") as tmp:
        workbook = Path(tmp) / "qms-register.xlsx"
        charts = build_workbook(args.db or realistic_org(), workbook)
        times = []
        for _ in range(args.runs):
            seconds, pdf = export_seconds(workbook, Path(tmp))
            times.append(seconds)
        pages, _ = _count(pdf)
        print(f"spreadsheet: {charts} charts in the workbook, {pages} pages printed; "
              f"LibreOffice export s min/median/max {min(times):.1f} "
              f"{statistics.median(times):.1f} {max(times):.1f}")


if __name__ == "__main__":
    main()
