"""Cells that cannot overflow: sensible breaks in long words, rows that split keep their
reference, charts on dates at the ends of the calendar."""

from __future__ import annotations

from datetime import date

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table

from qmsdesk.reports.charts import objective_trend, title_lines
from qmsdesk.reports.document import FRAME_WIDTH, data_table, styles
from qmsdesk.reports.layout import CONTINUED, breakable_markup, fitted_style
from qmsdesk.services.objectives.rules import measurement_overdue, periods_between
from tests.reports.hostile import prose


def test_an_address_too_wide_for_its_column_breaks_after_the_at_sign() -> None:
    style = styles().cell
    assert breakable_markup("sales@example.com", 200, style) is None  # it fits: untouched
    domain = stringWidth("northern-aerospace.example", style.fontName, style.fontSize)
    broken = breakable_markup("procurement@northern-aerospace.example", domain + 1, style)
    assert broken == "procurement@<br/>northern-aerospace.example"


def test_a_token_without_break_characters_still_breaks_and_keeps_every_character() -> None:
    style = styles().cell
    broken = breakable_markup("X" * 300, 100, style)
    assert broken is not None and broken.replace("<br/>", "") == "X" * 300


def test_a_short_header_shrinks_rather_than_break_inside_a_word() -> None:
    style = styles().cell_bold
    fitted = fitted_style("Measurement overdue", 50, style)
    assert fitted.fontSize < style.fontSize
    assert fitted_style("Due", 50, style) is style
    assert fitted_style(prose(200, "w"), 50, style) is style  # long text wraps instead


def _split_all(table: Table, height: float) -> list[Table]:
    parts, rest = [], table
    rest.wrap(FRAME_WIDTH, height)
    while rest.wrap(FRAME_WIDTH, height)[1] > height:
        first, rest = rest.split(FRAME_WIDTH, height)
        parts.append(first)
    return [*parts, rest]


def test_a_row_longer_than_a_page_splits_and_repeats_its_reference() -> None:
    table = data_table(["Ref", "Text"], [["IP-0001", prose(10_000, "w")]], [1, 5])
    parts = _split_all(table, 500)
    assert len(parts) >= 3
    for part in parts[1:]:
        head = part._cellvalues[1][0]
        label = head[0] if isinstance(head, (list, tuple)) else head
        assert label.getPlainText() == f"IP-0001 {CONTINUED}"


def test_a_short_row_moves_whole_rather_than_split() -> None:
    table = data_table(["Ref", "Text"], [["IP-0001", prose(400, "w")]], [1, 5])
    table.wrap(FRAME_WIDTH, 700)
    assert table.split(FRAME_WIDTH, 40) == []


def test_long_chart_titles_wrap_instead_of_being_cut() -> None:
    title = "OBJ-2026-01 · " + "Right first time per customer and site " * 4
    lines = title_lines(title, 6.0)
    assert len(lines) > 1 and "…" not in "".join(lines)
    assert " ".join(lines) == title.strip()


def test_charts_and_periods_at_the_ends_of_the_calendar() -> None:
    fig = objective_trend([(date(2025, 6, 30), 5.0)], 1.0, 10.0, None, "increase",
                          date(1, 1, 1), date(9999, 12, 31), "£", title="Extreme")
    fig.canvas.draw()  # ticks are computed on drawing: no "year 10000" there either
    assert periods_between(date(9999, 1, 1), date(9999, 12, 31), "quarterly")[-1] == "9999-Q4"
    # No measurement since 0001: overdue, worked out without running past today.
    assert measurement_overdue(date(1, 1, 1), date(9999, 12, 31), "monthly", [],
                               date(2026, 11, 21))


def test_score_labels_sit_above_the_dashed_total_line_on_white() -> None:
    from qmsdesk.reports.charts_suppliers import scorecard

    fig = scorecard([("Quality", 50.0, 93.75), ("Delivery", 50.0, 92.0)], 92.9, "A")
    ax = fig.axes[0]
    (total,) = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    labels = [t for t in ax.texts if t.get_text() in ("93.8", "92")]
    assert len(labels) == 2
    for text in labels:
        assert text.get_zorder() > total.get_zorder()
        assert text.get_bbox_patch() is not None


def test_value_axis_ticks_are_grouped_never_in_exponent_notation() -> None:
    fig = objective_trend([(date(2025, 6, 30), 999999.5)], 100000.0, 120000.75, None,
                          "increase", date(2020, 1, 1), date(2030, 1, 1), "£")
    fig.canvas.draw()
    ax = fig.axes[0]
    ticks = [label.get_text() for label in ax.get_yticklabels()]
    assert any("," in tick for tick in ticks)
    assert ax.yaxis.get_offset_text().get_text() == ""


def test_a_paragraph_breaks_its_lines_once_per_width(monkeypatch) -> None:
    from reportlab.platypus import Paragraph

    from qmsdesk.reports.document import para

    breakings: list[float] = []
    break_lines = Paragraph.breakLines

    def counted(self: Paragraph, widths: list[float]) -> object:
        breakings.append(widths[0])
        return break_lines(self, widths)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    cell = para("A cell sized, split and drawn at the same width " * 3)
    first = cell.wrap(120, 500)
    assert cell.wrap(120, 80) == first and len(breakings) == 1  # the same lines again
    assert cell.wrap(300, 500)[1] < first[1] and len(breakings) == 2  # a new width re-breaks
    assert cell.wrap(120, 500) == first and cell.width == 120 and len(breakings) == 2
    assert len(cell.blPara.lines) == first[1] / cell.style.leading


def test_text_with_nothing_to_shape_or_reorder_lays_out_the_same_lines_without() -> None:
    from reportlab.platypus import Paragraph

    from qmsdesk.reports.document import para
    from qmsdesk.reports.fingerprint import _parts

    style = styles().cell
    assert style.shaping and style.wordWrap == "LTR"
    for text in ("Recalibrate the torque wrenches; record the results " * 4,
                 "Zoë Müller – Łódź, São Paulo, Ελλάδα, Москва " * 3, prose(400, "w")):
        plain = para(text, style)
        shaped = Paragraph(plain.text, style)  # what every cell was before
        assert not plain.style.shaping and plain.style.wordWrap is None
        assert plain.style.name == style.name  # so the fingerprint reads the same
        assert list(_parts(plain)) == list(_parts(shaped))
        assert plain.wrap(150, 1000) == shaped.wrap(150, 1000)
        assert plain.getActualLineWidths0() == shaped.getActualLineWidths0()
    # Words that are shaped or reordered keep both, whatever the style they came with.
    for text in ("مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "a\u200fb", "👍🏽 done"):
        assert para(text, style).style is style

def test_a_one_line_cell_is_drawn_as_a_string_that_reads_as_its_paragraph() -> None:
    from reportlab.platypus import Paragraph

    from qmsdesk.reports.document import para
    from qmsdesk.reports.fingerprint import _parts
    from qmsdesk.reports.layout import CellLine, one_line

    style = styles().cell
    line = one_line("Anna Kowalska & Co. – 2026-01-05", style, 200)
    assert isinstance(line, CellLine) and line.wrap(200, 50) == (200, style.leading)
    assert list(_parts(line)) == list(_parts(para("Anna Kowalska & Co. – 2026-01-05", style)))
    paragraph = para("Anna Kowalska", style)
    paragraph.wrap(200, 50)
    assert paragraph.height == style.leading
    # Anything a Paragraph would wrap, shape, reorder or set in another face stays one.
    for text in ("A name far too long for a narrow column of forty points", "株式会社",
                 "שלום", "Ελλάδα", "two  spaces", " leading", "line\nbreak"):
        assert one_line(text, style, 40 if text.startswith("A name") else 200) is None
    assert isinstance(data_table(["Ref"], [["IP-0001"]], [1])._cellvalues[1][0], CellLine)
    assert isinstance(data_table(["Ref"], [["株式会社"]], [1])._cellvalues[1][0], Paragraph)


def _styles_of(table: Table) -> list[list[tuple[str, float, str]]]:
    return [[(style.alignment, style.leftPadding, style.valign) for style in row]
            for row in table._cellStyles]


def test_a_register_table_shares_one_cell_style_until_a_command_sets_cells_apart():
    table = data_table(["Ref", "Name", "Score"], [[f"R-{n}", f"Name {n}", n] for n in range(50)],
                       [1, 3, 1])
    shared = {id(style) for row in table._cellStyles for style in row}
    assert len(shared) == 1
    assert {cell for row in _styles_of(table) for cell in row} == {("LEFT", 4, "TOP")}

    table.setStyle([("ALIGN", (2, 1), (2, -1), "RIGHT")])
    assert len({id(style) for row in table._cellStyles for style in row}) == 51 * 3
    for index, row in enumerate(_styles_of(table)):
        assert row == [("LEFT", 4, "TOP"), ("LEFT", 4, "TOP"),
                       ("RIGHT" if index else "LEFT", 4, "TOP")]


def test_a_part_split_off_a_shared_style_table_sets_its_own_cells_apart():
    table = data_table(["Ref", "Name"], [[f"R-{n}", f"Name {n}"] for n in range(120)], [1, 3])
    table.wrap(FRAME_WIDTH, 700)
    first, rest = table.split(FRAME_WIDTH, 300)
    rest.setStyle([("ALIGN", (1, 1), (1, -1), "RIGHT")])
    assert {style.alignment for row in first._cellStyles for style in row} == {"LEFT"}
    assert {row[1].alignment for row in rest._cellStyles[1:]} == {"RIGHT"}
    assert {row[0].alignment for row in rest._cellStyles} == {"LEFT"}
