"""Context-issue use cases: list, load, save, archive and restore, returning dataclasses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.risks import ContextIssue, ContextIssueParty, RiskSource
from qmsdesk.services.batch import (
    BATCH,
    add_error,
    check_new_refs,
    existing_ids,
    finish,
    new_refs,
    store_all,
)
from qmsdesk.services.context import rules
from qmsdesk.services.context.records import ContextIssueRecord, ContextIssueRow
from qmsdesk.services.dates import is_overdue
from qmsdesk.services.errors import BatchValidationError, NotFoundError
from qmsdesk.services.records import conflict_guard, sync_links, touch, with_status
from qmsdesk.services.validation import tidy_text

_FIELDS = ("title", "origin", "swot", "pestle", "description", "effect", "owner",
           "review_interval_months", "last_review", "next_review", "status",
           "archive_reason")


def new_issue(today: date) -> ContextIssueRecord:
    """A blank issue with the defaults the editor starts from."""
    record = ContextIssueRecord(pestle="economic")
    record.next_review = rules.suggested_next_review(None, record.review_interval_months, today)
    return record


def list_issues(db: Database, today: date,
                include_archived: bool = False) -> list[ContextIssueRow]:
    """The register in reference order, with the parties each concerns and its risk count."""
    query = (select(ContextIssue.id, ContextIssue.ref, ContextIssue.title, ContextIssue.origin,
                    ContextIssue.swot, ContextIssue.pestle, ContextIssue.owner,
                    ContextIssue.next_review, ContextIssue.status)
             .order_by(ContextIssue.ref))
    if not include_archived:
        query = query.where(ContextIssue.status == "active")
    with db.read() as session:
        rows = session.execute(query).all()
        parties: dict[int, list[str]] = defaultdict(list)
        for issue_id, ref in session.execute(
                select(ContextIssueParty.issue_id, Party.ref)
                .join(Party, Party.id == ContextIssueParty.party_id)
                .order_by(ContextIssueParty.issue_id, Party.ref)):
            parties[issue_id].append(ref)
        risks = dict(session.execute(
            select(RiskSource.context_issue_id, func.count(RiskSource.id))
            .where(RiskSource.context_issue_id.is_not(None))
            .group_by(RiskSource.context_issue_id)).all())
    return [ContextIssueRow(*row, overdue=is_overdue(row.next_review, today)
                            if row.status == "active" else False,
                            parties=", ".join(parties[row.id]), risks=risks.get(row.id, 0))
            for row in rows]


def issue_choices(db: Database, today: date) -> list[tuple[int, str]]:
    """(id, "REF — title") of every active issue, for choosing a risk's sources."""
    return [(row.id, f"{row.ref} — {row.title}") for row in list_issues(db, today)]


def to_record(issue: ContextIssue) -> ContextIssueRecord:
    record = ContextIssueRecord(**{name: getattr(issue, name) for name in _FIELDS})
    record.id, record.ref, record.version = issue.id, issue.ref, issue.version
    record.updated_at = issue.updated_at
    record.party_ids = [link.party_id for link in issue.parties]
    return record


def get_issue(db: Database, issue_id: int) -> ContextIssueRecord:
    with db.read() as session:
        issue = session.scalar(select(ContextIssue).where(ContextIssue.id == issue_id)
                               .options(selectinload(ContextIssue.parties)))
        if issue is None:
            raise NotFoundError(f"Context issue #{issue_id} does not exist.")
        return to_record(issue)


def normalise(record: ContextIssueRecord) -> None:
    tidy_text(record, ("title", "owner"))
    record.party_ids = list(dict.fromkeys(record.party_ids))


def check_issues(session: Session, records: Sequence[ContextIssueRecord],
                 today: date) -> dict[int, dict[str, str]]:
    """Every rule for issues about to be stored together (tidied first), by position: the
    form's rules and the database's (the parties exist; a given reference is free)."""
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        normalise(record)
        if found := rules.validate_issue(record, today):
            errors[index] = found
    known = existing_ids(session, Party, (pid for r in records for pid in r.party_ids))
    for index, record in enumerate(records):
        if any(pid not in known for pid in record.party_ids):
            add_error(errors, index, "party_ids",
                      "An interested party chosen no longer exists. Choose again.")
    check_new_refs(session, ContextIssue, records, errors)
    return errors


def save_issues(session: Session, records: Sequence[ContextIssueRecord], today: date,
                batch: int = BATCH) -> Generator[int, None, list[ContextIssue]]:
    """The one way context issues are written: check every record, then store them all in
    the caller's session, or none (BatchValidationError, nothing written)."""
    errors = check_issues(session, records, today)
    if errors:
        raise BatchValidationError(errors)
    refs = iter(new_refs(session, ContextIssue,
                         sum(1 for r in records if r.id is None and not r.ref),
                         {r.ref for r in records if r.ref}))
    return (yield from store_all(
        session, ContextIssue, "The context issue", records,
        lambda r: ContextIssue(ref=r.ref or next(refs)), store_issue, batch))


def save_issue(db: Database, record: ContextIssueRecord, today: date) -> ContextIssueRecord:
    """Validate and save one issue in one transaction; return it reloaded."""
    with db.session() as session, conflict_guard(record.ref or "The context issue"):
        issue_id = finish(save_issues(session, [record], today))[0].id
    return get_issue(db, issue_id)


def store_issue(session: Session, issue: ContextIssue, record: ContextIssueRecord) -> None:
    """Copy a checked record onto ``issue``; only save_issues calls it."""
    for name in _FIELDS:
        setattr(issue, name, getattr(record, name))
    changed = sync_links(session, list(issue.parties), record.party_ids,
                         lambda link: link.party_id,
                         lambda pid: issue.parties.append(ContextIssueParty(party_id=pid)))
    if issue.id is not None and changed:
        touch(issue)


def set_issue_status(db: Database, issue_id: int, version: int, status: str,
                     today: date, reason: str = "") -> ContextIssueRecord:
    """Archive (with the reason) or restore an issue (never deleted: risks and the trail
    refer to it)."""
    return save_issue(db, with_status(get_issue(db, issue_id), version, status, reason),
                      today)
