"""What each register table holds when exported flat: its columns, its one select, its order.

Described once as data, so the auditor pack, the spreadsheet export and a later import
read the same headers in the same order. tables.py turns them into rows and CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, FromClause, Label, Select, case, literal, select
from sqlalchemy.orm import QueryableAttribute, aliased, join

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.base import Base
from qmsdesk.models.objectives import Action, Measurement, Objective, QualityPolicy
from qmsdesk.models.parties import Engagement, Party, PartyRequirement
from qmsdesk.models.reviews import ManagementReview
from qmsdesk.models.suppliers import (
    Certificate,
    ReviewScore,
    Supplier,
    SupplierReview,
    SupplierStatusChange,
)
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.service import SOURCE_NAMES

# How a value is written out. "text" is free text typed by a person: the only kind a
# spreadsheet could mistake for a formula, so the only kind that is neutralised.
# "code" is a reference or a stored choice, written exactly as stored.
Kind = Literal["text", "code", "int", "float", "date", "bool", "timestamp", "exact timestamp"]
Expression = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Column:
    """One column of a flat table: its header and the expression that selects its value."""

    header: str
    expr: Expression
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    """One database table as a flat table: file stem, title, ordered columns, one select.

    ``source`` is the model (or a join with the parents whose references are shown);
    ``order_by`` makes the order deterministic: reference; a child by its parent's reference,
    then date for the dated logs (engagements, measurements), then id.
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    source: type[Base] | FromClause
    order_by: tuple[Expression, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def query(self) -> Select[Any]:
        """The single select that yields every row of the table, values in column order."""
        return (select(*(column.expr for column in self.columns))
                .select_from(self.source).order_by(*self.order_by))


def _col(header: str, expr: Expression, kind: Kind = "text") -> Column:
    return Column(header, expr, kind)


def _stamps(model: Any) -> tuple[Column, ...]:
    return (_col("Created", model.created_at, "timestamp"),
            _col("Last changed", model.updated_at, "timestamp"))


PARTIES = Table("parties", "Interested parties", (
    _col("Reference", Party.ref, "code"),
    _col("Name", Party.name),
    _col("Category", Party.category, "code"),
    _col("Internal", Party.internal, "bool"),
    _col("Description", Party.description),
    _col("Contact person", Party.contact_person),
    _col("Email", Party.email),
    _col("Phone", Party.phone),
    _col("Influence", Party.influence, "int"),
    _col("Interest", Party.interest, "int"),
    _col("Owner", Party.owner),
    _col("Monitoring method", Party.monitoring_method),
    _col("Monitoring frequency", Party.monitoring_frequency, "code"),
    _col("Review interval (months)", Party.review_interval_months, "int"),
    _col("Last review", Party.last_review, "date"),
    _col("Next review", Party.next_review, "date"),
    _col("Focus", Party.focus, "code"),
    _col("Status", Party.status, "code"),
    _col("Notes", Party.notes),
    *_stamps(Party),
), Party, (Party.ref, Party.id))

REQUIREMENTS = Table("requirements", "Party requirements", (
    _col("Party reference", Party.ref, "code"),
    _col("Need or expectation", PartyRequirement.description),
    _col("Type", PartyRequirement.kind, "code"),
    _col("Compliance obligation", PartyRequirement.obligation, "code"),
    _col("Source", PartyRequirement.source),
    _col("Addressed by", PartyRequirement.addressed_by),
), join(PartyRequirement, Party, PartyRequirement.party_id == Party.id),
    (Party.ref, PartyRequirement.id))

ENGAGEMENTS = Table("engagements", "Party engagement log", (
    _col("Party reference", Party.ref, "code"),
    _col("Date", Engagement.on_date, "date"),
    _col("Kind", Engagement.kind, "code"),
    _col("Summary", Engagement.summary),
    _col("Satisfaction", Engagement.satisfaction, "int"),
    _col("Follow-up", Engagement.follow_up),
), join(Engagement, Party, Engagement.party_id == Party.id),
    (Party.ref, Engagement.on_date, Engagement.id))

POLICY = Table("policy", "Quality policy revisions", (
    _col("Revision", QualityPolicy.revision, "int"),
    _col("Statement", QualityPolicy.statement),
    _col("Commitments", QualityPolicy.commitments),  # one per line, as entered
    _col("Approved by", QualityPolicy.approved_by),
    _col("Approved on", QualityPolicy.approved_on, "date"),
    _col("Recorded", QualityPolicy.created_at, "timestamp"),  # revisions never change
), QualityPolicy, (QualityPolicy.revision, QualityPolicy.id))

_segment = aliased(Party, name="segment_party")
OBJECTIVES = Table("objectives", "Quality objectives", (
    _col("Reference", Objective.ref, "code"),
    _col("Title", Objective.title),
    _col("Description", Objective.description),
    _col("Process", Objective.process),
    _col("Policy commitment", Objective.policy_commitment),
    _col("KPI name", Objective.kpi_name),
    _col("Unit", Objective.unit),
    _col("Baseline", Objective.baseline, "float"),
    _col("Target", Objective.target, "float"),
    _col("Target maximum", Objective.target_max, "float"),
    _col("Direction", Objective.direction, "code"),
    _col("Frequency", Objective.frequency, "code"),
    _col("Start date", Objective.start_date, "date"),
    _col("Due date", Objective.due_date, "date"),
    _col("Owner", Objective.owner),
    _col("Resources", Objective.resources),
    _col("Evaluation", Objective.evaluation),
    _col("Segment (party reference)", _segment.ref, "code"),
    _col("Status", Objective.status, "code"),
    *_stamps(Objective),
), join(Objective, _segment, Objective.segment_party_id == _segment.id, isouter=True),
    (Objective.ref, Objective.id))

MEASUREMENTS = Table("measurements", "Objective measurements", (
    _col("Objective reference", Objective.ref, "code"),
    _col("Date", Measurement.on_date, "date"),
    _col("Period", Measurement.period, "code"),
    _col("Value", Measurement.value, "float"),
    _col("Comment", Measurement.comment),
    _col("Recorded by", Measurement.recorded_by),
), join(Measurement, Objective, Measurement.objective_id == Objective.id),
    (Objective.ref, Measurement.on_date, Measurement.id))


def _action_source() -> tuple[FromClause, Label[str], Label[str]]:
    """The action joined to every record it can be raised from, its source kind and the
    linked record's reference; the first link that is set wins, as in source_of()."""
    source: FromClause = Action.__table__
    kinds: list[tuple[ColumnElement[bool], ColumnElement[str]]] = []
    refs: list[tuple[ColumnElement[bool], ColumnElement[str]]] = []
    for kind, link in action_rules.SOURCE_LINKS.items():
        target: Any = aliased(SOURCE_NAMES[kind].class_, name=f"source_{kind.replace(' ', '_')}")
        link_column = getattr(Action, link)
        source = join(source, target, link_column == target.id, isouter=True)
        kinds.append((link_column.is_not(None), literal(kind)))
        refs.append((link_column.is_not(None), target.ref))
    return (source, case(*kinds, else_=literal(action_rules.NO_SOURCE)).label("source"),
            case(*refs, else_=literal("")).label("source_ref"))


_action_from, _source_kind, _source_ref = _action_source()
ACTIONS = Table("actions", "Action log", (
    _col("Reference", Action.ref, "code"),
    _col("Title", Action.title),
    _col("Description", Action.description),
    _col("Type", Action.kind, "code"),
    _col("Source", _source_kind, "code"),
    _col("Source reference", _source_ref, "code"),
    _col("Owner", Action.owner),
    _col("Start date", Action.start_date, "date"),
    _col("Due date", Action.due_date, "date"),
    _col("Status", Action.status, "code"),
    _col("Completed on", Action.completed_on, "date"),
    _col("Progress (%)", Action.progress, "int"),
    _col("Effectiveness", Action.effectiveness, "code"),
    _col("Effectiveness checked by", Action.effectiveness_by),
    _col("Effectiveness checked on", Action.effectiveness_on, "date"),
    _col("Evidence", Action.evidence),
    *_stamps(Action),
), _action_from, (Action.ref, Action.id))

_supplier_party = aliased(Party, name="supplier_party")
SUPPLIERS = Table("suppliers", "Suppliers (external providers)", (
    _col("Reference", Supplier.ref, "code"),
    _col("Name", Supplier.name),
    _col("Scope", Supplier.scope),
    _col("Category", Supplier.category),  # free text, unlike a party's category
    _col("Criticality", Supplier.criticality, "code"),
    _col("Contact person", Supplier.contact_person),
    _col("Email", Supplier.email),
    _col("Phone", Supplier.phone),
    _col("Party reference", _supplier_party.ref, "code"),
    _col("Status", Supplier.status, "code"),
    _col("Review interval (months)", Supplier.review_interval_months, "int"),
    _col("Next review", Supplier.next_review, "date"),
    _col("Notes", Supplier.notes),
    *_stamps(Supplier),
), join(Supplier, _supplier_party, Supplier.party_id == _supplier_party.id, isouter=True),
    (Supplier.ref, Supplier.id))

CERTIFICATES = Table("certificates", "Supplier certificates", (
    _col("Supplier reference", Supplier.ref, "code"),
    _col("Standard", Certificate.standard),
    _col("Certificate no.", Certificate.number),
    _col("Issued by", Certificate.issuer),
    _col("Valid until", Certificate.valid_until, "date"),
), join(Certificate, Supplier, Certificate.supplier_id == Supplier.id),
    (Supplier.ref, Certificate.id))

_deciding_review = aliased(SupplierReview, name="deciding_review")
STATUS_HISTORY = Table("supplier_status_history", "Supplier approval-status history", (
    _col("Supplier reference", Supplier.ref, "code"),
    _col("Changed on", SupplierStatusChange.changed_on, "date"),
    _col("From status", SupplierStatusChange.from_status, "code"),
    _col("To status", SupplierStatusChange.to_status, "code"),
    _col("Reason", SupplierStatusChange.reason),
    _col("Changed by", SupplierStatusChange.changed_by),
    _col("Review reference", _deciding_review.ref, "code"),
), join(SupplierStatusChange, Supplier, SupplierStatusChange.supplier_id == Supplier.id)
    .join(_deciding_review, SupplierStatusChange.review_id == _deciding_review.id,
          isouter=True),
    (Supplier.ref, SupplierStatusChange.id))

REVIEWS = Table("reviews", "Supplier reviews", (
    _col("Supplier reference", Supplier.ref, "code"),
    _col("Reference", SupplierReview.ref, "code"),
    _col("Period from", SupplierReview.period_from, "date"),
    _col("Period to", SupplierReview.period_to, "date"),
    _col("Review date", SupplierReview.review_date, "date"),
    _col("Reviewer", SupplierReview.reviewer),
    _col("Kind", SupplierReview.kind, "code"),
    _col("Deliveries total", SupplierReview.deliveries_total, "int"),
    _col("Deliveries on time", SupplierReview.deliveries_on_time, "int"),
    _col("Lots received", SupplierReview.lots_received, "int"),
    _col("Lots rejected", SupplierReview.lots_rejected, "int"),
    _col("Units received", SupplierReview.units_received, "int"),
    _col("Units rejected", SupplierReview.units_rejected, "int"),
    _col("Total score", SupplierReview.total_score, "float"),
    _col("Band", SupplierReview.band, "code"),
    _col("Decision", SupplierReview.decision, "code"),
    _col("Strengths", SupplierReview.strengths),
    _col("Weaknesses", SupplierReview.weaknesses),
    _col("Comments", SupplierReview.comments),
    _col("Approved by", SupplierReview.approved_by),
    _col("Approved on", SupplierReview.approved_on, "date"),
    *_stamps(SupplierReview),
), join(SupplierReview, Supplier, SupplierReview.supplier_id == Supplier.id),
    (Supplier.ref, SupplierReview.ref, SupplierReview.id))

REVIEW_SCORES = Table("review_scores", "Supplier review scores", (
    _col("Review reference", SupplierReview.ref, "code"),
    _col("Supplier reference", Supplier.ref, "code"),
    _col("Criterion", ReviewScore.criterion),
    _col("Weight %", ReviewScore.weight, "float"),
    _col("Score", ReviewScore.score, "float"),
), join(ReviewScore, SupplierReview, ReviewScore.review_id == SupplierReview.id)
    .join(Supplier, SupplierReview.supplier_id == Supplier.id),
    (SupplierReview.ref, ReviewScore.id))

MANAGEMENT_REVIEWS = Table("management_reviews", "Management reviews", (
    _col("Reference", ManagementReview.ref, "code"),
    _col("Held on", ManagementReview.held_on, "date"),
    _col("Period from", ManagementReview.period_from, "date"),
    _col("Period to", ManagementReview.period_to, "date"),
    _col("Chair", ManagementReview.chair),
    _col("Attendees", ManagementReview.attendees),
    _col("Conclusions", ManagementReview.conclusions),
    *_stamps(ManagementReview),
), ManagementReview, (ManagementReview.ref, ManagementReview.id))

TABLES: tuple[Table, ...] = (
    PARTIES, REQUIREMENTS, ENGAGEMENTS, POLICY, OBJECTIVES, MEASUREMENTS, ACTIONS,
    SUPPLIERS, CERTIFICATES, STATUS_HISTORY, REVIEWS, REVIEW_SCORES, MANAGEMENT_REVIEWS,
)

# Not a register, so not in TABLES; audit_rows() narrows it to a date range.
AUDIT_TRAIL = Table("audit_trail", "Audit trail", (
    _col("Entry", AuditEntry.id, "int"),
    _col("At", AuditEntry.at, "exact timestamp"),
    _col("User", AuditEntry.user),
    _col("Action", AuditEntry.action, "code"),
    _col("Record type", AuditEntry.entity, "code"),
    _col("Record id", AuditEntry.record_id, "code"),
    _col("Reference", AuditEntry.ref),  # a setting's key or a criterion's name, too
    _col("Field", AuditEntry.field, "code"),
    _col("Old value", AuditEntry.old_value),
    _col("New value", AuditEntry.new_value),
    _col("Previous hash", AuditEntry.prev_hash, "code"),
    _col("Hash", AuditEntry.hash, "code"),
), AuditEntry, (AuditEntry.id,))
