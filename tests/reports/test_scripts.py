"""Names in every script: extractable in logical order from the PDF, every glyph real, and
every chart label drawn with a font that has it."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import warnings
from datetime import date

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from qmsdesk.models.db import Database
from qmsdesk.reports import charts, charts_dashboard
from qmsdesk.reports.font_stack import FONT, FONT_BOLD, STACK
from qmsdesk.reports.fonts import font_runs, markup
from qmsdesk.reports.shaping import log2vis
from qmsdesk.services.parties.records import PartyRecord
from qmsdesk.services.parties.service import save_party
from qmsdesk.services.progress import run_task
from tests.reports.helpers import page_text, parties_report, pdf_text

NAMES = {
    "Arabic": "محمد عبد الله للتجارة",
    "Hebrew": "שלום כהן בע״מ",
    "Chinese": "张伟精密有限公司",
    "Japanese": "株式会社サンプル精工",
    "Korean": "김민준 무역 주식회사",
    "Devanagari": "दिल्ली प्रिया किशोर",
    "Greek": "Ελληνική Εταιρεία",
    "Cyrillic": "Завод «Пётр» ООО",
    "Emoji": "Happy 😀 Supplies 👍",
}


@pytest.fixture
def scripts_pdf(db: Database, today: date, tmp_path) -> PdfReader:
    for name in NAMES.values():
        save_party(db, PartyRecord(name=name, category="customer", influence=4, interest=4,
                                   next_review=today), today)
    out = run_task(parties_report(db, tmp_path / "scripts.pdf", today, "Tester"))
    reader, _ = pdf_text(out)
    return reader


@pytest.mark.parametrize("script", NAMES)
def test_each_name_extracts_as_typed(scripts_pdf, script):
    """Right-to-left names come back in logical order, joined Arabic as base letters (not
    presentation forms), conjuncts and ligatures as the characters they were made from."""
    text = "\n".join(page.extract_text() for page in scripts_pdf.pages)
    assert NAMES[script] in text


def embedded_fonts(reader: PdfReader) -> list[tuple[str, dict[int, str], TTFont]]:
    """(base font name, code -> text from ToUnicode, embedded font program) of every font."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if "/FontDescriptor" not in font or "/FontFile2" not in font["/FontDescriptor"]:
                continue  # reportlab's unused initial Helvetica (PDF hygiene, not scripts)
            name = str(font["/BaseFont"])
            if name in found:
                continue
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            codes = {}
            entries = cmap.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
            for line in entries.splitlines():
                if line.startswith("<"):
                    code, target = line.strip("<>").split("> <")
                    codes[int(code, 16)] = bytes.fromhex(target).decode("utf-16-be")
            program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            found[name] = (name, codes, TTFont(io.BytesIO(program)))
    return list(found.values())


def test_every_character_maps_to_a_real_glyph_of_an_embedded_font(scripts_pdf):
    """Each character of each name is drawn by a code whose glyph has an outline (no
    .notdef box) and whose ToUnicode entry gives the character back."""
    fonts = embedded_fonts(scripts_pdf)
    assert len(fonts) >= 6
    covered = set()
    for _name, codes, program in fonts:
        glyf = program["glyf"]
        # The subset's own cmap: code -> glyph, as a viewer draws it.
        drawn = {code: glyph for table in program["cmap"].tables
                 for code, glyph in table.cmap.items()}
        for code, text in codes.items():
            if not (text.strip() and text.isprintable()):
                continue  # control codes, and zero-width carriers of ligatures
            glyph = drawn.get(code, ".notdef")
            # reportlab reserves the ASCII codes of a subset, used or not: count only the
            # codes that draw a glyph with an outline.
            if glyph != ".notdef" and glyf[glyph].numberOfContours != 0:
                covered.update(text)
    wanted = {c for name in NAMES.values() for c in name if not c.isspace()}
    assert wanted <= covered, wanted - covered


def test_control_page_header_and_footer_stay_readable(scripts_pdf):
    text = page_text(scripts_pdf.pages[0])
    assert re.search(r"· Page 1 of \d+ · Generated", text)


def test_runs_pick_the_face_of_each_script():
    faces = {face.family: face.name for face in STACK}
    expected = {"Arabic": "Noto Sans Arabic", "Hebrew": "Noto Sans Hebrew",
                "Devanagari": "Noto Sans Devanagari", "Chinese": "Droid Sans Fallback",
                "Korean": "Noto Sans KR", "Greek": "DejaVu Sans", "Cyrillic": "DejaVu Sans"}
    for script, family in expected.items():
        letters = [c for c in NAMES[script] if c.isalpha()]
        fonts = {font for run, font in font_runs(NAMES[script]) if run.strip()
                 for c in run if c in letters}
        assert fonts == {faces[family]}, (script, fonts)
    assert ("😀", faces["Noto Emoji"]) in font_runs("😀")
    # Combining marks stay in the run of the letter they belong to.
    assert font_runs("कि") == [("कि", faces["Noto Sans Devanagari"])]


def test_bold_text_falls_back_to_the_bold_face():
    assert 'name="QMS-NotoSansArabic-Bold"' in markup("محمد", FONT_BOLD)
    assert 'name="QMS-NotoSansArabic"' in markup("محمد", FONT)


FACES_REGISTERED = """
import json
from reportlab.pdfbase import pdfmetrics
from qmsdesk.reports.fonts import markup, register_fonts
register_fonts()
markup("Supplier review 2026: ok, 12 % late")
print(json.dumps(pdfmetrics.getRegisteredFontNames()))
markup("株式会社 A&B")
print(json.dumps(pdfmetrics.getRegisteredFontNames()))
"""


def test_a_fallback_face_is_read_only_when_text_needs_it():
    latin, cjk = (json.loads(line) for line in subprocess.run(
        [sys.executable, "-c", FACES_REGISTERED], capture_output=True, text=True,
        check=True).stdout.splitlines())
    assert {FONT, FONT_BOLD} <= set(latin)
    assert not {face.name for face in STACK[1:]} & set(latin)
    cjk_face = next(face for face in STACK if face.family == "Droid Sans Fallback")
    assert cjk_face.name in cjk


def test_reportlab_measures_text_with_its_c_accelerator():
    """Without ``rl_accel`` every string width is measured in Python (a sixth of a
    register report's time), so its absence is a broken install, not a slower one."""
    from reportlab.lib import rl_accel

    assert type(rl_accel.instanceStringWidthTTF).__name__ == "builtin_function_or_method"


def test_bidi_reorders_right_to_left_runs_and_leaves_the_rest():
    positions: list[int] = []
    assert log2vis("abc", "LTR", positions_V_to_L=positions) == "abc"
    assert positions == [0, 1, 2]
    assert log2vis("A שלום B", "LTR", positions_V_to_L=positions) == "A םולש B"
    assert positions == [0, 1, 5, 4, 3, 2, 6, 7]
    assert log2vis("(א)", "LTR") == "(א)"  # brackets mirror inside the run, read the same


@pytest.fixture
def strict_glyphs():
    """matplotlib warns "Glyph ... missing from font(s)": make that a failure."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*[Gg]lyph.*missing.*")
        yield


def test_chart_labels_in_every_script_have_glyphs(strict_glyphs):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    counts = {name: index + 1 for index, name in enumerate(NAMES.values())}
    fig = charts_dashboard.count_bars(counts, " · ".join(NAMES.values()))
    FigureCanvasAgg(fig).draw()  # glyph lookup happens when drawing
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]
    drawn = "".join(t.get_text() for t in texts)
    for name in NAMES.values():
        assert name.split()[0] in drawn


def test_grid_labels_with_every_script_have_glyphs(strict_glyphs):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    points = [charts.GridPoint(f"IP-{n:04d}", name, 4, 4)
              for n, name in enumerate(NAMES.values(), 1)]
    fig = charts.power_interest_grid(points)
    fig.suptitle(" ".join(NAMES.values()), fontfamily=charts.FONT_FAMILY)
    FigureCanvasAgg(fig).draw()


def test_the_glyph_check_itself_fails_on_a_missing_glyph(strict_glyphs):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = charts._new_figure(2, 1)
    fig.text(0.1, 0.5, "\U0001e900", fontfamily=["DejaVu Sans"])  # Adlam: no face has it
    with pytest.raises(UserWarning, match="missing"):
        FigureCanvasAgg(fig).draw()
