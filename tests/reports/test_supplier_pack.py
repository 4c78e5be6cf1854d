"""The supplier pack: the supplier's own scorecard PDF, its questionnaire workbook and the
e-mail draft, written into one folder."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from qmsdesk.reports.supplier_pack import find_supplier, write_supplier_pack
from qmsdesk.services.errors import NotFoundError
from qmsdesk.services.outreach import questions
from qmsdesk.services.outreach.workbooks import MARK_SHEET
from qmsdesk.services.progress import run_task
from tests.reports.test_parties_report import image_xobjects


def _pack(db, ref, folder, today):
    row = find_supplier(db, ref, today)
    return run_task(write_supplier_pack(db, row.id, folder, today, "Helen Whitfield"))


def test_pack_holds_scorecard_questionnaire_and_mail_draft(demo_db, today, tmp_path):
    pack = _pack(demo_db, "sup-0005", tmp_path / "pack", today)  # any case finds it
    assert sorted(p.name for p in (tmp_path / "pack").iterdir()) == [
        "SUP-0005-questionnaire-2026-11-21.xlsx", "SUP-0005-scorecard-2026-11-21.pdf"]
    reader = PdfReader(pack.scorecard)
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Supplier scorecard: Wearside Anodising & Plating Ltd" in text
    assert "Latest scorecard: REV-" in text and "KPIs in the period" in text
    # Open actions requested of it, not the closed ones, nor the internal status history
    assert "2 actions from its reviews: 2 open" in text
    assert "Qualify a second source for anodising" in text and "Containment" not in text
    assert "Status history" not in text
    assert len(image_xobjects(reader)) == 2  # the trend and the latest scorecard
    assert reader.metadata.title == "Supplier scorecard · SUP-0005"

    workbook = load_workbook(pack.questionnaire)
    assert workbook[MARK_SHEET].sheet_state == "veryHidden"
    mark = dict(workbook[MARK_SHEET].iter_rows(values_only=True))
    assert (mark["kind"], mark["supplier"], mark["round"]) == (
        "supplier questionnaire", "SUP-0005", "1")
    sheet = workbook["Questionnaire"]
    assert sheet.protection.sheet
    first = int(mark["question_first"])
    asked = questions.load_questions(demo_db, questions.SUPPLIER)
    assert [sheet.cell(first + i, 2).value for i in range(len(asked))] == asked
    kinds = {rule.type for rule in sheet.data_validations.dataValidation}
    assert kinds == {"list", "date"}
    assert not sheet.cell(first, 3).protection.locked  # the answer cell is open
    assert sheet.cell(first, 2).protection.locked

    url = urlsplit(pack.mailto)
    assert url.scheme == "mailto" and unquote(url.path) == pack.email != ""
    query = parse_qs(url.query)
    assert "Wearside Anodising" in query["subject"][0]
    assert "SUP-0005-questionnaire-2026-11-21.xlsx" in query["body"][0]
    assert "return the workbook by 2026-12-21" in query["body"][0]
    assert "\r\n" in query["body"][0]


def test_each_pack_opens_a_new_round(demo_db, today, tmp_path):
    first = _pack(demo_db, "SUP-0001", tmp_path / "a", today)
    second = _pack(demo_db, "SUP-0001", tmp_path / "b", today)
    assert (first.round, second.round) == (1, 2)
    marks = [dict(load_workbook(p.questionnaire)[MARK_SHEET].iter_rows(values_only=True))
             for p in (first, second)]
    assert marks[0]["token"] != marks[1]["token"]


def test_unknown_supplier_is_refused_in_one_sentence(demo_db, today):
    with pytest.raises(NotFoundError, match=r"^SUP-0999 is not in the supplier register"):
        find_supplier(demo_db, "SUP-0999", today)
