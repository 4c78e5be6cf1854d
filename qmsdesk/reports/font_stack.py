"""The bundled font stack, light to import: reportlab names, files and matplotlib families.

Order matters: a character goes to the first face that is preferred for its range and has
it, else to the first face that has it (see fonts.font_runs); charts use the same order as a
matplotlib fallback list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from qmsdesk.paths import resource_path

FONT = "QMS-DejaVuSans"
FONT_BOLD = "QMS-DejaVuSans-Bold"


@dataclass(frozen=True)
class Face:
    """One font of the stack: reportlab names and files, its matplotlib family, and the
    code point ranges it is preferred for even where an earlier font has a glyph."""

    name: str
    bold: str
    file: str
    bold_file: str
    family: str
    prefer: tuple[tuple[int, int], ...] = ()


STACK: tuple[Face, ...] = (
    Face(FONT, FONT_BOLD, "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVu Sans"),
    Face("QMS-NotoSansArabic", "QMS-NotoSansArabic-Bold", "NotoSansArabic-Regular.ttf",
         "NotoSansArabic-Bold.ttf", "Noto Sans Arabic",
         ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
          (0xFE70, 0xFEFF))),
    Face("QMS-NotoSansHebrew", "QMS-NotoSansHebrew-Bold", "NotoSansHebrew-Regular.ttf",
         "NotoSansHebrew-Bold.ttf", "Noto Sans Hebrew", ((0x0590, 0x05FF), (0xFB1D, 0xFB4F))),
    Face("QMS-NotoSansDevanagari", "QMS-NotoSansDevanagari-Bold",
         "NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf",
         "Noto Sans Devanagari", ((0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF))),
    Face("QMS-DroidSansFallback", "QMS-DroidSansFallback", "DroidSansFallbackFull.ttf",
         "DroidSansFallbackFull.ttf", "Droid Sans Fallback"),
    Face("QMS-NotoSansKR", "QMS-NotoSansKR", "NotoSansKR-Hangul-Regular.ttf",
         "NotoSansKR-Hangul-Regular.ttf", "Noto Sans KR",
         ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))),
    Face("QMS-NotoEmoji", "QMS-NotoEmoji", "NotoEmoji-Regular.ttf", "NotoEmoji-Regular.ttf",
         "Noto Emoji", ((0x1F000, 0x1FAFF),)),
)

FAMILIES: tuple[str, ...] = tuple(face.family for face in STACK)


def _no_bold_fallback_notice(record: object) -> bool:
    message = str(getattr(record, "msg", ""))
    return not message.startswith("findfont: Failed to find font weight")


@lru_cache(maxsize=1)
def chart_families() -> tuple[str, ...]:
    """Register the bundled fonts with matplotlib and return the family fallback list
    (matplotlib picks, glyph by glyph, the first family that has it)."""
    import logging

    import matplotlib
    from matplotlib import font_manager

    # Bold text asks every family of the list for a bold face; the CJK, Hangul and emoji
    # faces have none and print regular, which matplotlib would log on every lookup.
    logging.getLogger("matplotlib.font_manager").addFilter(_no_bold_fallback_notice)

    for face in STACK:
        for filename in dict.fromkeys((face.file, face.bold_file)):
            font_manager.fontManager.addfont(str(resource_path("fonts", filename)))
    # Text drawn without a family (tick labels, legends) falls back the same way.
    matplotlib.rcParams["font.family"] = list(FAMILIES)
    return FAMILIES
