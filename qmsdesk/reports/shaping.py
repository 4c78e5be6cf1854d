"""Right-to-left ordering and complex shaping for reportlab, with text that stays extractable.

reportlab 4 shapes words with uharfbuzz and reorders lines with ``rlbidi``, but rlbidi is
not on PyPI and reportlab's shaped glyphs carry the wrong text for a reader: Arabic forms
extract as presentation forms, ligatures and Devanagari conjuncts as private-use codes,
characters outside the BMP as broken ToUnicode entries. This module

* provides ``log2vis`` (the only function reportlab uses from rlbidi) on python-bidi's
  implementation of the Unicode bidirectional algorithm, registered as ``rlbidi`` before
  reportlab is imported (see ``qmsdesk/reports/__init__.py``);
* re-codes every shaped glyph so that the PDF's ToUnicode map gives back the characters it
  was shaped from, one character per code where possible, in the order a reader of the
  visual line (pypdf, poppler) turns back into the typed order.
"""

from __future__ import annotations

import importlib.util
import re
import struct
import sys
import threading
import types
from typing import Any

# Strong right-to-left characters and explicit embeddings: text without any needs no
# reordering, which keeps the bidi pass off the common path.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff"
                  "\U0001e800-\U0001efff\u200f\u202b\u202e\u2067]")
# Text that harfbuzz changes beyond kerning: joining and Indic scripts, Hebrew points,
# Hangul jamo, emoji sequences and modifiers. Other words are left exactly as before.
_COMPLEX = re.compile("[\u0590-\u08ff\u0900-\u0dff\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff"
                      "\ufb1d-\ufdff\ufe70-\ufefe\u200c\u200d\ufe0f\U0001f3fb-\U0001f3ff"
                      "\U00010800-\U00010fff\U0001e800-\U0001efff]")
_EXPLICIT = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BASE_LEVEL = {"LTR": 0, "RTL": 1}


def has_rtl(text: str) -> bool:
    return _RTL.search(text) is not None


def needs_text_layout(text: str) -> bool:
    """Whether ``text`` has a character that shaping or bidi ordering would change; text
    without one lays out the same without them, and much faster."""
    return not text.isascii() and (_COMPLEX.search(text) is not None or has_rtl(text)
                                   or _EXPLICIT.search(text) is not None)


def log2vis(text: str, base_direction: str | None = None, clean: bool = True,
            positions_V_to_L: list[int] | None = None, **_: Any) -> str:
    """``text`` in visual order, as rlbidi's function of the same name returns it.

    ``positions_V_to_L``, when given, is filled with the logical index of each visual
    character. ``clean`` drops the explicit direction marks from the result. Brackets in
    right-to-left runs are mirrored.
    """
    direction = (base_direction or "").upper()
    if not has_rtl(text) and direction != "RTL":
        visual, odd = list(range(len(text))), frozenset[int]()
    else:
        visual, odd = _visual_order(text, _BASE_LEVEL.get(direction))
    if clean:
        visual = [i for i in visual if not _EXPLICIT.match(text[i])]
    if positions_V_to_L is not None:
        positions_V_to_L[:] = visual
    if not odd:
        return "".join(text[i] for i in visual)
    from bidi.algorithm import MIRRORED

    return "".join(MIRRORED.get(text[i], text[i]) if i in odd else text[i] for i in visual)


def _visual_order(text: str, base_level: int | None) -> tuple[list[int], frozenset[int]]:
    """Logical indexes of ``text`` in visual order (Unicode bidi algorithm, rules X1-L2),
    and the indexes at an odd (right-to-left) level."""
    from bidi import algorithm as uba

    storage = uba.get_empty_storage()
    level = uba.get_base_level(text, False) if base_level is None else base_level
    storage["base_level"] = level
    storage["base_dir"] = ("L", "R")[level]
    uba.get_embedding_levels(text, storage, False, False)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    uba.explicit_embed_and_overrides(storage, False)
    uba.resolve_weak_types(storage, False)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    uba.reorder_resolved_levels(storage, False)
    chars = storage["chars"]
    return ([int(c["index"]) for c in chars],
            frozenset(int(c["index"]) for c in chars if c["level"] % 2))


def install_bidi() -> None:
    """Offer ``log2vis`` to reportlab as ``rlbidi`` unless the real one is installed.

    Must run before ``reportlab.pdfgen.textobject`` is first imported, which decides then
    whether right-to-left support exists.
    """
    if "rlbidi" in sys.modules or importlib.util.find_spec("rlbidi") is not None:
        return
    module = types.ModuleType("rlbidi", "python-bidi standing in for rlbidi (qmsdesk).")
    module.log2vis = log2vis  # type: ignore[attr-defined]
    sys.modules["rlbidi"] = module


# Codes the PDF font subsets use for shaped glyphs, outside every real character; each
# stands for one (font, glyph, text) triple and the ToUnicode map gives its text back.
_FIRST_CODE = 0xF0000
_codes: dict[tuple[str, int, str], int] = {}
_texts: dict[int, str] = {}
_codes_lock = threading.Lock()
_patched = False


def _plain(code: int) -> bool:
    """A code reportlab can keep: a real character that is not a presentation form."""
    return not (0xE000 <= code <= 0xF8FF or code >= _FIRST_CODE
                or 0xFB1D <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF)


def _code_for(font: Any, gid: int, text: str, width: float) -> str:
    with _codes_lock:
        key = (font.fontName, gid, text)
        code = _codes.get(key)
        if code is None:
            code = _FIRST_CODE + len(_codes)
            _codes[key] = code
            _texts[code] = text
        face = font.face
        if code not in face.charToGlyph:
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            face.charWidths[code] = width
    return chr(code)


def _split_clusters(text: str, glyphs: list[tuple[int, Any]],
                    rtl: bool) -> list[list[str]]:
    """The characters each glyph (in visual order) stands for.

    A cluster's characters are dealt to its glyphs one by one: in typed order for a
    left-to-right run, in reverse for a right-to-left one (a reader reverses that run), so
    that each glyph mostly carries one character and extractors see its direction. A
    ligature with more characters than glyphs gets the rest on zero-width codes after it;
    extra glyphs (a split vowel) carry nothing.
    """
    starts = sorted({cluster for cluster, _ in glyphs})
    ends = {c: (starts[i + 1] if i + 1 < len(starts) else len(text)) for i, c in enumerate(starts)}
    members: dict[int, list[int]] = {}
    for position, (cluster, _) in enumerate(glyphs):
        members.setdefault(cluster, []).append(position)
    dealt: list[list[str]] = [[] for _ in glyphs]
    for cluster, positions in members.items():
        chars = list(text[cluster:ends[cluster]])
        if rtl:
            chars.reverse()
        for n, position in enumerate(positions):
            dealt[position] = chars[n:n + 1]
        dealt[positions[-1]] += chars[len(positions):]
    return dealt


def _extractable(original: Any, shaped: Any) -> Any:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr

    text = "".join(s for f, s in original[1:] if not hasattr(f, "cbDefn"))
    glyphs = [(d.cluster, (j, k)) for j, (_, s) in enumerate(shaped[1:], 1)
              if hasattr(s, "__shapeData__") for k, d in enumerate(s.__shapeData__)]
    if not glyphs:
        return shaped
    # harfbuzz gives a right-to-left run's glyphs in visual order: clusters descending.
    rtl = glyphs[0][0] > glyphs[-1][0] if len(glyphs) > 1 else has_rtl(text)
    dealt = iter(_split_clusters(text, glyphs, rtl))
    for j in range(1, len(shaped)):
        frag, string = shaped[j]
        if not hasattr(string, "__shapeData__"):
            continue
        font = pdfmetrics.getFont(frag.fontName)
        face = font.face
        space = face.charToGlyph.get(32, 0)
        chars: list[str] = []
        data: list[Any] = []
        for char, shape in zip(string, string.__shapeData__, strict=True):
            parts = next(dealt)
            first = parts[0] if parts else ""
            if first == char and _plain(ord(char)):
                chars.append(char)
            else:
                chars.append(_code_for(font, face.charToGlyph[ord(char)], first,
                                       face.charWidths[ord(char)]))
            data.append(shape)
            for extra in parts[1:]:
                # An invisible, zero-width glyph that carries one more character.
                chars.append(_code_for(font, space, extra, 0))
                data.append(ShapeData(shape.cluster, 0, 0, 0, 0, 0))
        shaped[j] = (frag, ShapedStr("".join(chars), shapeData=data))
    return shaped


def _utf16_hex(text: str) -> str:
    raw = text.encode("utf-16-be")
    return "".join(f"{unit:04X}" for unit in struct.unpack(f">{len(raw) // 2}H", raw))


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with our codes' texts and UTF-16 for astral characters."""
    with _codes_lock:
        entries = [f"<{i:02X}> <{_utf16_hex(_texts.get(code, chr(code)))}>"
                   for i, code in enumerate(subset)]
    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar", *entries, "endbfchar", "endcmap",
        "CMapName currentdict /CMap defineresource pop", "end", "end"])


def install_shaping() -> None:
    """Shape only words that need it, keep them extractable, and fix astral ToUnicode."""
    global _patched
    if _patched:
        return
    from reportlab.pdfbase import ttfonts
    from reportlab.platypus import paragraph

    original_shape = ttfonts.shapeFragWord

    def shape_frag_word(w: Any, features: dict[str, bool] | None = None,
                        force: bool = False) -> Any:
        if isinstance(w, ttfonts.ShapedFragWord):
            return w
        text = "".join(s for f, s in w[1:] if not hasattr(f, "cbDefn"))
        if not force and _COMPLEX.search(text) is None:
            return w
        # No discretionary ligatures: a name is printed as typed, not as a logotype.
        try:
            shaped = original_shape(w, features or {"kern": True, "liga": True},
                                    force=force)
        except (AttributeError, KeyError):
            # reportlab shapes a word of several faces (Arabic up to an ellipsis from
            # DejaVu, "للمكونات…") with its first face, then looks the glyphs up in each
            # fragment's own face, where one may be missing: such a word is printed
            # unshaped rather than failing the whole report.
            return w
        if shaped is w:
            return w
        return _extractable(w, shaped)

    ttfonts.shapeFragWord = shape_frag_word
    paragraph.shapeFragWord = shape_frag_word
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    _patched = True
