"""A register full of what the app accepts at its limits: text as long as the rules allow,
unbroken tokens, long e-mail addresses, the first and last dates kept, awkward numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.services.actions import service as actions
from qmsdesk.services.context import service as context
from qmsdesk.services.dates import EARLIEST, LATEST
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.policy import revise_policy
from qmsdesk.services.objectives.records import MeasurementRecord
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import EngagementRecord, RequirementRecord
from qmsdesk.services.risks import service as risks
from qmsdesk.services.risks.records import RiskRecord
from qmsdesk.services.suppliers import reviews
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.validation import DESCRIPTION_LIMIT, NAME_LIMIT, NOTE_LIMIT
from tests.factories import make_party, make_supplier

EMAIL = "procurement.quality-assurance@northern-aerospace-components-international.co.uk"
TOKEN = "PART-" + "X7" * 40  # 85 characters and no space: wider than any column
COMMITMENT = "Meet customer and legal requirements"


def prose(length: int, tag: str) -> str:
    """``length`` characters of numbered words ("tag0001 ..."), an unbroken token and an
    address among them, so a test can tell every part of the text was printed."""
    words: list[str] = [TOKEN, EMAIL]
    count = 0
    while sum(len(w) + 1 for w in words) < length:
        count += 1
        words.append(f"{tag}{count:04d}")
    return " ".join(words)[:length].rstrip()


@dataclass
class Hostile:
    party_description: str
    objective_description: str
    supplier_scope: str
    strengths: str
    party_ref: str
    objective_refs: tuple[str, ...]
    supplier_ref: str
    risk_description: str = ""
    risk_title: str = ""


def build(db: Database, today: date) -> Hostile:
    """Store one record of each register at the limits, through the services' own rules."""
    revise_policy(db, prose(2_000, "pol"), [COMMITMENT], "Top Manager", EARLIEST, today)
    party = make_party(today, name="N" * (NAME_LIMIT - 9) + " Holdings",
                       description=prose(DESCRIPTION_LIMIT, "pd"), email=EMAIL,
                       notes=prose(DESCRIPTION_LIMIT, "pn"), contact_person="C" * NAME_LIMIT,
                       owner="Quality Manager", last_review=EARLIEST, next_review=LATEST)
    party.requirements = [RequirementRecord(description=prose(NOTE_LIMIT, "rq"),
                                            obligation="legal",  # traced in the matrix
                                            source=TOKEN, addressed_by=prose(NOTE_LIMIT, "ab"))]
    party.engagements = [EngagementRecord(on_date=EARLIEST, kind="meeting", satisfaction=4,
                                          summary=prose(NOTE_LIMIT, "es"), follow_up=EMAIL)]
    party = parties.save_party(db, party, today)
    refs = []
    for title, unit, direction, baseline, target, value in (
            ("Supplier spend saved " + "T" * (NAME_LIMIT - 40), "£", "increase", 100_000.0,
             120000.75, 999999.5),
            ("Residual contamination", "g", "decrease", 0.5, 0.00001, 0.25)):
        record = objectives.new_objective(today)
        record.title, record.kpi_name, record.unit = title, "K" * NAME_LIMIT, unit
        record.description = prose(DESCRIPTION_LIMIT, "od")
        record.resources, record.evaluation = prose(NOTE_LIMIT, "or"), prose(NOTE_LIMIT, "oe")
        record.direction, record.baseline, record.target = direction, baseline, target
        record.frequency, record.start_date, record.due_date = "yearly", EARLIEST, LATEST
        record.owner, record.status, record.policy_commitment = "Owner", "active", COMMITMENT
        record.measurements = [
            MeasurementRecord(on_date=date(2025, 6, 30), value=value,
                              comment=prose(NOTE_LIMIT, "mc"), recorded_by="R" * NAME_LIMIT)]
        saved = objectives.save_objective(db, record, today)
        refs.append(saved.ref)
        action = actions.new_action(today, objective_id=saved.id)
        action.title, action.owner, action.due_date = "A" * NAME_LIMIT, EMAIL, LATEST
        action.description = prose(DESCRIPTION_LIMIT, "ad")
        actions.save_action(db, action, today)
    supplier = make_supplier(today, name="S" * NAME_LIMIT, scope=prose(NOTE_LIMIT, "sc"),
                             email=EMAIL, notes=prose(DESCRIPTION_LIMIT, "sn"),
                             contact_person=TOKEN)
    supplier = suppliers.save_supplier(db, supplier, today)
    assert supplier.id is not None
    review = reviews.new_review(db, supplier.id, today)
    for score in review.scores:
        score.score = 93.75
    review.strengths = prose(DESCRIPTION_LIMIT, "st")
    review.weaknesses = prose(DESCRIPTION_LIMIT, "wk")
    review.comments = prose(DESCRIPTION_LIMIT, "cm")
    review.deliveries_total, review.deliveries_on_time = 88181, 88180
    review.lots_received, review.lots_rejected = 1000, 1
    review.units_received, review.units_rejected = 999_999_999, 1
    review.decision, review.approved_by, review.approved_on = "approved", "Approver", today
    reviews.save_review(db, review, today)
    risk = _risk(db, today, party.requirements[0].id, supplier.id)
    return Hostile(party.description, prose(DESCRIPTION_LIMIT, "od"), supplier.scope,
                   review.strengths, party.ref, tuple(refs), supplier.ref,
                   risk.description, risk.title)


RISK_TITLE = "توقف المورد الوحيد · 단일 공급업체 중단 · आपूर्ति रुकना 🚚"  # Arabic, Korean, Hindi


def _risk(db: Database, today: date, requirement_id: int | None,
          supplier_id: int | None) -> RiskRecord:
    """A context issue and a risk at their limits, in three scripts, with an action."""
    issue = context.new_issue(today)
    issue.title, issue.description = "I" * NAME_LIMIT, prose(DESCRIPTION_LIMIT, "ci")
    issue.effect, issue.owner = prose(DESCRIPTION_LIMIT, "ce"), EMAIL
    issue = context.save_issue(db, issue, today)
    record = risks.new_risk(today)
    record.title, record.description = RISK_TITLE, prose(DESCRIPTION_LIMIT, "rd")
    record.cause, record.consequence = prose(NOTE_LIMIT, "rc"), prose(NOTE_LIMIT, "rk")
    record.processes, record.owner = TOKEN, "O" * NAME_LIMIT
    record.likelihood, record.impact, record.treatment = 5, 5, "reduce"
    record.treatment_rationale = prose(NOTE_LIMIT, "tr")
    record.context_issue_ids = [issue.id] if issue.id else []
    record.requirement_ids = [requirement_id] if requirement_id else []
    record.supplier_ids = [supplier_id] if supplier_id else []
    record.last_review, record.next_review = EARLIEST, LATEST
    saved = risks.save_risk(db, record, today)
    action = actions.new_action(today, risk_id=saved.id)
    action.title, action.description = RISK_TITLE, prose(DESCRIPTION_LIMIT, "ra")
    action.owner, action.due_date = EMAIL, LATEST
    actions.save_action(db, action, today)
    return saved
