"""Approvals as signed records (services.signoff): each of the four approvals records who
(login and name), when, the content hash and the meaning the approver gave; the
effectiveness check of an action is one of them, for approvers only; reports print them."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from qmsdesk.models.db import Database
from qmsdesk.models.identity import os_login
from qmsdesk.models.objectives import Action
from qmsdesk.models.staff import StaffMember
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services import approvals, signoff
from qmsdesk.services.actions import service as actions
from qmsdesk.services.actions.log import action_log
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.objectives import policy
from qmsdesk.services.progress import run_task
from tests.factories import make_action

MEANING = "Approved as quality manager"


def _checked(db: Database, today: date, **values: object) -> actions.ActionRecord:
    """A corrective action, done, then saved with its effectiveness check."""
    done = actions.save_action(db, make_action(today, kind="corrective", status="done",
                                               start_date=today - timedelta(days=20),
                                               completed_on=today - timedelta(days=10)),
                               today)
    done.effectiveness, done.effectiveness_by = "effective", "Helen Whitfield"
    done.effectiveness_on = today
    for key, value in values.items():
        setattr(done, key, value)
    return done


def _role(db: Database, role: str) -> None:
    with db.session() as session:
        session.add(StaffMember(login=os_login(), display_name="Jan Kowalczyk", role=role,
                                active=True))


def test_an_effectiveness_check_is_signed_with_its_meaning(db, today):
    saved = actions.save_action(db, _checked(db, today), today, "  Effective as  auditor ")
    with db.read() as session:
        row = session.get(Action, saved.id)
        assert row is not None
        assert (row.effectiveness_login, row.effectiveness_meaning) == (
            os_login(), "Effective as auditor")
        assert len(row.effectiveness_hash) == 64 and row.effectiveness_at is not None
    assert saved.effectiveness_signature.startswith(
        f"\u201cEffective as auditor\u201d, login {os_login()}, ")
    assert saved.effectiveness_signature.endswith(row.effectiveness_hash)


def test_an_unchanged_check_keeps_its_signature_and_a_reopened_action_loses_it(db, today):
    signed = actions.save_action(db, _checked(db, today), today, MEANING)
    signed.owner = "Anna Kowalska"  # an edit that is not the check
    kept = actions.save_action(db, signed, today)
    assert kept.effectiveness_signature == signed.effectiveness_signature
    kept.status, kept.progress = "in progress", 50
    reopened = actions.save_action(db, kept, today)
    assert (reopened.effectiveness, reopened.effectiveness_signature) == ("", "")


def test_an_editor_may_not_record_an_effectiveness_check(db, today):
    record = _checked(db, today)
    _role(db, "editor")
    with pytest.raises(ValidationError) as refused:
        actions.save_action(db, record, today, MEANING)
    assert refused.value.errors["effectiveness_by"].startswith("Only an approver may approve")
    assert actions.get_action(db, record.id).effectiveness == ""  # nothing was written
    record.effectiveness, record.effectiveness_by, record.effectiveness_on = "", "", None
    record.owner = "Anna Kowalska"
    assert actions.save_action(db, record, today).owner == "Anna Kowalska"  # other edits go


def test_the_form_s_own_rules_speak_before_the_signature(db, today):
    record = _checked(db, today, effectiveness_by="")
    _role(db, "editor")
    with pytest.raises(ValidationError) as refused:
        actions.save_action(db, record, today)
    assert refused.value.errors == {"effectiveness_by": "Enter who checked the effectiveness."}


def test_a_meaning_longer_than_a_line_is_refused(db, today):
    with pytest.raises(ValidationError) as refused:
        actions.save_action(db, _checked(db, today), today, "x" * 201)
    assert "Meaning" in refused.value.errors["effectiveness"]


def test_policy_revisions_and_report_approvals_carry_the_meaning(db, today, tmp_path: Path):
    issued = policy.revise_policy(db, "We make parts that fit.", ["Meet requirements"],
                                  "Helen Whitfield", today, today, MEANING)
    assert issued.signature.startswith(f"\u201c{MEANING}\u201d, login {os_login()}, ")
    report = run_task(generate_report(db, "objectives", tmp_path / "o.pdf",
                                      ReportRequest(today, "Anna Kowalska")))
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(report.path).pages)
    assert f"\u201c{MEANING}\u201d, login {os_login()}" in text
    approval = approvals.approve(db, "objectives", 1, "Helen Whitfield", "Managing Director",
                                 "", "Approved as top management")
    assert approval.meaning == "Approved as top management"
    assert approval.signed().endswith(
        f"(\u201cApproved as top management\u201d, login {os_login()}, content sha256 "
        f"{approval.content_hash})")
    assert approvals.approval_of(db, "objectives", 1) == approval


def test_the_actions_report_prints_who_signed_each_check(db, today, tmp_path: Path):
    saved = actions.save_action(db, _checked(db, today), today, MEANING)
    (entry,) = [e for e in action_log(db, today).entries if e.id == saved.id]
    assert entry.effectiveness_signature == saved.effectiveness_signature
    report = run_task(generate_report(db, "actions", tmp_path / "a.pdf",
                                      ReportRequest(today, "Anna Kowalska")))
    text = " ".join(" ".join(page.extract_text().split())
                    for page in PdfReader(report.path).pages)
    assert "Signed effectiveness checks" in text
    assert f"\u201c{MEANING}\u201d, login {os_login()}" in text


def test_a_laptop_signs_without_a_password(db):
    assert not signoff.needs_password(db)
    signoff.confirm(db, "")  # nothing to confirm: the OS login opened the session
    assert signoff.signer(db).endswith(f"(login {os_login()}, administrator)")
