"""The management-review input pack: sections, bookmarks, contents, audit status, revisions."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import open_database
from qmsdesk.reports.management_review_report import SECTIONS
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.parties.records import EngagementRecord
from qmsdesk.services.parties.service import get_party, save_party
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.factories import make_party
from tests.reports.helpers import contents_lines, pdf_text, report_task
from tests.reports.test_issue import GENERATED

PERIOD = (date(2025, 11, 1), date(2026, 10, 31))


def _pack(db, out, today, period=PERIOD, prepared_by="Helen Whitfield"):
    return run_task(report_task("management-review", db, out, today, prepared_by, *period))


@pytest.fixture(scope="module")
def pack(demo_file, tmp_path_factory):
    """One pack of the demo, read by the tests that only look at it (a pack takes seconds)."""
    folder = tmp_path_factory.mktemp("mr")
    copy = folder / "demo.db"
    shutil.copyfile(demo_file, copy)
    db = open_database(copy, user="Helen Whitfield")
    try:
        path = _pack(db, folder / "mr.pdf", TODAY)
    finally:
        db.close()
    reader, text = pdf_text(path)
    return reader, text, path


def test_sections_follow_clause_9_3_2_in_order(pack):
    _, text, _ = pack
    flat = text.replace("\n", " ")
    positions = [flat.find(title, flat.find(SECTIONS[-1]) + 1) for title in SECTIONS]
    assert all(p > 0 for p in positions), positions
    assert positions == sorted(positions)


def test_each_section_is_a_bookmark_on_its_own_page(pack):
    reader, _, _ = pack
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == list(SECTIONS)
    pages = [reader.get_destination_page_number(item) for item in top]
    assert pages == sorted(pages)
    for item, page in zip(top, pages, strict=True):
        assert item.title in reader.pages[page].extract_text().replace("\n", " ")


def test_contents_lists_every_section_with_its_page(pack):
    reader, _, _ = pack
    page = next(page for page in reader.pages[:3] if "Contents" in page.extract_text())
    contents = contents_lines(page)
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert contents == [f"{item.title} {reader.get_destination_page_number(item) + 1}"
                        for item in top]


def test_first_page_has_document_control_and_audit_trail_status(pack):
    reader, _, _ = pack
    first = reader.pages[0].extract_text().replace("\n", " ")
    assert "Management review input pack" in first
    for text in ("Document number QMS-REC-9.3", "Revision 1", "Prepared by Helen Whitfield",
                 "Period 2025-11-01 to 2026-10-31", "Approved by Not yet approved",
                 "Revision 1 awaits approval by", "Revision history", "First issue"):
        assert text in first
    assert re.search(r"Audit trail verified: \d+ entries, chain intact\.", first)


def test_content_comes_from_the_registers(pack):
    _, text, _ = pack
    flat = " ".join(text.split())
    # previous reviews and their actions, with the overdue one marked
    assert "MR-2026-01" in flat and "MR-2025-01" in flat
    assert "Overdue" in flat
    # a supplier review approved in the period, an effectiveness check, an opportunity
    assert re.search(r"REV-\d{4}", flat)
    assert "Not effective" in flat
    assert "External and internal issues (4.1) now:" in flat
    assert "株式会社サンプル精工" in flat


def test_every_section_with_data_has_a_chart(pack):
    reader, _, _ = pack
    charts = sum(len(page.images) for page in reader.pages)
    assert charts >= 7  # one per section, and the grid in section 2


def _customer_with_feedback(db, today):
    """A small register with feedback in the period: revisions need no full demo."""
    party = make_party(today, "Harland Foods", category="customer", engagements=[
        EngagementRecord(on_date=date(2026, 3, 2), kind="survey", summary="Annual survey",
                         satisfaction=4)])
    return save_party(db, party, today)


def test_same_data_same_period_same_text_and_revision(db, today, tmp_path):
    _customer_with_feedback(db, today)
    first = _pack(db, tmp_path / "a.pdf", today)
    again = _pack(db, tmp_path / "b.pdf", today + timedelta(days=5))  # another day
    text_a, text_b = pdf_text(first)[1], pdf_text(again)[1]
    assert "Annual survey" in " ".join(text_a.split())
    assert GENERATED.sub("", text_a) == GENERATED.sub("", text_b)
    assert "Rev 1 · Page 1 of" in text_b


def test_new_feedback_in_the_period_is_a_new_revision(db, today, tmp_path):
    party = _customer_with_feedback(db, today)
    _pack(db, tmp_path / "a.pdf", today)
    party = get_party(db, party.id)
    party.engagements.append(EngagementRecord(on_date=date(2026, 6, 1), kind="call",
                                              summary="Praise for the new packaging",
                                              satisfaction=5))
    save_party(db, party, today)
    text = pdf_text(_pack(db, tmp_path / "b.pdf", today))[1]
    assert "Rev 2 · Page 1 of" in text
    assert "Praise for the new packaging" in " ".join(text.split())


def test_a_broken_audit_trail_is_named_in_the_pack(db, today, tmp_path):
    _customer_with_feedback(db, today)
    with db.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 5)
                        .values(new_value="tampered"))
    first = PdfReader(_pack(db, tmp_path / "a.pdf", today)).pages[0].extract_text()
    assert "Audit trail broken: audit entry #5" in " ".join(first.split())


def test_an_empty_database_gets_every_section_with_a_note(db, today, tmp_path):
    _, text = pdf_text(_pack(db, tmp_path / "e.pdf", today))
    flat = " ".join(text.split())
    assert "No management reviews are recorded" in flat
    assert "No quality objectives were active in the period." in flat
    assert "Audit trail verified: 0 entries, chain intact." in flat


@pytest.mark.parametrize("period, field, message", [
    ((date(2026, 5, 1), date(2026, 4, 1)), "period_to", "on or after"),
    ((date(2026, 5, 1), date(2026, 12, 1)), "period_to", "after today"),
])
def test_an_impossible_period_is_refused_and_nothing_written(db, today, tmp_path, period,
                                                             field, message):
    with pytest.raises(ValidationError) as caught:
        _pack(db, tmp_path / "x.pdf", today, period)
    assert message in caught.value.errors[field]
    assert not (tmp_path / "x.pdf").exists()
