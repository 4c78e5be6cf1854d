"""The inputs of a management review (ISO 9001 9.3.2) for a period, as plain dataclasses.

``review_inputs(db, period_from, period_to, today)`` gathers what the review pack prints:
the status of actions from previous reviews, changes in interested parties, satisfaction
and feedback, the extent objectives were met, the performance of external providers, the
effectiveness of actions taken, the effectiveness of actions taken to address risks and
opportunities, opportunities for improvement and the audit trail's state.

``today`` only validates the period. Every "as of" judgement (overdue, health, certificate
expiry, supplier status) is made on ``period_to``, so the same data and the same period give
the same result on whatever day it runs. Statuses of records are the stored ones (an action
closed after the period shows as done), and lists are sorted by date, then reference.
Each section is read by a module of this package (actions, parties, feedback, objectives,
providers, risks, opportunities); this one gathers them and names what the pack prints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from qmsdesk.models.audit import Anchor, ChainReport, verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.service import list_actions
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.integrity import last_anchor
from qmsdesk.services.review_inputs.actions import (
    ActionEffectiveness,
    AwaitingCheck,
    EffectivenessCheck,
    PreviousReview,
    PreviousReviews,
    ReviewAction,
    action_effectiveness,
    logged_actions,
    previous_reviews,
)
from qmsdesk.services.review_inputs.context import ContextChanges, context_changes
from qmsdesk.services.review_inputs.feedback import (
    EngagementItem,
    MonthlySatisfaction,
    PartySatisfaction,
    Satisfaction,
    SatisfactionTrend,
    satisfaction,
)
from qmsdesk.services.review_inputs.objectives import (
    ObjectiveResult,
    ObjectivesMet,
    objectives_met,
)
from qmsdesk.services.review_inputs.opportunities import Opportunity, opportunities
from qmsdesk.services.review_inputs.parties import (
    PartyChanges,
    PartyEvent,
    PartyFieldChange,
    PartyPoint,
    RequirementChange,
    party_changes,
)
from qmsdesk.services.review_inputs.period import validate_period
from qmsdesk.services.review_inputs.providers import (
    CertificateAlert,
    ProviderPerformance,
    ProviderReview,
    ProviderStanding,
    ProviderStatusChange,
    provider_performance,
)
from qmsdesk.services.review_inputs.risks import (
    EvaluationAwaited,
    RiskEffectiveness,
    RiskEvaluation,
    UnaddressedRisk,
    risk_effectiveness,
)
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.reviews import load_bands

log = logging.getLogger(__name__)
# Starts the audit trail's check of the database at a URL from an anchor elsewhere; None
# where it cannot (the check is then made in this process).
CheckTrail = Callable[[URL, Anchor | None], "Future[ChainReport] | None"]

__all__ = [
    "ActionEffectiveness", "AwaitingCheck", "CertificateAlert", "ContextChanges", "DueReview",
    "EffectivenessCheck", "EngagementItem", "EvaluationAwaited", "MonthlySatisfaction",
    "ObjectiveResult",
    "ObjectivesMet", "Opportunity", "PartyChanges", "PartyEvent", "PartyFieldChange",
    "PartyPoint", "PartySatisfaction", "PreviousReview", "PreviousReviews",
    "ProviderPerformance", "ProviderReview", "ProviderStanding", "ProviderStatusChange",
    "RequirementChange", "ReviewAction", "ReviewInputs", "RiskEffectiveness", "RiskEvaluation",
    "Satisfaction", "SatisfactionTrend", "UnaddressedRisk",
    "context_changes", "review_inputs", "validate_period",
]


@dataclass(frozen=True)
class DueReview:
    """A party or supplier whose periodic review was overdue at the period's end."""

    ref: str
    name: str
    due: date


@dataclass(frozen=True)
class ReviewInputs:
    period_from: date
    period_to: date
    previous_reviews: PreviousReviews
    parties: PartyChanges
    satisfaction: Satisfaction
    objectives: ObjectivesMet
    providers: ProviderPerformance
    effectiveness: ActionEffectiveness
    risks: RiskEffectiveness  # 9.3.2 e: actions taken to address risks and opportunities
    opportunities: tuple[Opportunity, ...]
    trail: TrailCheck  # the audit trail's check, read when the cover is written
    # Due before the period's end by the current schedule: a review done since has already
    # moved its date on, so it is not listed.
    party_reviews_overdue: tuple[DueReview, ...] = ()
    supplier_reviews_overdue: tuple[DueReview, ...] = ()
    # 9.3.2 b: changes in the external and internal issues (the context register)
    context: ContextChanges = field(default_factory=lambda: ContextChanges((), {}))

    @property
    def audit_status(self) -> str:
        """The trail's state in a sentence (it waits for the check when it runs aside)."""
        return self.trail.status()


def _overdue_reviews(session: Session, model: type[Party] | type[Supplier],
                     active: Iterable[str], period_to: date) -> tuple[DueReview, ...]:
    rows = session.execute(
        select(model.ref, model.name, model.next_review)
        .where(model.next_review < period_to, model.status.in_(tuple(active)))
        .order_by(model.next_review, model.ref)).all()
    # The WHERE clause leaves out records without a next review date.
    return tuple(DueReview(ref, name, due) for ref, name, due in rows if due is not None)


class TrailCheck:
    """The audit trail's check for the pack's cover: started where it can run beside the
    rest (``check_trail``: a report's worker) and read as late as possible, when the cover
    is written after the sections; made in this process when it runs nowhere else or its
    worker failed."""

    def __init__(self, db: Database, check_trail: CheckTrail | None) -> None:
        self._db = db
        self.verified = last_anchor(db)
        self._checking = (None if check_trail is None
                          else check_trail(db.engine.url, self.verified))
        self._status = ""

    def __eq__(self, other: object) -> bool:  # the same inputs say the same of the trail
        return isinstance(other, TrailCheck) and self.status() == other.status()

    __hash__ = None  # type: ignore[assignment]  # equal by what it finds, which is awaited

    def status(self) -> str:
        if not self._status:
            self._status = _audit_status(self._chain(), self.verified)
        return self._status

    def _chain(self) -> ChainReport:
        if self._checking is not None:
            try:
                return self._checking.result()
            except (BrokenProcessPool, OSError, SQLAlchemyError):
                log.warning("The trail check in a worker failed; checking it here",
                            exc_info=True)
        with self._db.read() as session:
            return verify_chain(session, since=self.verified)


def _audit_status(chain: ChainReport, verified: Anchor | None) -> str:
    """The trail's state for the pack's cover: from the anchor the last full verify on this
    computer saw (``verified``), only the entries written since are recomputed, so the pack
    does not re-hash millions of entries; without one, the whole chain is."""
    if not chain.intact:
        return f"Audit trail broken: {chain.problem}."
    if verified is None or not verified.entries:
        return f"Audit trail verified: {chain.entries} entries, chain intact."
    return (f"Audit trail: {chain.entries} entries, chain intact; the "
            f"{chain.entries - verified.entries} written since the last full verify on this "
            f"computer ({verified.entries} entries) were checked now, 'qmsdesk verify' "
            "checks them all.")


def review_inputs(db: Database, period_from: date, period_to: date, today: date,
                  check_trail: CheckTrail | None = None) -> ReviewInputs:
    """Gather every input of a management review of period_from..period_to (both included).

    ``check_trail(url, anchor)`` may start the audit trail's check elsewhere (a report's
    worker process) while the rest is gathered and laid out; it returns None where it
    cannot. The check is read with ``audit_status``.

    Raises ValidationError (period_from / period_to -> message) for a period that is
    incomplete, ends before it starts or ends after ``today``.
    """
    errors = validate_period(period_from, period_to, today)
    if errors:
        raise ValidationError(errors)
    trail = TrailCheck(db, check_trail)
    rows = list_actions(db, period_to)  # the whole log, overdue as of the period's end
    bands = load_bands(db)
    with db.read() as session:
        actions = logged_actions(session, rows)
        open_actions: dict[int, int] = {}
        for a in actions:
            if a.objective_id is not None and a.row.status in action_rules.OPEN_STATUSES:
                open_actions[a.objective_id] = open_actions.get(a.objective_id, 0) + 1
        previous = previous_reviews(session, period_to, actions)
        parties = party_changes(session, period_from, period_to)
        context = context_changes(session, period_from, period_to)
        feedback = satisfaction(session, period_from, period_to)
        objectives = objectives_met(session, period_from, period_to, open_actions)
        providers = provider_performance(session, period_from, period_to, bands)
        risks = risk_effectiveness(session, period_from, period_to, actions)
        party_due = _overdue_reviews(session, Party, ("active",), period_to)
        supplier_due = _overdue_reviews(
            session, Supplier, (s for s in supplier_rules.STATUSES if s != "disqualified"),
            period_to)
    checks = action_effectiveness(period_from, period_to, actions)
    return ReviewInputs(
        period_from, period_to, previous, parties, feedback, objectives, providers, checks,
        risks,
        opportunities(period_to, actions, objectives, checks, providers, feedback, risks),
        trail, party_due, supplier_due, context)
