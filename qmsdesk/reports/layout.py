"""Table layout that cannot overflow: rows that split across pages keep their reference, and
words too long for their column break after @ . / - _ rather than anywhere."""

from __future__ import annotations

import re
import weakref
from typing import Any

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table
from reportlab.platypus import KeepTogether as _KeepTogether
from reportlab.platypus.doctemplate import FrameBreak
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.tables import CellStyle, _isLineCommand, _setCellStyle

from qmsdesk.reports.fonts import markup
from qmsdesk.reports.shaping import needs_text_layout

CONTINUED = "(continued)"
# Where a long token may break: after these, as a reader expects an address or a path to wrap
# ("procurement@" / "example.co.uk", "docs/" / "manual.pdf").
BREAK_AFTER = frozenset("@./\\-_:;,?&=+|")
# Rows split inside only when at least this much of them fits (points): no two-line stubs.
MIN_ROW_SPLIT = 24
# A row up to this tall (points, about 16 lines) moves whole to the next page rather than split.
KEEP_ROW_WHOLE = 200
# Content taller than a page starts on the current one when this share of the page is left.
START_LONG_CONTENT = 0.25
_TOKENS = re.compile(r"(\s+)")


# A short text (a header, a status) whose longest word is too wide shrinks to this share of
# its size at most, rather than break inside the word ("Measuremen" / "t overdue").
MIN_SHRINK = 0.78
SHORT_TEXT = 40


def _cut(rest: str, width: float, font: str, size: float) -> int:
    """Where to end the next line of a token too wide for ``width``: after the "@" of an
    address whose domain then fits whole, else after the last break character from which
    the rest fits, else after the last break character in reach, else where it must."""
    fit = 1
    while fit < len(rest) and stringWidth(rest[:fit + 1], font, size) <= width:
        fit += 1
    breaks = [i for i in range(1, fit + 1) if rest[i - 1] in BREAK_AFTER]
    fitting = [i for i in breaks if stringWidth(rest[i:], font, size) <= width]
    at = [i for i in fitting if rest[i - 1] == "@"]
    return (at or fitting or breaks or [fit])[-1]


def _pieces(token: str, width: float, font: str, size: float) -> list[str]:
    """``token`` in pieces no wider than ``width``, each ending at a sensible break."""
    pieces: list[str] = []
    rest = token
    while rest and stringWidth(rest, font, size) > width:
        cut = _cut(rest, width, font, size)
        pieces.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        pieces.append(rest)
    return pieces


def fitted_style(text: str, width: float, style: ParagraphStyle) -> ParagraphStyle:
    """``style``, or a smaller copy of it when ``text`` is short and its longest word is a
    little too wide for ``width`` (a narrow header or status column)."""
    words = text.split()
    if not words or len(text) > SHORT_TEXT:
        return style
    widest = max(stringWidth(word, style.fontName, style.fontSize) for word in words)
    if widest <= width or widest * MIN_SHRINK > width:
        return style
    scale = width / widest
    return ParagraphStyle(f"{style.name}-fitted", parent=style,
                          fontSize=style.fontSize * scale, leading=style.leading)


def breakable_markup(text: str, width: float, style: ParagraphStyle) -> str | None:
    """Markup of ``text`` with each token wider than ``width`` broken at sensible points
    (a line break, so the extracted text keeps every character); None when every token fits,
    and the caller's usual markup serves."""
    font, size = style.fontName, style.fontSize
    parts = _TOKENS.split(text)
    if all(part.isspace() or stringWidth(part, font, size) <= width for part in parts if part):
        return None
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        if part.isspace() or stringWidth(part, font, size) <= width:
            out.append(markup(part))
        else:
            out.append("<br/>".join(markup(piece) for piece in _pieces(part, width, font, size)))
    return "".join(out)


def _is_empty(cell: Any) -> bool:
    if isinstance(cell, (list, tuple)):
        return all(_is_empty(item) for item in cell)
    return cell is None or cell == ""


# Each style's twin without shaping and bidi ordering, for text that needs neither.
_PLAIN: weakref.WeakKeyDictionary[ParagraphStyle, ParagraphStyle] = weakref.WeakKeyDictionary()


def _plain_twin(style: ParagraphStyle) -> ParagraphStyle:
    """``style`` without shaping and bidi ordering, under the same name (the fingerprint
    reads it)."""
    twin = _PLAIN.get(style)
    if twin is None:
        twin = ParagraphStyle(style.name, parent=style, wordWrap=None, shaping=0)
        twin.parent = None  # a value holding its key would keep both for good
        _PLAIN[style] = twin
    return twin


class Para(Paragraph):
    """A Paragraph that breaks its lines once per width. A table cell is wrapped to the same
    width when the table sizes its rows, again on each page a long table splits across, and
    once more when it is drawn: four line breakings a cell in the management-review pack,
    where one serves. The lines are kept per width, so a different width still re-breaks.

    Text with nothing to shape or reorder (most of a register in a Latin script) is laid out
    without shaping and bidi ordering: the same lines, about four times faster.
    """

    def __init__(self, text: str | None, style: ParagraphStyle | None = None,
                 *args: Any, **kwargs: Any) -> None:
        if (style is not None and text and style.shaping
                and not needs_text_layout(text)):
            style = _plain_twin(style)
        super().__init__(text, style, *args, **kwargs)

    def let_lines_go(self) -> None:
        """Forget the lines kept (drawn, the paragraph is not laid out again unless the
        whole story is): a long table's cells made before the layout stay with its rows
        until its last page, and 70 000 cells' lines held 200 MB."""
        self.__dict__.pop("_lines_by_width", None)
        self.__dict__.pop("blPara", None)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        kept = self.__dict__.setdefault("_lines_by_width", {})
        if availWidth in kept:
            self._wrapWidths, self.blPara, self.width, self.height = kept[availWidth]
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara") and self.width == availWidth:  # not "cannot fit here"
            kept[availWidth] = (self._wrapWidths, self.blPara, self.width, self.height)
        return size


# Text drawn as it is, needing no shaping, reordering or fallback face: Latin, general
# punctuation and the euro sign.
_DRAWN_AS_IS = re.compile(r"[\x20-\x7e\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u20ac]+")


class CellLine(Flowable):
    """A table cell of one line of plain text (a reference, a date, a status, a name that
    fits), drawn as a string: the same words at the same place as its Paragraph, without
    the parsing, line breaking and text layout a Paragraph spends on each of a register's
    thousands of cells. Made only where a Paragraph would lay out one unbroken line
    (one_line); the content fingerprint reads it as that Paragraph."""

    # Flowable's defaults, kept on the class: a register holds a quarter of a million
    # cells, and each one's own copy of them was most of its memory.
    width = height = 0.0
    wrapped = 0
    hAlign, vAlign = "LEFT", "BOTTOM"
    _traceInfo = _showBoundary = None

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        self.plain = text
        self.style = style

    @property
    def fingerprint_kind(self) -> str:
        """What the fingerprint reads: the Paragraph this line stands in for."""
        style = self.style
        return f"P:{style.name}:{cleanBlockQuotedText(markup(self.plain, style.fontName))}"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width, self.height = availWidth, self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        return [self] if availHeight >= self.style.leading else []

    def draw(self) -> None:
        style, canvas = self.style, self.canv
        canvas.saveState()
        canvas.setFillColor(style.textColor)
        canvas.setFont(style.fontName, style.fontSize, style.leading)
        # Where a Paragraph puts its first line: the indent, one font size below the top.
        canvas.drawString(style.leftIndent + style.firstLineIndent,
                          self.style.leading - style.fontSize, self.plain)
        canvas.restoreState()

    def getPlainText(self) -> str:
        return self.plain


def one_line(text: str, style: ParagraphStyle, width: float) -> CellLine | None:
    """A CellLine for ``text`` when a Paragraph of it would be one unbroken line ``width``
    points wide, left-aligned and in one face; None otherwise."""
    if (style.alignment != TA_LEFT or not _DRAWN_AS_IS.fullmatch(text)
            or " ".join(text.split()) != text):
        return None
    room = width - style.leftIndent - style.firstLineIndent - style.rightIndent
    if stringWidth(text, style.fontName, style.fontSize) > room - 0.01:
        return None
    return CellLine(text, style)


def _first_paragraph(cell: Any) -> Paragraph | CellLine | None:
    if isinstance(cell, Paragraph | CellLine):
        return cell
    if isinstance(cell, (list, tuple)):
        return next((found for item in cell if (found := _first_paragraph(item))), None)
    return None


# Table commands that set no cell's style, and the range of a command over the whole table.
_NOT_CELL_STYLE = {"BACKGROUND", "ROWBACKGROUNDS", "COLBACKGROUNDS", "SPAN", "NOSPLIT",
                   "ROUNDEDCORNERS"}
_WHOLE_TABLE = ((0, 0), (-1, -1))


class ContinuedTable(Table):
    """A table whose rows may split across pages (``splitInRow``); the part of a row carried
    to the next page repeats the row's first cell (its reference or label) + "(continued)",
    so no text stands on a page without saying whose it is. Header rows repeat as usual.

    Every cell shares one CellStyle until a command sets a cell apart: reportlab makes one
    per cell, and a register of 30 000 rows carried 180 000 identical ones. A command over
    the whole table is applied to the shared style once; any other copies the styles first.
    """

    _cellStyles: list[list[CellStyle]]

    def __init__(self, data: list[list[Any]], *args: Any, **kwargs: Any) -> None:
        # A part made by splitting passes its rows' styles on: they may be shared too.
        self._shared_styles = True
        self._one_style = "cellStyles" not in kwargs
        if self._one_style:
            style = CellStyle("cells")
            kwargs["cellStyles"] = [[style] * len(row) for row in data]
        super().__init__(data, *args, **kwargs)

    def _addCommand(self, cmd: tuple[Any, ...]) -> None:
        if cmd[0] in _NOT_CELL_STYLE or _isLineCommand(cmd) or not self._shared_styles:
            super()._addCommand(cmd)
        elif self._one_style and tuple(cmd[1:3]) == _WHOLE_TABLE \
                and not (cmd[0] == "VALIGN" and cmd[3] == "MIDDLE"):  # a split changes it
            if self._cellStyles and self._cellStyles[0]:
                _setCellStyle(self._cellStyles, 0, 0, cmd[0], cmd[3:])
        else:
            self._cellStyles = [[style.copy() for style in row] for row in self._cellStyles]
            self._shared_styles = self._one_style = False
            super()._addCommand(cmd)

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:
        super().drawOn(canvas, x, y, _sW)
        for row in self._cellvalues:  # drawn: its cells' lines are not needed again
            for cell in row:
                for flowable in cell if isinstance(cell, list | tuple) else (cell,):
                    if isinstance(flowable, Para):
                        flowable.let_lines_go()

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self._calc(availWidth, availHeight)
        repeat = _repeat_count(self)
        heights = self._rowHeights
        if len(heights) > repeat and heights[repeat] <= KEEP_ROW_WHOLE \
                and sum(heights[:repeat + 1]) > availHeight:
            return []  # the first row fits a fresh page whole: it moves there, unsplit
        parts = super().split(availWidth, availHeight)
        wanted: int = getattr(self, "splitInRow", 0)
        if not parts and wanted > 1:
            # Only a stub would be left on one side: a stub is better than no page at all.
            self.splitInRow = 1
            try:
                parts = super().split(availWidth, availHeight)
            finally:
                self.splitInRow = wanted
        if len(parts) == 2 and isinstance(parts[0], Table) and isinstance(parts[1], Table):
            _label_continuation(parts[0], parts[1])
        return parts


def _repeat_count(table: Table) -> int:
    repeat = table.repeatRows
    return repeat if isinstance(repeat, int) else len(repeat)


def _label_continuation(first: Table, rest: Table) -> None:
    repeat = _repeat_count(rest)
    rows = rest._cellvalues
    if len(rows) <= repeat or not first._cellvalues or not _is_empty(rows[repeat][0]):
        return
    source = _first_paragraph(first._cellvalues[-1][0])
    if source is None or not source.getPlainText().strip():
        return
    text = source.getPlainText().strip().removesuffix(CONTINUED).strip()
    label = Paragraph(f"{markup(text)} {CONTINUED}", source.style)
    rows[repeat][0] = [label]
    widths = rest._colWidths
    if widths and widths[0] is not None and rest._argH and rest._argH[repeat] is not None:
        cell_style = rest._cellStyles[repeat][0] if rest._cellStyles else None
        pad = (cell_style.leftPadding + cell_style.rightPadding) if cell_style else 8
        vpad = (cell_style.topPadding + cell_style.bottomPadding) if cell_style else 6
        needed = label.wrap(float(widths[0]) - pad, 1e6)[1] + vpad
        rest._argH[repeat] = max(rest._argH[repeat], needed)


class KeepTogether(_KeepTogether):
    """Keeps its content on one page when it fits on one. Content taller than a page starts
    where it stands once a fair share of the page is left, instead of leaving a page that
    holds nothing but what came before it (reportlab breaks the frame first)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:
        parts = super().split(aW, aH)
        frame = getattr(self, "_frame", None)
        full = getattr(frame, "_height", 0)
        if parts and isinstance(parts[0], type(FrameBreak)) and full \
                and full < self._H and aH >= full * START_LONG_CONTENT:
            return parts[1:]
        return parts
