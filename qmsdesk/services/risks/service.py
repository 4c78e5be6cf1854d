"""Risk-and-opportunity use cases: list, load, save, archive and restore."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Generator, Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.models.risks import ContextIssue, Risk, RiskSource
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.batch import (
    BATCH,
    add_error,
    check_new_refs,
    finish,
    new_refs,
    store_all,
)
from qmsdesk.services.dates import is_overdue
from qmsdesk.services.errors import BatchValidationError, NotFoundError
from qmsdesk.services.records import conflict_guard, sync_links, touch, with_status
from qmsdesk.services.risks import rules
from qmsdesk.services.risks.matrix import matrix_in
from qmsdesk.services.risks.records import RiskRecord, RiskRow
from qmsdesk.services.validation import tidy_text

_FIELDS = ("kind", "title", "description", "processes", "cause", "consequence", "likelihood",
           "impact", "treatment", "treatment_rationale", "owner", "review_interval_months",
           "last_review", "next_review", "residual_likelihood", "residual_impact",
           "evaluation_due", "evaluated_on", "evaluated_by", "effectiveness",
           "evaluation_notes", "status", "archive_reason")
# Record field -> the source kind and the RiskSource column it fills.
_SOURCE_FIELDS = (("context_issue_ids", "context issue", "context_issue_id"),
                  ("requirement_ids", "requirement", "requirement_id"),
                  ("supplier_ids", "supplier", "supplier_id"))


def new_risk(today: date, kind: str = "risk") -> RiskRecord:
    record = RiskRecord(kind=kind)
    record.next_review = rules.suggested_next_review(None, record.review_interval_months, today)
    return record


def _source_refs(session: Session) -> dict[int, list[str]]:
    """Per risk, the references of its sources (a requirement by its party's reference)."""
    refs: dict[int, list[str]] = defaultdict(list)
    query = (select(RiskSource.risk_id, ContextIssue.ref, Party.ref, Supplier.ref)
             .outerjoin(ContextIssue, ContextIssue.id == RiskSource.context_issue_id)
             .outerjoin(PartyRequirement, PartyRequirement.id == RiskSource.requirement_id)
             .outerjoin(Party, Party.id == PartyRequirement.party_id)
             .outerjoin(Supplier, Supplier.id == RiskSource.supplier_id)
             .order_by(RiskSource.risk_id, RiskSource.id))
    for risk_id, *found in session.execute(query):
        refs[risk_id].extend(ref for ref in found if ref and ref not in refs[risk_id])
    return refs


def list_risks(db: Database, today: date, include_archived: bool = False) -> list[RiskRow]:
    """The register in reference order, rated by the organisation's matrix."""
    # Each risk's open actions, looked up by the action's risk index: not every open action
    # of the log looked at for its risk (100 000 at 100x, about 60 ms for no risk at all).
    open_actions = (select(func.count(Action.id))
                    .where(Action.risk_id == Risk.id,
                           Action.status.in_(action_rules.OPEN_STATUSES))
                    .correlate(Risk).scalar_subquery())
    query = (select(Risk.id, Risk.ref, Risk.kind, Risk.title, Risk.owner, Risk.likelihood,
                    Risk.impact, Risk.residual_likelihood, Risk.residual_impact,
                    Risk.treatment, Risk.next_review, Risk.status, Risk.effectiveness,
                    open_actions)
             .order_by(Risk.ref))
    if not include_archived:
        query = query.where(Risk.status == "active")
    with db.read() as session:
        matrix = matrix_in(session)
        rows = session.execute(query).all()
        sources = _source_refs(session)
    result = []
    for (risk_id, ref, kind, title, owner, likelihood, impact, r_likelihood, r_impact,
         treatment, next_review, status, effectiveness, acting) in rows:
        residual_score, residual_rating = None, ""
        if r_likelihood is not None and r_impact is not None:
            residual_score = rules.score(r_likelihood, r_impact)
            residual_rating = rules.rating(r_likelihood, r_impact, matrix)
        result.append(RiskRow(
            risk_id, ref, kind, title, owner, likelihood, impact,
            rules.score(likelihood, impact), rules.rating(likelihood, impact, matrix),
            residual_score, residual_rating,
            treatment, next_review, status,
            status == "active" and is_overdue(next_review, today), effectiveness,
            acting, ", ".join(sources.get(risk_id, [])),
            r_likelihood, r_impact))
    return result


def risk_choices(db: Database, today: date) -> list[tuple[int, str]]:
    """(id, "REF — title") of every active risk or opportunity (action sources, objectives)."""
    with db.read() as session:
        return [(risk_id, f"{ref} — {title}") for risk_id, ref, title in session.execute(
            select(Risk.id, Risk.ref, Risk.title).where(Risk.status == "active")
            .order_by(Risk.ref))]


def to_record(risk: Risk) -> RiskRecord:
    record = RiskRecord(**{name: getattr(risk, name) for name in _FIELDS})
    record.id, record.ref, record.version = risk.id, risk.ref, risk.version
    record.updated_at = risk.updated_at
    for field, _kind, column in _SOURCE_FIELDS:
        setattr(record, field, [getattr(source, column) for source in risk.sources
                                if getattr(source, column) is not None])
    return record


def get_risk(db: Database, risk_id: int) -> RiskRecord:
    with db.read() as session:
        risk = session.scalar(select(Risk).where(Risk.id == risk_id)
                              .options(selectinload(Risk.sources)))
        if risk is None:
            raise NotFoundError(f"Risk or opportunity #{risk_id} does not exist.")
        return to_record(risk)


def normalise(record: RiskRecord) -> None:
    tidy_text(record, ("title", "owner", "evaluated_by"))
    for field, _kind, _column in _SOURCE_FIELDS:
        setattr(record, field, list(dict.fromkeys(getattr(record, field))))


def _known(session: Session, model: type[ContextIssue | PartyRequirement | Supplier],
           ids: Iterable[int]) -> set[int]:
    wanted = sorted({i for i in ids if isinstance(i, int) and not isinstance(i, bool)})
    found: set[int] = set()
    for start in range(0, len(wanted), 500):
        found.update(session.scalars(select(model.id).where(
            model.id.in_(wanted[start:start + 500]))))
    return found


def check_risks(session: Session, records: Sequence[RiskRecord],
                today: date) -> dict[int, dict[str, str]]:
    """Every rule for risks about to be stored together (tidied first), by position: the
    form's rules and the database's (every source exists; a given reference is free)."""
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        normalise(record)
        if found := rules.validate_risk(record, today):
            errors[index] = found
    models: tuple[type[ContextIssue | PartyRequirement | Supplier], ...] = (
        ContextIssue, PartyRequirement, Supplier)
    for (field, kind, _column), model in zip(_SOURCE_FIELDS, models, strict=True):
        known = _known(session, model, (i for r in records for i in getattr(r, field)))
        for index, record in enumerate(records):
            if any(i not in known for i in getattr(record, field)):
                add_error(errors, index, field,
                          f"A {kind} chosen as a source no longer exists. Choose again.")
    check_new_refs(session, Risk, records, errors)
    return errors


def save_risks(session: Session, records: Sequence[RiskRecord], today: date,
               batch: int = BATCH) -> Generator[int, None, list[Risk]]:
    """The one way risks and opportunities are written: check every record, then store
    them all in the caller's session, or none (BatchValidationError, nothing written)."""
    errors = check_risks(session, records, today)
    if errors:
        raise BatchValidationError(errors)
    refs = iter(new_refs(session, Risk, sum(1 for r in records if r.id is None and not r.ref),
                         {r.ref for r in records if r.ref}))
    return (yield from store_all(
        session, Risk, "The risk or opportunity", records,
        lambda r: Risk(ref=r.ref or next(refs)), store_risk, batch))


def save_risk(db: Database, record: RiskRecord, today: date) -> RiskRecord:
    """Validate and save one risk or opportunity in one transaction; return it reloaded."""
    with db.session() as session, conflict_guard(record.ref or "The risk or opportunity"):
        risk_id = finish(save_risks(session, [record], today))[0].id
    return get_risk(db, risk_id)


def store_risk(session: Session, risk: Risk, record: RiskRecord) -> None:
    """Copy a checked record onto ``risk`` with its sources; only save_risks calls it."""
    for name in _FIELDS:
        setattr(risk, name, getattr(record, name))
    wanted = [(column, target) for field, _kind, column in _SOURCE_FIELDS
              for target in getattr(record, field)]

    def key(source: RiskSource) -> tuple[str, int]:
        return next((column, getattr(source, column)) for _f, _k, column in _SOURCE_FIELDS
                    if getattr(source, column) is not None)

    changed = sync_links(session, list(risk.sources), wanted, key,
                         lambda link: risk.sources.append(RiskSource(**{link[0]: link[1]})))
    if risk.id is not None and changed:
        touch(risk)


def set_risk_status(db: Database, risk_id: int, version: int, status: str,
                    today: date, reason: str = "") -> RiskRecord:
    """Archive (with the reason) or restore (never deleted: actions, objectives and the
    trail refer to it)."""
    return save_risk(db, with_status(get_risk(db, risk_id), version, status, reason), today)
