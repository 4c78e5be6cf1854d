"""Report fonts: register the bundled TTFs and route every character to a font that has it."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from qmsdesk.paths import resource_path

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

FONT = "QMS-DejaVuSans"
FONT_BOLD = "QMS-DejaVuSans-Bold"
FONT_CJK = "QMS-DroidSansFallback"

_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_CJK: "DroidSansFallbackFull.ttf",
}
_lock = threading.Lock()
# XML 1.0 forbids most control characters; reportlab's parser chokes on them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def register_fonts() -> None:
    """Register DejaVu Sans (regular/bold family) and the CJK fallback once per process."""
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
        # <b> and <i> inside Paragraph markup look the family up; italic falls back to upright.
        addMapping(FONT, 0, 0, FONT)
        addMapping(FONT, 1, 0, FONT_BOLD)
        addMapping(FONT, 0, 1, FONT)
        addMapping(FONT, 1, 1, FONT_BOLD)
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(FONT_CJK, bold, italic, FONT_CJK)


@lru_cache(maxsize=1)
def _primary_cmap() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    return frozenset(font.face.charToGlyph)


@lru_cache(maxsize=1)
def _fallback_cmap() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(FONT_CJK)
    return frozenset(font.face.charToGlyph)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))


def font_runs(text: str, font: str = FONT) -> list[tuple[str, str]]:
    """Split ``text`` into (run, font name) pairs: ``font`` where DejaVu has the glyph, else CJK.

    Characters neither font has stay with ``font`` (they print as a box either way).
    """
    primary, fallback = _primary_cmap(), _fallback_cmap()
    runs: list[tuple[str, str]] = []
    for char in _clean(text):
        code = ord(char)
        wanted = FONT_CJK if code not in primary and code in fallback and char != "\n" else font
        if runs and runs[-1][1] == wanted:
            runs[-1] = (runs[-1][0] + char, wanted)
        else:
            runs.append((char, wanted))
    return runs


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "<br/>"))


def markup(text: object) -> str:
    """User text as safe Paragraph markup: escaped, line breaks kept, CJK runs in the CJK font."""
    parts = []
    for run, font in font_runs("" if text is None else str(text)):
        if font == FONT_CJK:
            parts.append(f'<font name="{FONT_CJK}">{_escape(run)}</font>')
        else:
            parts.append(_escape(run))
    return "".join(parts)


def string_width(text: str, font: str, size: float) -> float:
    """Width in points of ``text`` drawn run by run with the fallback font where needed."""
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
    """Draw a one-line mixed-script string on a canvas; returns its width in points.

    ``align`` is "left", "right" or "centre" relative to ``x``. Text wider than
    ``max_width`` is cut with an ellipsis rather than running off the page.
    """
    if max_width is not None:
        text = fit_text(text, font, size, max_width)
    width = string_width(text, font, size)
    if align == "right":
        x -= width
    elif align in ("centre", "center"):
        x -= width / 2
    for run, run_font in font_runs(text.replace("\n", " "), font):
        canvas.setFont(run_font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, run_font, size)
    return width
