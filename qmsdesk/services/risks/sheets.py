"""The risks register as flat tables (export, auditor pack) and in a spreadsheet: risks
and opportunities, and their sources."""

from __future__ import annotations

from sqlalchemy.orm import aliased, join

from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.models.risks import ContextIssue, Risk, RiskSource
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

RISKS = Table("risks", "Risks and opportunities", (
    col("Reference", Risk.ref, "code"),
    col("Kind", Risk.kind, "code"),
    col("Title", Risk.title),
    col("Description", Risk.description),
    col("Processes", Risk.processes),
    col("Cause", Risk.cause),
    col("Consequence", Risk.consequence),
    col("Likelihood", Risk.likelihood, "int"),
    col("Impact", Risk.impact, "int"),
    col("Treatment", Risk.treatment, "code"),
    col("Rationale", Risk.treatment_rationale),
    col("Owner", Risk.owner),
    col("Review interval (months)", Risk.review_interval_months, "int"),
    col("Last review", Risk.last_review, "date"),
    col("Next review", Risk.next_review, "date"),
    col("Likelihood after treatment", Risk.residual_likelihood, "int"),
    col("Impact after treatment", Risk.residual_impact, "int"),
    col("Evaluation due", Risk.evaluation_due, "date"),
    col("Evaluated on", Risk.evaluated_on, "date"),
    col("Evaluated by", Risk.evaluated_by),
    col("Effectiveness", Risk.effectiveness, "code"),
    col("Evaluation notes", Risk.evaluation_notes),
    col("Status", Risk.status, "code"),
    *stamps(Risk),
), Risk, (Risk.ref, Risk.id))

_requirement_party = aliased(Party, name="requirement_party")
RISK_SOURCES = Table("risk_sources", "Sources of risks and opportunities", (
    col("Risk reference", Risk.ref, "code"),
    col("Context issue reference", ContextIssue.ref, "code"),
    col("Party reference", _requirement_party.ref, "code"),
    col("Requirement", PartyRequirement.description),
    col("Supplier reference", Supplier.ref, "code"),
), join(RiskSource, Risk, RiskSource.risk_id == Risk.id)
    .outerjoin(ContextIssue, RiskSource.context_issue_id == ContextIssue.id)
    .outerjoin(PartyRequirement, RiskSource.requirement_id == PartyRequirement.id)
    .outerjoin(_requirement_party, PartyRequirement.party_id == _requirement_party.id)
    .outerjoin(Supplier, RiskSource.supplier_id == Supplier.id),
    (Risk.ref, RiskSource.id))

TABLES = (RISKS, RISK_SOURCES)

SPEC = RegisterSpec("risks", "Risks and opportunities", (
    SheetSpec(RISKS), SheetSpec(RISK_SOURCES, "Risk reference")))
