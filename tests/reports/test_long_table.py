"""A register table of many rows, laid out a window at a time: the pages of the whole
table, each row in its own stripe, the cells made as their window is."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.platypus import SimpleDocTemplate

from qmsdesk.reports import document, long_table
from qmsdesk.reports.document import ZEBRA_FILL, data_table, para, styles
from qmsdesk.reports.fingerprint import content_fingerprint
from qmsdesk.reports.layout import ContinuedTable
from tests.reports.hostile import prose

ROWS = 900


@pytest.fixture(autouse=True)
def long_from_400_rows(monkeypatch):
    """Tables of a few hundred rows are laid out a window at a time here (a report does
    so from 2 000), so each test stays quick."""
    monkeypatch.setattr(document, "LONG_TABLE_ROWS", 400)


def _rows() -> list[list[str]]:
    # Every 37th row is long enough to split across a page ("continued").
    return [[f"R-{n:04d}", prose(2500, f"w{n}") if n % 37 == 5 else f"Row {n} text", str(n)]
            for n in range(ROWS)]


def _text(cell: object) -> str:
    while isinstance(cell, list | tuple):
        cell = cell[0]
    return cell.getPlainText()  # type: ignore[attr-defined]


def _pages(flowables: list) -> list[str]:
    out = io.BytesIO()
    SimpleDocTemplate(out).build(flowables)
    return [page.extract_text() for page in PdfReader(out).pages]


def test_a_long_register_lays_out_the_pages_of_the_whole_table(monkeypatch):
    rows = _rows()
    long = data_table(["Ref", "Text", "N"], rows, [1, 4, 1])
    assert isinstance(long, long_table.LongTable)
    monkeypatch.setattr(document, "LONG_TABLE_ROWS", 10 * ROWS)
    whole = data_table(["Ref", "Text", "N"], rows, [1, 4, 1])
    assert isinstance(whole, ContinuedTable)
    assert content_fingerprint((), [long]) == content_fingerprint((), [whole])

    title = para("Register", styles().h1)
    pages = _pages([title, long])
    assert pages == _pages([title, whole])
    assert len(pages) > 30
    assert sum("(continued)" in page for page in pages) >= 5


def test_each_page_stripes_its_rows_as_a_whole_table_does_and_cells_are_made_a_window_at_a_time(
        monkeypatch):
    """Every page starts white and alternates (as reportlab stripes a whole table's parts),
    every row is printed, and each row's cells are made once, in order, by its window."""
    pages: list[list[tuple[str, object]]] = []
    draw = ContinuedTable.draw

    def recording(table: ContinuedTable) -> None:
        start, colours = next((cmd[1][1], cmd[3]) for cmd in table._bkgrndcmds
                              if cmd[0] == "ROWBACKGROUNDS")
        pages.append([(_text(row[0]), colours[(index - start) % len(colours)])
                      for index, row in enumerate(table._cellvalues[1:], start=1)])
        draw(table)

    monkeypatch.setattr(ContinuedTable, "draw", recording)
    made: list[int] = []
    rows = _rows()
    table = data_table(["Ref", "Text", "N"], rows, [1, 4, 1])
    cells = table.make_row

    def counting(values):
        made.append(int(values[2]))
        return cells(values)

    table.make_row = counting
    _pages([table])
    refs = [ref.split()[0] for page in pages for ref, _ in page]
    assert sorted(set(refs)) == [row[0] for row in rows]
    assert any("(continued)" in ref for page in pages for ref, _ in page)
    for page in pages:
        assert [colour for _, colour in page] == [
            colors.white if at % 2 == 0 else ZEBRA_FILL for at in range(len(page))]
    assert made == list(range(ROWS))


def test_a_command_on_register_rows_reaches_those_rows_in_every_window():
    rows = _rows()
    table = data_table(["Ref", "Text", "N"], rows, [1, 4, 1])
    marked = {3, 450, 899}
    table.setStyle([("BACKGROUND", (2, n + 1), (2, n + 1), colors.red) for n in marked])
    found: set[str] = set()
    draw = ContinuedTable.draw

    def recording(part: ContinuedTable) -> None:
        for cmd in part._bkgrndcmds:
            if cmd[0] == "BACKGROUND" and cmd[3] == colors.red:
                row = part._cellvalues[cmd[1][1]]
                found.add(_text(row[0]))
        draw(part)

    ContinuedTable.draw = recording  # type: ignore[method-assign]
    try:
        _pages([table])
    finally:
        ContinuedTable.draw = draw  # type: ignore[method-assign]
    assert found == {f"R-{n:04d}" for n in marked}


def test_rows_made_from_records_are_made_only_when_asked_for():
    made: list[int] = []

    def row(number: int) -> list[str]:
        made.append(number)
        return [f"R-{number:04d}", "text", str(number)]

    rows = long_table.RowsOf(list(range(ROWS)), row)
    table = data_table(["Ref", "Text", "N"], rows, [1, 4, 1])
    assert len(rows) == ROWS and made == []
    assert rows[3] == ["R-0003", "text", "3"] and rows[5:7][1][0] == "R-0006"
    made.clear()
    _pages([table])
    assert made == list(range(ROWS))  # each row's values made once, as its window was


@pytest.mark.parametrize("rows", [ROWS, 40], ids=["long", "short"])
def test_cells_made_before_the_layout_let_their_lines_go_once_drawn(rows):
    """A table's cells made with its rows (the review pack's tables of 70 000 rows) stay
    with the rows until the table's last page: each one's laid-out lines, kept, held
    200 MB. Drawn, a cell lets them go; the pages are those laid out before."""
    from qmsdesk.reports.layout import Para

    st = styles()
    cells = [[para(row[0], st.cell), para(row[1], st.cell), row[2]] for row in _rows()[:rows]]
    made = [cell for row in cells for cell in row if isinstance(cell, Para)]
    pages = _pages([data_table(["Ref", "Text", "N"], cells, [1, 4, 1])])
    assert len(pages) > (30 if rows == ROWS else 1)
    assert "R-0005" in pages[0] and f"R-{rows - 1:04d}" in pages[-1]
    kept = [cell for cell in made if "blPara" in vars(cell) or vars(cell).get("_lines_by_width")]
    # Only a cell split across two pages keeps them: its two parts were drawn, not it.
    assert len(kept) <= rows // 37 + 1
    assert all(len(cell.getPlainText()) > 1000 for cell in kept)
