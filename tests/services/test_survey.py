"""The satisfaction survey round trip: a workbook per party or category, filled in as a
customer would, imported into the engagement log whole or not at all."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmsdesk.services import evidence
from qmsdesk.services.errors import NotFoundError, ServiceError
from qmsdesk.services.outreach import survey
from qmsdesk.services.outreach.workbooks import ReturnRefused
from qmsdesk.services.parties import service as parties
from qmsdesk.services.review_inputs.feedback import satisfaction
from tests.factories import make_party


@pytest.fixture
def customers(db, today):
    saved = [parties.save_party(db, make_party(today, name), today)
             for name in ("Müller Präzisionsteile GmbH", "株式会社サンプル精工", "Acme Tools")]
    parties.save_party(db, make_party(today, "City Council", category="regulator"), today)
    return saved


def _write(db, today, tmp_path: Path, **which) -> Path:
    rows = survey.survey_parties(db, today, **which)
    return survey.write_survey(db, tmp_path / "survey.xlsx", rows, today).path


def _fill(path: Path, lines: dict[int, list[object]]) -> Path:
    """Fill lines (0 = the first party) from the first score column on, as a party would
    in Excel: the workbook is opened, typed into and saved."""
    workbook = load_workbook(path)
    sheet = workbook["Survey"]
    first = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Ref") + 1
    for offset, values in lines.items():
        for column, value in enumerate(values, start=3):
            sheet.cell(first + offset, column, value)
    out = path.with_name("returned.xlsx")
    workbook.save(out)
    return out


def test_category_survey_round_trip_into_the_engagement_log(db, today, tmp_path, customers):
    path = _write(db, today, tmp_path, category="customer")
    sheet = load_workbook(path)["Survey"]
    refs = [sheet.cell(r, 1).value for r in range(6, 9)]
    assert refs == [p.ref for p in customers]  # the regulator is not asked
    answered = today - timedelta(days=2)
    # five aspects, overall, comments, date; the second line is left empty
    returned = _fill(path, {0: [5, 4, 4, 5, 3, None, "Fast replies", answered],
                            2: [2, 2, 3, None, None, 2, "Late deliveries"]})
    result = survey.import_survey(db, returned, today)
    assert result.entries == 2
    assert result.summary() == ("Imported 2 survey answers from returned.xlsx into the "
                                "engagement log; average 3.0/5; 1 left unanswered.")
    first = parties.get_party(db, customers[0].id).engagements[-1]
    assert (first.on_date, first.kind, first.satisfaction) == (answered, "survey", 4)
    assert first.summary.startswith(f"Satisfaction survey of {today.isoformat()}: overall 4/5")
    assert "Comments: Fast replies" in first.summary
    last = parties.get_party(db, customers[2].id).engagements[-1]
    assert (last.on_date, last.satisfaction) == (today, 2)  # no date: the day it came back
    assert parties.get_party(db, customers[1].id).engagements == []
    assert [f.file_name for f in evidence.list_evidence(db, "party", customers[0].id)] == [
        "returned.xlsx"]
    with db.read() as session:  # the management review's satisfaction trend reads them
        trend = satisfaction(session, today - timedelta(days=30), today)
    assert (trend.customers.scored, trend.customers.average) == (2, 3.0)


def test_one_bad_line_imports_nothing(db, today, tmp_path, customers):
    path = _write(db, today, tmp_path, category="customer")
    returned = _fill(path, {0: [5, 5, 5, 5, 5, 5], 1: [4, 7]})
    with pytest.raises(ReturnRefused, match=r"^Cell D7 of 'returned.xlsx': 7 is not a score "
                                            r"from 1 to 5\. Nothing was imported\.$"):
        survey.import_survey(db, returned, today)
    future = _fill(path, {0: [5, None, None, None, None, None, "", today + timedelta(days=3)]})
    with pytest.raises(ReturnRefused, match="is in the future"):
        survey.import_survey(db, future, today)
    assert all(parties.get_party(db, p.id).engagements == [] for p in customers)
    assert evidence.list_evidence(db, "party", customers[0].id) == []


def test_a_return_is_imported_once(db, today, tmp_path, customers):
    returned = _fill(_write(db, today, tmp_path, party_ref=customers[0].ref.lower()),
                     {0: [4, 4, 4, 4, 4]})
    survey.import_survey(db, returned, today)
    with pytest.raises(ReturnRefused, match="was imported on 2026-11-21 already"):
        survey.import_survey(db, returned, today)
    assert len(parties.get_party(db, customers[0].id).engagements) == 1


def test_foreign_empty_and_unknown_are_refused(db, today, tmp_path, customers):
    from openpyxl import Workbook

    other = tmp_path / "other.xlsx"
    foreign = Workbook()
    foreign.active.append(["Ref", "Score"])
    foreign.active.append(["IP-0001", 5])
    foreign.save(other)
    with pytest.raises(ReturnRefused, match=r"^'other.xlsx' is not a satisfaction survey "
                                            r"sent from QMS Desk; nothing was imported\.$"):
        survey.import_survey(db, other, today)
    empty = _write(db, today, tmp_path, category="customer")
    with pytest.raises(ReturnRefused, match="holds no answers yet"):
        survey.import_survey(db, empty, today)
    with pytest.raises(NotFoundError, match="IP-0099 is not an active interested party"):
        survey.survey_parties(db, today, party_ref="IP-0099")
    with pytest.raises(ServiceError, match=r"^No active interested party is of category "
                                           r"partner; no survey was written\.$"):
        survey.survey_parties(db, today, category="partner")


def test_a_party_archived_since_the_survey_refuses_the_return(db, today, tmp_path, customers):
    returned = _fill(_write(db, today, tmp_path, category="customer"), {0: [3]})
    parties.archive_party(db, customers[0].id, customers[0].version, today, "Left the market")
    with pytest.raises(ReturnRefused, match="is no longer an active interested party"):
        survey.import_survey(db, returned, today)


def test_survey_asks_the_settings_questions(db, today, tmp_path, customers):
    from qmsdesk.services.outreach import questions

    questions.save_questions(db, {questions.SURVEY: ["=Quality", "Delivery"]})
    sheet = load_workbook(_write(db, today, tmp_path, category="customer"))["Survey"]
    assert [sheet.cell(5, c).value for c in range(1, 8)] == [
        "Ref", "Name", "=Quality", "Delivery", "Overall satisfaction (1-5)", "Comments",
        "Answered on (yyyy-mm-dd)"]
    assert sheet.cell(5, 3).data_type == "s"  # a question is text, never a formula
