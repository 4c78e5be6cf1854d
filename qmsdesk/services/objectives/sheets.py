"""The objectives register as flat tables (export, auditor pack) and in a spreadsheet:
policy revisions, objectives and their measurements."""

from __future__ import annotations

from sqlalchemy.orm import aliased, join

from qmsdesk.models.objectives import Measurement, Objective, ObjectiveRisk, QualityPolicy
from qmsdesk.models.parties import Party
from qmsdesk.models.risks import Risk
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

POLICY = Table("policy", "Quality policy revisions", (
    col("Revision", QualityPolicy.revision, "int"),
    col("Statement", QualityPolicy.statement),
    col("Commitments", QualityPolicy.commitments),  # one per line, as entered
    col("Approved by", QualityPolicy.approved_by),
    col("Approved on", QualityPolicy.approved_on, "date"),
    col("Recorded", QualityPolicy.created_at, "timestamp"),  # revisions never change
), QualityPolicy, (QualityPolicy.revision, QualityPolicy.id))

_segment = aliased(Party, name="segment_party")
OBJECTIVES = Table("objectives", "Quality objectives", (
    col("Reference", Objective.ref, "code"),
    col("Title", Objective.title),
    col("Description", Objective.description),
    col("Process", Objective.process),
    col("Policy commitment", Objective.policy_commitment),
    col("KPI name", Objective.kpi_name),
    col("Unit", Objective.unit),
    col("Baseline", Objective.baseline, "float"),
    col("Target", Objective.target, "float"),
    col("Target maximum", Objective.target_max, "float"),
    col("Direction", Objective.direction, "code"),
    col("Frequency", Objective.frequency, "code"),
    col("Start date", Objective.start_date, "date"),
    col("Due date", Objective.due_date, "date"),
    col("Owner", Objective.owner),
    col("Resources", Objective.resources),
    col("Evaluation", Objective.evaluation),
    col("Segment (party reference)", _segment.ref, "code"),
    col("Status", Objective.status, "code"),
    col("Archived on", Objective.archived_on, "date"),
    col("Archive reason", Objective.archive_reason),
    *stamps(Objective),
), join(Objective, _segment, Objective.segment_party_id == _segment.id, isouter=True),
    (Objective.ref, Objective.id))

MEASUREMENTS = Table("measurements", "Objective measurements", (
    col("Objective reference", Objective.ref, "code"),
    col("Date", Measurement.on_date, "date"),
    col("Period", Measurement.period, "code"),
    col("Value", Measurement.value, "float"),
    col("Comment", Measurement.comment),
    col("Recorded by", Measurement.recorded_by),
), join(Measurement, Objective, Measurement.objective_id == Objective.id),
    (Objective.ref, Measurement.on_date, Measurement.id))

OBJECTIVE_RISKS = Table("objective_risks", "Risks and opportunities objectives address", (
    col("Objective reference", Objective.ref, "code"),
    col("Risk reference", Risk.ref, "code"),
), join(ObjectiveRisk, Objective, ObjectiveRisk.objective_id == Objective.id)
    .join(Risk, ObjectiveRisk.risk_id == Risk.id),
    (Objective.ref, ObjectiveRisk.id))

TABLES = (POLICY, OBJECTIVES, MEASUREMENTS, OBJECTIVE_RISKS)

# The policy is edited in the app only: its revisions are records, not a sheet to import.
SPEC = RegisterSpec("objectives", "Quality objectives", (
    SheetSpec(OBJECTIVES), SheetSpec(MEASUREMENTS, "Objective reference")))
