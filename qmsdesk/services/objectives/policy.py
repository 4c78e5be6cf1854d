"""The quality policy (ISO 9001 clause 5.2): approved revisions, never edited in place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import QualityPolicy
from qmsdesk.services import signoff
from qmsdesk.services.dates import range_problem
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.validation import DESCRIPTION_LIMIT, NAME_LIMIT, check_text


@dataclass(frozen=True)
class PolicyRevision:
    revision: int
    statement: str
    commitments: tuple[str, ...]
    approved_by: str
    approved_on: date
    id: int | None = None
    signature: str = ""  # "login anna, 2026-12-02 10:15 UTC, content sha256 …" (signoff)


def _to_revision(row: QualityPolicy) -> PolicyRevision:
    commitments = tuple(line.strip() for line in row.commitments.splitlines() if line.strip())
    return PolicyRevision(row.revision, row.statement, commitments, row.approved_by,
                          row.approved_on, row.id, signoff.signature_line(
                              row.approved_login, row.approved_at, row.approved_hash,
                              row.approved_meaning))


def current_policy(db: Database) -> PolicyRevision | None:
    with db.read() as session:
        row = session.scalar(select(QualityPolicy).order_by(QualityPolicy.revision.desc())
                             .limit(1))
        return _to_revision(row) if row is not None else None


def policy_history(db: Database) -> list[PolicyRevision]:
    """Every revision, newest first; older ones stay readable but are never changed."""
    with db.read() as session:
        rows = session.scalars(select(QualityPolicy).order_by(QualityPolicy.revision.desc()))
        return [_to_revision(row) for row in rows]


def validate_policy(statement: str, commitments: list[str], approved_by: str,
                    approved_on: date | None, today: date,
                    previous: PolicyRevision | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not statement.strip():
        errors["statement"] = "The policy statement is required."
    if not [c for c in commitments if c.strip()]:
        errors["commitments"] = ("List at least one commitment (e.g. to meet requirements "
                                 "and to improve continually); objectives are set against them.")
    check_text(errors, "statement", statement, "The policy statement", DESCRIPTION_LIMIT)
    for i, commitment in enumerate(commitments):
        check_text(errors, "commitments", commitment, f"Commitment {i + 1}", 1_000)
    if not approved_by.strip():
        errors["approved_by"] = "Name who approved this revision (top management)."
    check_text(errors, "approved_by", approved_by, "Approved by", NAME_LIMIT)
    if approved_on is None:
        errors["approved_on"] = "The approval date is required."
    elif problem := range_problem(approved_on):
        errors["approved_on"] = problem
    elif approved_on > today:
        errors["approved_on"] = "The approval date cannot be in the future."
    elif previous is not None and approved_on < previous.approved_on:
        errors["approved_on"] = (f"Revision {previous.revision} was approved on "
                                 f"{previous.approved_on.isoformat()}; a new revision cannot be "
                                 "approved before it.")
    if previous is not None and not errors and _same_text(statement, commitments, previous):
        # Revisions are permanent: an identical one would stand in the history for good.
        errors["statement"] = (f"This is the text of revision {previous.revision} "
                               "unchanged; change the statement or the commitments to issue a "
                               "new revision (nothing was saved).")
    return errors


def _same_text(statement: str, commitments: list[str], previous: PolicyRevision) -> bool:
    """The text as it would be stored equals that of ``previous``."""
    stored = tuple(c.strip() for c in commitments if c.strip())
    return statement.strip() == previous.statement.strip() and stored == previous.commitments


def revise_policy(db: Database, statement: str, commitments: list[str], approved_by: str,
                  approved_on: date | None, today: date, meaning: str = "") -> PolicyRevision:
    """Issue the next revision of the policy (the first one is revision 1), signed by the
    person at the keyboard, who must be an approver (services.signoff), with what they
    meant by it (``meaning``, optional); on a team's server the approver is the server
    login's name, whatever was typed (and the caller confirmed the password)."""
    previous = current_policy(db)
    me = db.identity()
    if me.on_server:
        approved_by = db.user
    errors = validate_policy(statement, commitments, approved_by, approved_on, today, previous)
    if "approved_by" not in errors and (reason := signoff.approver_refusal(db, approved_by)):
        errors["approved_by"] = reason
    meaning = signoff.tidy_meaning(errors, meaning)
    if errors:
        raise ValidationError(errors)
    assert approved_on is not None
    text = "\n".join(c.strip() for c in commitments if c.strip())
    with db.session() as session:
        number = (session.scalar(select(func.max(QualityPolicy.revision))) or 0) + 1
        signed = signoff.sign(me, approved_by, {"revision": number, "statement": statement.strip(),
                                   "commitments": text, "approved_by": approved_by.strip(),
                                   "approved_on": approved_on}, meaning)
        row = QualityPolicy(revision=number, statement=statement.strip(), commitments=text,
                            approved_by=approved_by.strip(), approved_on=approved_on,
                            approved_login=signed.login, approved_at=signed.at,
                            approved_hash=signed.content_hash,
                            approved_meaning=signed.meaning)
        session.add(row)
        session.flush()
        return _to_revision(row)
