"""Approving a report revision: a recorded act by someone with the right, printed in every
later issue of that revision, with a revision history saying what changed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from qmsdesk import clock
from qmsdesk.models.audit import verify_chain
from qmsdesk.models.db import Database
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services import approvals
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.org_settings import OrgSettings, save_settings
from qmsdesk.services.parties.service import get_party, save_party
from qmsdesk.services.progress import run_task
from tests.factories import make_party

APPROVER = "Helen Whitfield"


def _issue(db: Database, out: Path, today: date):
    return run_task(generate_report(db, "parties", out, ReportRequest(today, "Anna Kowalska")))


def _first_page(path: Path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def _later(frozen_clock: datetime, minutes: int) -> None:
    clock.freeze(frozen_clock + timedelta(minutes=minutes))


@pytest.fixture
def register(db: Database, today: date) -> Database:
    save_settings(db, OrgSettings(organisation="Northwind Precision Components Ltd",
                                  approved_by=f"{APPROVER}; Anna Kowalska"))
    save_party(db, make_party(today, "Müller Präzisionsteile GmbH"), today)
    return db


def test_a_new_revision_is_not_yet_approved_and_says_who_approves(register, today, tmp_path):
    issued = _issue(register, tmp_path / "1.pdf", today)
    page = _first_page(issued.path)
    assert "Approved by Not yet approved" in page
    assert "Revision 1 awaits approval by Helen Whitfield or Anna Kowalska" in page
    assert "Revision history" in page and "First issue" in page


def test_approval_is_recorded_on_the_trail_and_printed_in_the_same_revision(
        register, today, tmp_path, frozen_clock):
    _issue(register, tmp_path / "1.pdf", today)
    _later(frozen_clock, 30)
    approval = approvals.approve(register, "parties", 1, "  helen  whitfield ",
                                 "Managing Director", "")
    assert (approval.approved_by, approval.approved_role) == ("helen whitfield",
                                                              "Managing Director")
    assert approval.change_note == approvals.FIRST_ISSUE
    with register.read() as session:
        assert verify_chain(session).intact
    reissued = _issue(register, tmp_path / "1b.pdf", today)
    assert (reissued.revision, reissued.new_revision) == (1, False)  # approval is no content
    page = _first_page(reissued.path)
    assert f"Approved by helen whitfield, Managing Director, {today.isoformat()}" in page
    assert "Approved in QMS Desk on " in page and "the approval is on the audit trail" in page
    assert "Not yet approved" not in page


def test_the_history_says_what_changed_since_the_revision_before(
        register, today, tmp_path, frozen_clock):
    _issue(register, tmp_path / "1.pdf", today)
    approvals.approve(register, "parties", 1, APPROVER, "Managing Director", "")
    _later(frozen_clock, 60)
    party = get_party(register, 1)
    party.owner = "Sales"
    save_party(register, party, today)
    save_party(register, make_party(today, "Zakład Obróbki Metali"), today)
    _later(frozen_clock, 90)
    second = _issue(register, tmp_path / "2.pdf", today)
    assert second.revision == 2
    page = _first_page(second.path)
    assert "Interested parties: 1 added, 1 changed Not yet approved" in page
    assert f"1 {today.isoformat()} First issue Helen Whitfield, Managing Director" in page
    # the approver's own words replace the computed line
    approvals.approve(register, "parties", 2, "Anna Kowalska", "Quality Manager",
                      "New supplier-side party; owner of IP-0001 set")
    history = approvals.revision_history(register, "parties", 2, today)
    assert [(line.revision, line.change) for line in history] == [
        (1, "First issue"), (2, "New supplier-side party; owner of IP-0001 set")]


@pytest.mark.parametrize(("who", "revision", "field", "message"), [
    ("Someone Else", 1, "approved_by", "Only the approvers named in Settings"),
    ("", 1, "approved_by", "Say who you are first"),
    (APPROVER, 7, "revision", "Revision 7 of this report was never issued."),
])
def test_who_may_approve_what(register, today, tmp_path, who, revision, field, message):
    _issue(register, tmp_path / "1.pdf", today)
    with pytest.raises(ValidationError) as refused:
        approvals.approve(register, "parties", revision, who, "", "")
    assert refused.value.errors[field].startswith(message)
    assert approvals.approvals(register) == {}


def test_a_revision_is_approved_once(register, today, tmp_path):
    _issue(register, tmp_path / "1.pdf", today)
    approvals.approve(register, "parties", 1, APPROVER, "Managing Director", "")
    with pytest.raises(ValidationError) as refused:
        approvals.approve(register, "parties", 1, "Anna Kowalska", "", "")
    assert refused.value.errors["revision"].startswith(
        "Revision 1 was approved already by Helen Whitfield, Managing Director")


def test_with_no_approvers_named_anyone_with_a_name_approves(db, today, tmp_path):
    save_settings(db, OrgSettings(organisation="One-person shop"))
    save_party(db, make_party(today, "Customer"), today)
    _issue(db, tmp_path / "1.pdf", today)
    assert approvals.refusal(db, "") != ""
    assert approvals.approve(db, "parties", 1, "Sam Solo", "", "").who == "Sam Solo"
    with pytest.raises(ValidationError) as refused:
        approvals.approve(db, "parties", 1, "Sam Solo", "", "x" * 501)
    assert "change_note" in refused.value.errors or "revision" in refused.value.errors


def test_the_history_lists_the_last_revisions_and_points_to_the_log_for_the_rest(
        register, today, tmp_path, frozen_clock):
    for number in range(1, 11):
        _later(frozen_clock, number)
        party = get_party(register, 1)
        party.owner = f"Owner {number}"
        save_party(register, party, today)
        assert _issue(register, tmp_path / f"{number}.pdf", today).revision == number
    lines = approvals.revision_history(register, "parties", 10, today)
    assert [line.revision for line in lines] == list(range(3, 11))
    assert approvals.earlier_revisions(lines) == 2
    page = _first_page(tmp_path / "10.pdf")
    assert "Revisions 1 to 2 are listed in the report log" in page
