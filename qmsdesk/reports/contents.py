"""A table of contents laid out in one pass.

reportlab's TableOfContents learns its entries while the document is laid out, so a
document holding one is laid out until the contents stop changing: three times for the
management-review pack, most of its time. Here the entries are read from the story before
layout (the headings the document will bookmark, in order), so the contents have their
final size from the first pass. Their page numbers, known only once every page is laid
out, are small forms (PDF XObjects) that a contents line names where its number goes and
the end of the document writes (document.NumberedCanvas). Each line also links to its
heading.

Should the headings laid out differ from those read (one hidden in a flowable the reader
does not open), the document is laid out once more with the headings seen (build_pdf).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from qmsdesk.reports.fonts import markup

ENTRY_END = "qms_contents_entry"  # the onDraw callback at the end of each entry's text
DOTS = " . "


@dataclass(frozen=True)
class Heading:
    level: int  # 0: a section, 1: a heading within it
    text: str   # plain text, as bookmarked


def bookmark_key(number: int) -> str:
    """The PDF destination of the document's ``number``-th heading (from 1)."""
    return f"section-{number}"


def next_level(wanted: int, previous: int) -> int:
    """A heading's outline level: never more than one below the heading before it."""
    return min(wanted, previous + 1)


def headings(story: Iterable[Any], levels: Mapping[str, int]) -> list[Heading]:
    """The headings the document will bookmark, in order: the paragraphs in an outline
    style, including those inside KeepTogether (which layout unpacks into the story)."""
    found: list[Heading] = []
    previous = -1
    for flowable in _unpacked(story):
        if isinstance(flowable, Paragraph) and flowable.style.name in levels:
            previous = next_level(levels[flowable.style.name], previous)
            found.append(Heading(previous, flowable.getPlainText()))
    return found


def _unpacked(story: Iterable[Any]) -> Iterator[Any]:
    for flowable in story:
        if isinstance(flowable, list | tuple):
            yield from _unpacked(flowable)
        elif isinstance(flowable, KeepTogether):
            yield from _unpacked(flowable._content)
        else:
            yield flowable


class Contents(Flowable):
    """Where the table of contents goes; build_pdf puts its lines in its place."""

    def __init__(self, styles: Sequence[ParagraphStyle]) -> None:
        super().__init__()
        self.styles = styles  # one per outline level

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass

    def lines(self, entries: Sequence[Heading]) -> list[Flowable]:
        return [ContentsLine(number, entry, self.styles[min(entry.level, len(self.styles) - 1)])
                for number, entry in enumerate(entries, start=1)]


def expanded(story: Sequence[Any], entries: Sequence[Heading]) -> list[Any]:
    """The story with each Contents replaced by its lines for ``entries``."""
    out: list[Any] = []
    for flowable in story:
        out.extend(flowable.lines(entries) if isinstance(flowable, Contents) else [flowable])
    return out


class ContentsLine(Flowable):
    """One entry: its text, a dotted leader, and a page number written at the end."""

    def __init__(self, number: int, entry: Heading, style: ParagraphStyle) -> None:
        super().__init__()
        self.number = number
        self.style = style
        self.paragraph = Paragraph(
            markup(entry.text, style.fontName)
            + f'<onDraw name="{ENTRY_END}" label="{number}"/>', style)
        self.spaceBefore = style.spaceBefore
        self._origin = (0.0, 0.0)
        self._width = 0.0

    def _numbers_width(self) -> float:
        return stringWidth(" 9999", self.style.fontName, self.style.fontSize)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self._width = availWidth
        _, height = self.paragraph.wrap(availWidth - self._numbers_width(), availHeight)
        return availWidth, height

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        self._origin = (x, y)
        super().drawOn(canvas, x, y, _sW)

    def draw(self) -> None:
        ends: list[tuple[float, float]] = []
        self.canv.setNamedCB(ENTRY_END, lambda canvas, _kind, _label: ends.append(
            (canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"])))
        self.paragraph.drawOn(self.canv, 0, 0)
        for x, y in ends:  # after the entry's text, so it reads: entry, leader, number
            self._entry_end(self.canv, x, y)

    def _entry_end(self, canvas: Canvas, x: float, y: float) -> None:
        """At the end of the entry's last line (``x``, ``y``): the leader, and the form
        the page number will be written in."""
        font, size = self.style.fontName, self.style.fontSize
        numbers_at = self._width - self._numbers_width()
        count = int((numbers_at - x) / stringWidth(DOTS, font, size))
        if count > 0:
            canvas.saveState()
            canvas.setFont(font, size)
            canvas.drawRightString(numbers_at, y, DOTS * count)
            canvas.restoreState()
        left, bottom = self._origin
        numbers = getattr(canvas, "numbers", None)
        if numbers is not None:
            number = PageNumber(bookmark_key(self.number), left, left + self._width,
                                bottom + y, font, size)
            canvas.saveState()
            canvas.translate(self._width, y)  # drawn within the entry, right-aligned
            canvas.doForm(number.form)
            canvas.restoreState()
            number.link(canvas)
            numbers.append(number)


@dataclass(frozen=True)
class PageNumber:
    """A contents line's page number: a form the line names where its number goes (its
    extent on the page, for the link), written once the heading's page is known
    (:meth:`write`)."""

    key: str        # the heading's bookmark
    left: float     # the line's extent on its page, for the link
    right: float    # where the number ends
    baseline: float
    font: str
    size: float

    @property
    def form(self) -> str:
        return f"qms-page-{self.key}"

    def link(self, canvas: Canvas) -> None:
        """The whole line links to the heading."""
        canvas.linkRect("", self.key, (self.left, self.baseline - 0.3 * self.size,
                                       self.right, self.baseline + self.size), relative=0)

    def write(self, canvas: Canvas, page: int | None) -> None:
        """The number, right-aligned on the form's origin; nothing for a heading the
        layout did not meet (the document is then laid out again)."""
        text = "" if page is None else str(page)
        width = stringWidth(text, self.font, self.size)
        canvas.beginForm(self.form, lowerx=-width - 1, lowery=-0.3 * self.size, upperx=1,
                         uppery=self.size * 1.2)
        canvas.setFont(self.font, self.size)
        canvas.drawRightString(0, 0, text)
        canvas.endForm()
