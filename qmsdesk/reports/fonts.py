"""Report fonts: the bundled font stack, and every character routed to a font that has it.

DejaVu Sans carries Latin, Greek and Cyrillic; Noto Sans Arabic, Hebrew and Devanagari,
Droid Sans Fallback (Chinese, Japanese), a Hangul subset of Noto Sans KR and Noto Emoji
(monochrome) carry the rest. PDF text is shaped and ordered by reportlab with the patches in
``shaping``; charts use the same files as a matplotlib fallback list (``chart_families``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import tables

from qmsdesk.paths import resource_path
from qmsdesk.reports.font_stack import FONT, FONT_BOLD, STACK, Face
from qmsdesk.reports.shaping import install_shaping

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

# Paragraph style settings that turn on bidi reordering (base direction left-to-right) and
# shaping; document.styles() puts them on the base style.
TEXT_LAYOUT: dict[str, object] = {"wordWrap": "LTR", "shaping": 1}


# The old name of the CJK fallback, for code that still asks for it.
FONT_CJK = STACK[4].name

_lock = threading.Lock()
# XML 1.0 forbids most control characters; reportlab's parser chokes on them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that belong to the character before them: marks, joiners, variation
# selectors, emoji modifiers and tags. They stay in that character's font when it has them.
_JOINERS = {0x200C, 0x200D, *range(0xFE00, 0xFE10), *range(0x1F3FB, 0x1F400),
            *range(0xE0020, 0xE0080)}


def register_fonts() -> None:
    """Register the main face (regular and bold) once per process, and map every face's
    bold; a fallback face is parsed only when text first needs it (``_cmap``), so a report
    in Latin script does not pay for the CJK and emoji files (4 and 3 MB)."""
    install_shaping()
    with _lock:
        _register(STACK[0])
        # <b> and <i> inside Paragraph markup look the family up; italic stays upright.
        for face in STACK:
            for italic in (0, 1):
                addMapping(face.name, 0, italic, face.name)
                addMapping(face.name, 1, italic, face.bold)
        # A table cell's font before its style sets one (reportlab draws an empty text
        # object in it): our embedded face, not Helvetica, which no PDF of ours embeds.
        tables.CellStyle.fontname = FONT


def _register(face: Face) -> None:
    """Register ``face`` (regular and bold) unless it is; the caller holds ``_lock``."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in ((face.name, face.file), (face.bold, face.bold_file)):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
            registered.add(name)


@cache
def _cmap(name: str) -> frozenset[int]:
    """The code points of the face named ``name``, registering the face first."""
    register_fonts()
    with _lock:
        _register(next(face for face in STACK if face.name == name))
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def _face_for(code: int) -> Face | None:
    """The first face preferred for ``code`` that has it, else the first that has it."""
    for face in STACK:
        if any(lo <= code <= hi for lo, hi in face.prefer) and code in _cmap(face.name):
            return face
    for face in STACK:
        if code in _cmap(face.name):
            return face
    return None


@lru_cache(maxsize=4096)
def _face_index(code: int) -> int:
    face = _face_for(code)
    return -1 if face is None else STACK.index(face)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def _follows(char: str) -> bool:
    return ord(char) in _JOINERS or unicodedata.category(char) in ("Mn", "Mc", "Me")


def font_runs(text: str, font: str = FONT) -> list[tuple[str, str]]:
    """Split ``text`` into (run, font name) pairs, each run in a face of the stack that has
    its characters: ``font`` (DejaVu, regular or bold) where it is the right one, else the
    fallback face of the same weight.

    Marks and joiners stay with the character before them, so a word in one script is one
    run and is shaped as one. Characters no face has stay with ``font``.
    """
    text = _clean(text)
    if text.isascii() or all(_face_index(ord(char)) <= 0 for char in set(text)):
        return [(text, font)] if text else []  # the common case: all in the main face
    bold = font == FONT_BOLD
    runs: list[tuple[str, int]] = []
    for char in text:
        current = runs[-1][1] if runs else -1
        if char == "\n":
            wanted = 0
        elif current > 0 and _follows(char) and ord(char) in _cmap(STACK[current].name):
            wanted = current
        else:
            wanted = max(_face_index(ord(char)), 0)
        if runs and current == wanted:
            runs[-1] = (runs[-1][0] + char, wanted)
        else:
            runs.append((char, wanted))
    return [(run, font if index == 0 else (STACK[index].bold if bold else STACK[index].name))
            for run, index in runs]


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "<br/>"))


def markup(text: object, font: str = FONT) -> str:
    """User text as safe Paragraph markup: escaped, line breaks kept, each run that DejaVu
    cannot print in the fallback face that can (bold when ``font`` is bold)."""
    return _markup("" if text is None else str(text), font)


@lru_cache(maxsize=8192)  # a register repeats its statuses, owners and dates cell by cell
def _markup(text: str, font: str) -> str:
    parts = []
    for run, run_font in font_runs(text, font):
        if run_font == font:
            parts.append(_escape(run))
        else:
            parts.append(f'<font name="{run_font}">{_escape(run)}</font>')
    return "".join(parts)


def string_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` drawn run by run with the fallback font where needed
    (unshaped: within a few per cent for joined scripts)."""
    return sum(pdfmetrics.stringWidth(run, run_font, size)
               for run, run_font in font_runs(text.replace("\n", " "), font))


def fit_text(text: str, font: str, size: float, max_width: float) -> str:
    """``text`` shortened with an ellipsis so that it fits ``max_width`` points."""
    text = text.replace("\n", " ")
    if string_width(text, font, size) <= max_width:
        return text
    while text and string_width(text + "…", font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_mixed(canvas: Canvas, x: float, y: float, text: str, font: str = FONT,
               size: float = 8, align: str = "left", max_width: float | None = None) -> float:
    """Draw a one-line mixed-script string with its baseline at ``y``; returns its width.

    ``align`` is "left", "right" or "centre" relative to ``x``. Text wider than
    ``max_width`` is cut with an ellipsis rather than running off the page. The line is a
    one-line Paragraph, so it is shaped and ordered like body text.
    """
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    text = text.replace("\n", " ")
    if max_width is not None:
        text = fit_text(text, font, size, max_width)
    style = ParagraphStyle("qms-line", fontName=font, fontSize=size, leading=size * 1.2,
                           **TEXT_LAYOUT)
    line = Paragraph(markup(text, font), style)
    _, height = line.wrap(1e6, 1e6)
    widths = line.getActualLineWidths0()
    width = float(widths[0]) if widths else 0.0
    if align == "right":
        x -= width
    elif align in ("centre", "center"):
        x -= width / 2
    # A Paragraph puts its first baseline one font size below its top.
    line.drawOn(canvas, x, y - height + size)
    return width
