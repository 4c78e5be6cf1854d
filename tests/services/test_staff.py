"""The team and signed approvals on a laptop (SQLite): the staff table kept by an
administrator, the approver role and the named approvers, and what an approval records
and prints (login, moment, content hash)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.identity import os_login
from qmsdesk.models.staff import StaffMember
from qmsdesk.models.suppliers import SupplierReview
from qmsdesk.reports.objectives_report import _policy
from qmsdesk.services import approvals, signoff, staff
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.objectives import policy
from qmsdesk.services.org_settings import load_settings, save_settings
from qmsdesk.services.suppliers import reviews
from qmsdesk.services.suppliers import service as suppliers
from tests.factories import make_supplier

HEX64 = r"[0-9a-f]{64}"


def _entries(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(AuditEntry.id))) or 0


def _draft(db: Database, today: date) -> reviews.ReviewRecord:
    supplier = suppliers.save_supplier(db, make_supplier(today), today)
    assert supplier.id is not None
    record = reviews.new_review(db, supplier.id, today)
    for item in record.scores:
        item.score = 80
    record.decision = "approved"
    return record


def _listed_as(db: Database, role: str) -> None:
    """This computer's login listed in the team with ``role`` (by another administrator)."""
    with db.session() as session:
        session.add(StaffMember(login=os_login(), display_name="Jan Kowalczyk", role=role,
                                active=True))


def test_on_a_laptop_the_user_is_the_os_login_and_keeps_the_team(db: Database) -> None:
    me = db.identity()
    assert (me.login, me.name, me.role, me.on_server) == (os_login(), db.user,
                                                          "administrator", False)
    saved = staff.save_member(db, staff.StaffRecord(" anna ", "  Anna   Kowalska ", "approver"))
    assert saved.record.login == "anna" and saved.record.display_name == "Anna Kowalska"
    assert saved.message == "Anna Kowalska is on the team as approver."
    with pytest.raises(ValidationError) as taken:
        staff.save_member(db, staff.StaffRecord("anna", "Anna Two", "editor"))
    assert taken.value.errors == {"login": "anna is on the team already (as Anna Kowalska); "
                                           "change that entry."}
    with pytest.raises(ValidationError) as wrong:
        staff.save_member(db, staff.StaffRecord("", "", "owner"))
    assert set(wrong.value.errors) == {"login", "display_name", "role"}
    left = staff.save_member(db, staff.replace(saved.record, active=False, role="viewer"))
    assert left.record.version == 2
    assert staff.list_staff(db) == [left.record]
    with db.read() as session:
        fields = set(session.scalars(select(AuditEntry.field).where(
            AuditEntry.entity == "staff member", AuditEntry.ref == "staff anna")))
    assert fields == {"login", "display_name", "role", "active"}


def test_an_administrator_cannot_take_the_role_from_themselves(db: Database) -> None:
    with pytest.raises(ValidationError) as caught:
        staff.save_member(db, staff.StaffRecord(os_login(), "Me", "editor"))
    assert "cannot take the administrator role from yourself" in caught.value.errors["role"]


def test_an_editor_may_neither_approve_nor_keep_the_team(db: Database, today: date) -> None:
    record = _draft(db, today)
    _listed_as(db, "editor")
    assert db.identity().role == "editor" and db.user != "Jan Kowalczyk"
    record.approved_by, record.approved_on = "Jan Kowalczyk", today
    before = _entries(db)
    with pytest.raises(ValidationError) as review:
        reviews.save_review(db, record, today)
    assert review.value.errors["approved_on"].startswith("Only an approver may approve; you")
    with pytest.raises(ValidationError) as issued:
        policy.revise_policy(db, "We deliver right first time.", ["Meet requirements"],
                             "Jan Kowalczyk", today, today)
    assert "Only an approver may approve" in issued.value.errors["approved_by"]
    with pytest.raises(staff.NotAnAdministrator, match="Only an administrator may change"):
        staff.save_member(db, staff.StaffRecord("eve", "Eve", "administrator"))
    assert _entries(db) == before


def test_only_the_approvers_named_in_settings_approve_on_a_laptop(db: Database,
                                                                  today: date) -> None:
    settings = load_settings(db)
    settings.organisation, settings.approved_by = "Northwind", "Helen Whitfield"
    save_settings(db, settings)
    record = _draft(db, today)
    record.approved_by, record.approved_on = "Somebody Else", today
    with pytest.raises(ValidationError) as caught:
        reviews.save_review(db, record, today)
    assert caught.value.errors["approved_on"].startswith(
        "Only the approvers named in Settings › Organisation may approve (Helen Whitfield)")
    record.approved_by = "helen  whitfield"
    assert reviews.save_review(db, record, today).approved_on == today


def test_an_approved_review_records_and_prints_login_moment_and_content_hash(
        db: Database, today: date, frozen_clock) -> None:
    record = _draft(db, today)
    draft = reviews.save_review(db, record, today)
    assert draft.signature == ""
    draft.approved_by, draft.approved_on = "Helen Whitfield", today
    approved = reviews.save_review(db, draft, today)
    with db.read() as session:
        row = session.get(SupplierReview, approved.id)
        assert row is not None
        stored = (row.approved_login, row.approved_at, row.approved_hash)
        content = reviews._content(row)
    assert stored[0] == os_login() and stored[1] == frozen_clock
    assert stored[2] == signoff.content_hash(content)
    assert approved.signature == signoff.signature_line(*stored)
    assert approved.signature.startswith(f"login {os_login()}, ")
    assert approved.signature.endswith(f"content sha256 {stored[2]}")
    with db.read() as session:  # on the audit trail with the rest of the approval
        signed = set(session.scalars(select(AuditEntry.field).where(
            AuditEntry.ref == approved.ref, AuditEntry.field.like("approved_%"))))
    assert signed == {"approved_by", "approved_on", "approved_login", "approved_at",
                      "approved_hash"}


def test_a_policy_revision_is_signed_and_the_report_prints_it(db: Database,
                                                              today: date) -> None:
    revision = policy.revise_policy(db, "We deliver right first time.",
                                    ["Meet requirements", "Improve continually"],
                                    "Helen Whitfield", today, today)
    assert revision.signature.startswith(f"login {os_login()}, ")
    assert revision.signature == policy.current_policy(db).signature  # read back the same
    printed = " ".join(getattr(flowable, "text", "") for flowable in _policy(revision))
    assert f"Signed: {revision.signature}" in printed


def test_a_report_approval_records_the_login_and_the_revision_content(
        db: Database, today: date, tmp_path) -> None:
    from qmsdesk.models.reviews import ReportLogEntry
    from qmsdesk.reports.issue import ReportRequest, generate_report
    from qmsdesk.services.progress import run_task

    run_task(generate_report(db, "parties", tmp_path / "p.pdf", ReportRequest(today, "A")))
    approval = approvals.approve(db, "parties", 1, db.user, "Quality Manager", "")
    with db.read() as session:
        fingerprint = session.scalar(select(ReportLogEntry.fingerprint))
    assert (approval.approved_login, approval.content_hash) == (os_login(), fingerprint)
    assert approval.signed() == \
        f"{approval.printed()} (login {os_login()}, content sha256 {fingerprint})"
