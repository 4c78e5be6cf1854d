"""The controlled-document template every report shares: styles, tables, header, footer, build."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
)

from qmsdesk import clock, paths
from qmsdesk.reports.contents import (
    Contents,
    Heading,
    PageNumber,
    bookmark_key,
    expanded,
    headings,
    next_level,
)
from qmsdesk.reports.document_control import DocumentControl
from qmsdesk.reports.fonts import (
    FONT,
    FONT_BOLD,
    TEXT_LAYOUT,
    draw_mixed,
    markup,
    register_fonts,
)
from qmsdesk.reports.layout import (
    MIN_ROW_SPLIT,
    ContinuedTable,
    KeepTogether,
    Para,
    breakable_markup,
    fitted_style,
    one_line,
)
from qmsdesk.reports.long_table import WINDOW, LongTable
from qmsdesk.reports.page_stream import seal_last_page, write_document
from qmsdesk.reports.story import StoryStream
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.numbers import NOTHING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
CREATOR = "QMS Desk"

INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#52606D")
RULE = colors.HexColor("#9AA5B1")
HEAD_FILL = colors.HexColor("#243B53")
LABEL_FILL = colors.HexColor("#E4E7EB")
ZEBRA_FILL = colors.HexColor("#F3F5F7")
NOT_SET = NOTHING

Cell: TypeAlias = str | Flowable | None


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    note: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_head: ParagraphStyle
    label: ParagraphStyle


@lru_cache(maxsize=1)
def styles() -> Styles:
    """Paragraph styles on DejaVu Sans (registered on first use)."""
    register_fonts()
    base = ParagraphStyle("qms-body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=4, **TEXT_LAYOUT)
    cell = ParagraphStyle("qms-cell", parent=base, fontSize=8, leading=10, spaceAfter=0)
    return Styles(
        title=ParagraphStyle("qms-title", parent=base, fontName=FONT_BOLD, fontSize=18,
                             leading=22, spaceAfter=4),
        subtitle=ParagraphStyle("qms-subtitle", parent=base, fontSize=10, leading=13,
                                textColor=MUTED, spaceAfter=10),
        h1=ParagraphStyle("qms-h1", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16,
                          spaceBefore=10, spaceAfter=6, keepWithNext=1),
        h2=ParagraphStyle("qms-h2", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                          spaceBefore=8, spaceAfter=4, keepWithNext=1),
        h3=ParagraphStyle("qms-h3", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12,
                          spaceBefore=6, spaceAfter=3, keepWithNext=1, textColor=MUTED),
        body=base,
        note=ParagraphStyle("qms-note", parent=base, fontSize=8.5, leading=11, textColor=MUTED,
                            spaceBefore=3),
        cell=cell,
        cell_bold=ParagraphStyle("qms-cell-bold", parent=cell, fontName=FONT_BOLD),
        cell_head=ParagraphStyle("qms-cell-head", parent=cell, fontName=FONT_BOLD,
                                 textColor=colors.white),
        label=ParagraphStyle("qms-label", parent=cell, fontName=FONT_BOLD, textColor=INK),
    )


def para(text: object, style: ParagraphStyle | None = None) -> Paragraph:
    """A Paragraph of user text: escaped, with CJK runs routed to the fallback font."""
    style = style or styles().body
    return Para(markup(text, style.fontName), style)


def rich(markup_text: str, style: ParagraphStyle | None = None) -> Paragraph:
    """A Paragraph of trusted markup built by report code (user parts already escaped)."""
    return Para(markup_text, style or styles().body)


CELL_PADDING = 4  # left and right, points
# Rows from which a register table is laid out a window at a time: below, the whole table
# is faster (its cells are made once, not for the fingerprint and again for the layout).
LONG_TABLE_ROWS = 10 * WINDOW


def _cell(value: Cell, style: ParagraphStyle, width: float) -> Flowable:
    """User text as a wrapping Paragraph ``width`` points wide (padding included); a word
    too long for it breaks at a sensible point (layout.breakable_markup)."""
    if isinstance(value, Flowable):
        return value
    if value in (None, ""):
        return para(NOT_SET, style)
    text = value if isinstance(value, str) else str(value)
    inner = width - 2 * CELL_PADDING
    # Text that fits one line needs no fitting: most cells are done with one measurement.
    if (line := one_line(text, style, inner)) is not None:
        return line
    fitted = fitted_style(text, inner, style)
    if fitted is not style and (line := one_line(text, fitted, inner)) is not None:
        return line
    style = fitted
    broken = breakable_markup(text, inner, style)
    return para(text, style) if broken is None else rich(broken, style)


def _widths(weights: Sequence[float], total: float) -> list[float]:
    scale = total / sum(weights)
    return [w * scale for w in weights]


def data_table(header: Sequence[str], rows: Sequence[Sequence[Cell]],
               weights: Sequence[float], width: float = FRAME_WIDTH,
               split_in_row: bool = True) -> Table | LongTable:
    """A register table: header repeated on each page, zebra rows, wrapping cells.

    ``weights`` are relative column widths scaled to ``width``; an empty value prints a dash.
    A row moves whole to the next page when it fits there; one taller than the space left
    splits inside (``split_in_row``), its first cell repeated with "(continued)". A table
    of more than ``LONG_TABLE_ROWS`` rows is laid out a window at a time (long_table).
    """
    st = styles()
    widths = _widths(weights, width)

    def cells(row: Sequence[Cell], style: ParagraphStyle = st.cell) -> list[Flowable]:
        return [_cell(value, style, w) for value, w in zip(row, widths, strict=True)]

    def table(data: list[list[Any]], heights: list[float | None] | None = None
              ) -> ContinuedTable:
        made = ContinuedTable(data, colWidths=widths, rowHeights=heights, repeatRows=1,
                              splitInRow=MIN_ROW_SPLIT if split_in_row else 0, hAlign="LEFT")
        made.setStyle([
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA_FILL]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOX", (0, 0), (-1, -1), 0.6, RULE),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ])
        return made

    head = cells(header, st.cell_head)
    if len(rows) > LONG_TABLE_ROWS:
        return LongTable(head, rows, cells, table)
    return table([head, *(cells(row) for row in rows)])


def facts_table(pairs: Sequence[tuple[str, Cell]], columns: int = 2,
                width: float = FRAME_WIDTH, label_weight: float = 1.3) -> Table:
    """Label/value pairs in a bordered grid, ``columns`` pairs per row (key facts, summaries)."""
    st = styles()
    widths = _widths([label_weight, 2.0] * columns, width)
    rows: list[list[Flowable | str]] = []
    for start in range(0, len(pairs), columns):
        row: list[Flowable | str] = []
        for label, value in pairs[start:start + columns]:
            row += [_cell(label, st.label, widths[len(row)]),
                    _cell(value, st.cell, widths[len(row) + 1])]
        row += [""] * (2 * columns - len(row))
        rows.append(row)
    # A value longer than a page splits inside its row, the label repeated on the next page.
    table = ContinuedTable(rows, colWidths=widths, hAlign="LEFT", splitInRow=MIN_ROW_SPLIT)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("BACKGROUND", (c, 0), (c, -1), LABEL_FILL) for c in range(0, 2 * columns, 2)]
    table.setStyle(commands)
    return table


def table_of_contents() -> Flowable:
    """A table of contents of the bookmarked headings (sections and the headings within),
    laid out with the rest in one pass (reports.contents)."""
    st = styles()
    return Contents([
        ParagraphStyle("qms-toc-1", parent=st.body, fontName=FONT_BOLD, leftIndent=0,
                       firstLineIndent=0, spaceBefore=3),
        ParagraphStyle("qms-toc-2", parent=st.body, leftIndent=8 * mm, firstLineIndent=0,
                       spaceBefore=0),
    ])


def heading(text: str, style: ParagraphStyle, min_space: float = 35 * mm) -> list[Flowable]:
    """A heading that starts a new page unless ``min_space`` is left for it and what follows.

    Unlike keepWithNext, a long table after the heading starts right below it and splits,
    instead of leaving the rest of the page blank. ``text`` is trusted markup.
    """
    paragraph = rich(text, style)
    paragraph.keepWithNext = 0
    return [CondPageBreak(min_space), paragraph]


def empty_note(text: str) -> Paragraph:
    """The sentence that stands in for an empty list ("No requirements recorded.")."""
    return para(text, styles().note)


def figure_image(fig: Figure, width: float = FRAME_WIDTH) -> Flowable:
    """A Figure already built as a chart flowable ``width`` points wide (aspect ratio kept);
    reports hand chart_images.chart_image the data instead, so it can be cached."""
    from qmsdesk.reports.chart_images import figure_chart

    return figure_chart(fig, width)


FRAME_FORM, TAIL_FORM = "qms-frame", "qms-tail"  # PDF forms: drawn once, used on every page
FOOT_SIZE = 7.5


def _draw_frame(canvas: Canvas, control: DocumentControl, generated_at: datetime,
                page: int) -> None:
    """Header (organisation · title) and footer (number · revision · page x of y ·
    generated). What every page shares is one form, written once (FRAME_FORM); "of y ·
    Generated …" is another (TAIL_FORM), written when the last page is known; a page adds
    only its own number. So no page waits for the end of the document."""
    if not canvas.hasForm(FRAME_FORM):
        _frame_form(canvas, control)
    canvas.doForm(FRAME_FORM)
    foot_y = MARGIN_BOTTOM - 10 * mm
    head = f"{control.document_number} · Rev {control.revision} · Page {page}"
    # Room for the tail after a space, for a document of any length.
    reserved = _tail_width(generated_at, " 99999")
    canvas.saveState()
    canvas.setFillColor(MUTED)
    width = draw_mixed(canvas, MARGIN_X, foot_y, head, FONT, FOOT_SIZE,
                       max_width=_footer_width() - reserved)
    canvas.translate(MARGIN_X + width + stringWidth(" ", FONT, FOOT_SIZE), foot_y)
    canvas.doForm(TAIL_FORM)
    canvas.restoreState()


def _tail(generated_at: datetime, total: str) -> str:
    return f"of {total} · Generated {clock.stamp(generated_at)}"


def _tail_width(generated_at: datetime, total: str) -> float:
    return stringWidth(_tail(generated_at, total), FONT, FOOT_SIZE)


NOTE = "Uncontrolled when printed"


def _footer_width() -> float:
    """Room for the footer's text left of the note, with a gap."""
    return PAGE_SIZE[0] - 2 * MARGIN_X - stringWidth(NOTE, FONT, 7) - 6 * mm


def _frame_form(canvas: Canvas, control: DocumentControl) -> None:
    """What every page's frame shares: the header, both rules and the note."""
    width, height = PAGE_SIZE
    left, right = MARGIN_X, width - MARGIN_X
    canvas.beginForm(FRAME_FORM)
    canvas.saveState()
    canvas.setFillColor(MUTED)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    head_y = height - MARGIN_TOP + 8 * mm
    header = " · ".join(part for part in (control.organisation, control.title) if part)
    number_width = draw_mixed(canvas, right, head_y, control.document_number, FONT, 8,
                              align="right")
    draw_mixed(canvas, left, head_y, header, FONT_BOLD, 8,
               max_width=right - left - number_width - 8 * mm)
    canvas.line(left, head_y - 2.5 * mm, right, head_y - 2.5 * mm)
    foot_y = MARGIN_BOTTOM - 10 * mm
    canvas.line(left, foot_y + 4 * mm, right, foot_y + 4 * mm)
    draw_mixed(canvas, right, foot_y, NOTE, FONT, 7, align="right")
    canvas.restoreState()
    canvas.endForm()


def _tail_form(canvas: Canvas, generated_at: datetime, total: int) -> None:
    """"of y · Generated …", drawn from the form's origin on the footer's baseline."""
    tail = _tail(generated_at, str(total))
    canvas.beginForm(TAIL_FORM, lowerx=0, lowery=-FOOT_SIZE, upperx=_tail_width(
        generated_at, str(total)) + 1, uppery=FOOT_SIZE * 1.5)
    canvas.saveState()
    canvas.setFillColor(MUTED)
    draw_mixed(canvas, 0, 0, tail, FONT, FOOT_SIZE)
    canvas.restoreState()
    canvas.endForm()


DOCUMENT_LANGUAGE = "en-GB"  # the reports' own words; names in them may be in any script

# Paragraph style -> outline level: these headings become PDF bookmarks (and TOC entries).
OUTLINE_LEVELS = {"qms-h1": 0, "qms-h2": 1}


def _canvas_maker(control: DocumentControl, generated_at: datetime,
                  pages: list[int], seen: list[Heading]) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Puts each page out as soon as it is laid out: "of y" and the contents' page
        numbers are forms (PDF XObjects) a page names and the end of the document writes,
        so a report of 12 000 pages holds none of them back; and each page's content is
        compressed as the page is finished (``seal_last_page``).

        A heading is bookmarked on the page that holds it (``bookmark``), and its page
        remembered for the contents' numbers.
        """

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # The embedded report font from the first operator on: reportlab's default
            # (Helvetica) would otherwise be named in every page's preamble, unembedded.
            kwargs["initialFontName"] = FONT
            super().__init__(*args, **kwargs)
            self.setViewerPreference("DisplayDocTitle", "true")  # the title, not the file
            self.page_of: dict[str, int] = {}  # bookmark -> page
            self.numbers: list[PageNumber] = []  # the contents' page numbers, as forms
            seen.clear()

        def bookmark(self, key: str, text: str, level: int) -> None:
            self.bookmarkPage(key)
            self.addOutlineEntry(text, key, level=level)
            self.page_of[key] = self.getPageNumber()
            seen.append(Heading(level, text))

        def showPage(self) -> None:
            _draw_frame(self, control, generated_at, self.getPageNumber())
            super().showPage()
            seal_last_page(self)

        def save(self) -> None:
            total = self.getPageNumber() - 1  # showPage has moved on to a page never used
            _tail_form(self, generated_at, total)
            for number in self.numbers:
                number.write(self, self.page_of.get(number.key))
            if self.page_of:
                self.showOutline()
            pages[:] = [total]
            write_document(self)

    return NumberedCanvas


class _Document(BaseDocTemplate):
    """Bookmarks each heading (clamped so a level never skips one)."""

    keepTogetherClass = KeepTogether  # keepWithNext never leaves a page holding only a rule

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._level = -1
        self._count = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Paragraph) or flowable.style.name not in OUTLINE_LEVELS:
            return
        self._level = next_level(OUTLINE_LEVELS[flowable.style.name], self._level)
        self._count += 1
        self.canv.bookmark(bookmark_key(self._count), flowable.getPlainText(), self._level)

    def handle_documentBegin(self) -> None:
        self._level, self._count = -1, 0  # a second layout starts afresh
        super().handle_documentBegin()


def _lay_out(doc: BaseDocTemplate, story: list[Flowable] | StoryStream,
             control: DocumentControl, generated_at: datetime, pages: list[int],
             remake: Callable[[], list[Flowable]] | None = None) -> None:
    """Lay the story out, consuming it (each flowable let go once its page is written).
    A story with contents (reports.contents) is laid out again when they listed other
    headings than the layout bookmarked; with ``remake`` it is consumed all the same and
    made anew only then (kept whole for a second layout that hardly ever comes, each
    table's laid-out cells stayed to the end: 230 MB for the 100x review pack)."""
    if isinstance(story, StoryStream) or not any(isinstance(f, Contents) for f in story):
        doc.build(story, canvasmaker=_canvas_maker(control, generated_at, pages, []))
        return
    entries = headings(story, OUTLINE_LEVELS)
    while True:
        seen: list[Heading] = []
        laid_out = expanded(story, entries)
        if remake is not None:
            story.clear()
        doc.build(laid_out, canvasmaker=_canvas_maker(control, generated_at, pages, seen))
        if seen == entries:
            return
        entries = seen
        if remake is not None:
            story = remake()


@dataclass(frozen=True)
class BuiltPdf:
    path: Path
    pages: int


def build_pdf(out_path: Path, control: DocumentControl, story: list[Flowable] | StoryStream,
              generated_at: datetime | None = None,
              remake: Callable[[], list[Flowable]] | None = None) -> BuiltPdf:
    """Lay out ``story`` as an A4 controlled document and write it atomically to ``out_path``
    (``remake``: the same story made anew, should its contents need a second layout).

    The PDF is written to a temporary file beside the target and moved into place only
    when complete, so a failed run never leaves a half-written report.
    """
    register_fonts()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or clock.local_now()
    author = control.prepared_by
    if control.organisation:
        author = f"{author} ({control.organisation})" if author else control.organisation
    fd, temp_name = tempfile.mkstemp(prefix=f".{out_path.stem}-", suffix=".pdf.part",
                                     dir=out_path.parent)
    os.close(fd)
    pages: list[int] = []
    try:
        doc = _Document(
            temp_name, pagesize=PAGE_SIZE, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=control.title,
            author=author, subject=control.subject or control.title, creator=CREATOR,
            lang=DOCUMENT_LANGUAGE,
            keywords=f"{control.document_number}, revision {control.revision}")
        # No frame padding: tables sized to FRAME_WIDTH line up with the header rule.
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, FRAME_WIDTH, PAGE_SIZE[1] - MARGIN_TOP
                      - MARGIN_BOTTOM, leftPadding=0, rightPadding=0, topPadding=0,
                      bottomPadding=0, id="body")
        doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        _lay_out(doc, story, control, generated_at, pages, remake)
        os.chmod(temp_name, paths.new_file_mode())  # mkstemp's 0600 would stay on the PDF
        try:
            os.replace(temp_name, out_path)
        except PermissionError as exc:
            raise ServiceError(f"Cannot write {out_path}: it may be open in another program. "
                               "Close it and run the report again.") from exc
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
    return BuiltPdf(out_path, pages[0] if pages else 0)
