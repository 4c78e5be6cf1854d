"""Every report and the auditor pack from a register at the limits the rules allow: long text
printed whole, numbers exact, boundary dates, and never a layout error."""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from qmsdesk import registers as catalogue
from qmsdesk.models.db import open_database
from qmsdesk.reports.auditor_pack import write_auditor_pack
from qmsdesk.reports.issue import ReportRequest
from qmsdesk.services.dates import EARLIEST
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.reports.helpers import objectives_report, pdf_text, suppliers_report
from tests.reports.hostile import EMAIL, TOKEN, Hostile, build

REPORTS = tuple(report.file_stem for report in catalogue.reports())  # every one in the pack
EXPONENT = re.compile(r"\d[eE][+-]?\d")


@pytest.fixture(scope="module")
def hostile(empty_file: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[Hostile, dict[str, str], Path]:
    """The pack (every report in it) from the hostile register: (data, report -> text, db)."""
    folder = tmp_path_factory.mktemp("hostile")
    copy = folder / "hostile.db"
    shutil.copyfile(empty_file, copy)
    db = open_database(copy, user="Tester")
    data = build(db, TODAY)
    pack = run_task(write_auditor_pack(db, folder / "pack.zip",
                                       ReportRequest(TODAY, "Tester", EARLIEST, TODAY)))
    db.close()
    texts = {}
    with zipfile.ZipFile(pack.path) as archive:
        for name in archive.namelist():
            if name.endswith(".pdf"):
                reader = PdfReader(io.BytesIO(archive.read(name)))
                texts[Path(name).stem] = "\n".join(p.extract_text() for p in reader.pages)
    return data, texts, copy


def printed_whole(text: str, field: str) -> bool:
    """Every word of ``field`` is in ``text``, in order; line breaks (which may fall inside a
    long word) and what a page break puts between ("(continued)", headers) are allowed."""
    compact = re.sub(r"\s+", "", text)
    at = 0
    for word in field.split():
        at = compact.find(word, at)
        if at < 0:
            return False
        at += len(word)
    return True


def test_every_report_is_in_the_pack(hostile) -> None:
    _, texts, _ = hostile
    assert sorted(texts) == sorted(REPORTS)
    assert all(len(text) > 1000 for text in texts.values())


def test_numbers_print_exactly_and_never_in_exponent_notation(hostile) -> None:
    _, texts, _ = hostile
    objectives = texts["quality-objectives"]
    assert "≥ 120,000.75 £" in objectives  # not "≤ 120001 £"
    assert "999,999.5 £" in objectives  # not "1e+06 £"
    assert "≤ 0.00001 g" in objectives  # not "1e-05 g"
    assert "120,000.75" in texts["management-review"]
    suppliers = texts["suppliers"]
    assert "Total / band 93.8 · band A" in suppliers.replace("\n", " ")  # 93.75 half up
    assert "88,181 (88,180 on time)" in suppliers
    for name, text in texts.items():
        # hashes and fingerprints (hex, "3e4…") are not numbers
        assert not EXPONENT.search(re.sub(r"[0-9a-f]{16,}", "", text)), name


def test_the_rounding_is_stated_once_in_every_document(hostile) -> None:
    _, texts, _ = hostile
    for text in texts.values():
        assert re.sub(r"\s+", " ", text).count("halves rounded up (93.75 shows as 93.8)") == 1


def test_long_fields_are_printed_whole(hostile) -> None:
    data, texts, _ = hostile
    assert printed_whole(texts["interested-parties"], data.party_description)
    assert printed_whole(texts["quality-objectives"], data.objective_description)
    assert printed_whole(texts["suppliers"], data.supplier_scope)
    assert printed_whole(texts["suppliers"], data.strengths)
    assert not printed_whole(texts["suppliers"], data.strengths + " missing-word")
    assert printed_whole(texts["risks"], data.risk_description)


def test_the_new_registers_reports_print_other_scripts_in_logical_order(hostile) -> None:
    data, texts, _ = hostile
    for report in ("risks", "traceability", "action-log"):
        # in the order typed, whatever the line breaks of a narrow cell
        assert printed_whole(texts[report], data.risk_title), report


def test_a_row_carried_to_the_next_page_repeats_its_reference(hostile) -> None:
    _, texts, _ = hostile
    assert "Strengths (continued)" in texts["suppliers"].replace("\n", " ")
    assert "Description (continued)" in texts["quality-objectives"].replace("\n", " ")


def test_long_tokens_and_addresses_break_without_losing_a_character(hostile) -> None:
    _, texts, _ = hostile
    parties = texts["interested-parties"]
    assert TOKEN in re.sub(r"\s+", "", parties)
    assert EMAIL in re.sub(r"\s+", "", parties)
    # An address that needs two lines breaks after its "@": the domain stays whole.
    local, domain = EMAIL.split("@")
    assert f"{local}@\n{domain}" in parties or EMAIL in parties


def test_boundary_dates_are_printed(hostile) -> None:
    _, texts, _ = hostile
    assert "1900-01-01 – 2100-12-31" in texts["quality-objectives"]


def test_dates_stored_beyond_the_range_still_make_reports(hostile, tmp_path: Path) -> None:
    """Defence in depth: a record dated 0001-01-01 or 9999-12-31 (stored before the rules
    enforced the range) makes no report crash with "year 10000" or an overflow."""
    _, _, path = hostile
    copy = tmp_path / "extreme.db"
    shutil.copyfile(path, copy)
    with sqlite3.connect(copy) as raw:
        raw.execute("update objective set start_date = '0001-01-01'")
        raw.execute("update objective set due_date = '9999-12-31'")
        raw.execute("update action set due_date = '9999-12-31'")
        raw.execute("update supplier_review set review_date = '0001-01-01', "
                    "period_from = '0001-01-01'")
    db = open_database(copy, user="Tester")
    try:
        for task in (objectives_report, suppliers_report):
            written = run_task(task(db, tmp_path / f"{task.args[0]}.pdf", TODAY, "Tester"))
            reader, text = pdf_text(written)
            assert len(reader.pages) > 1
            assert "9999-12-31" in text or "0001-01-01" in text
    finally:
        db.close()


def test_the_supplier_pack_prints_the_hostile_supplier_whole(hostile, tmp_path: Path) -> None:
    """The scorecard a supplier is sent, and its questionnaire, from the hostile register:
    a name at the length limit, a scope at the note limit, a review's long strengths."""
    from openpyxl import load_workbook

    from qmsdesk.reports.supplier_pack import find_supplier, write_supplier_pack

    data, _texts, source = hostile
    copy = tmp_path / "hostile.db"
    shutil.copyfile(source, copy)
    db = open_database(copy, user="Tester")
    try:
        row = find_supplier(db, data.supplier_ref, TODAY)
        run_task(write_supplier_pack(db, row.id, tmp_path / "pack", TODAY, "Tester"))
    finally:
        db.close()
    scorecard = next((tmp_path / "pack").glob("*-scorecard-*.pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(scorecard).pages)
    assert printed_whole(text, data.supplier_scope)
    assert printed_whole(text, data.strengths)
    workbook = next((tmp_path / "pack").glob("*-questionnaire-*.xlsx"))
    assert load_workbook(workbook).sheetnames  # opens: the long name fits its cells' limits


def test_an_organisation_name_cut_inside_arabic_still_prints_every_report(
        demo_db, tmp_path: Path) -> None:
    """A 200-character name of Arabic, Korean and emoji is cut with an ellipsis in the page
    header: the Arabic word before it and the ellipsis come from two faces, which reportlab
    cannot shape as one word. The word is printed unshaped; the report is written."""
    from qmsdesk.services import org_settings
    from tests.reports.helpers import parties_report

    settings = org_settings.load_settings(demo_db)
    settings.organisation = ("شركة الدقة للمكونات 정밀부품 주식회사 🏭🔧 " * 10)[:200]
    org_settings.save_settings(demo_db, settings)
    out = run_task(parties_report(demo_db, tmp_path / "parties.pdf", TODAY, "Tester"))
    _, text = pdf_text(out)
    assert "정밀부품" in text and "Page 1 of" in text
