"""Small workbook helpers the import tests share: write one, read one back."""

from __future__ import annotations

from pathlib import Path

import openpyxl


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with these sheets and rows, as a person would type it."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def workbook_rows(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows as value tuples, header included."""
    workbook = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in workbook.worksheets}
