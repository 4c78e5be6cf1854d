"""Quality-objective records: the dataclasses the editor, the table and the import share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class MeasurementRecord:
    on_date: date | None = None
    value: float | None = None
    comment: str = ""
    recorded_by: str = ""
    period: str = ""  # set by the service from on_date and the objective's frequency
    id: int | None = None


@dataclass
class ObjectiveRecord:
    """One objective as the editor sees it, with its measurements."""

    title: str = ""
    description: str = ""
    process: str = ""
    policy_commitment: str = ""
    kpi_name: str = ""
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    target_max: float | None = None  # only for direction "band": target..target_max
    direction: str = "increase"
    frequency: str = "monthly"
    start_date: date | None = None
    due_date: date | None = None
    owner: str = ""
    resources: str = ""
    evaluation: str = ""
    segment_party_id: int | None = None
    status: str = "draft"
    measurements: list[MeasurementRecord] = field(default_factory=list)
    risk_ids: list[int] = field(default_factory=list)  # risks and opportunities addressed
    # Set by archiving only (archive.py); the editor and an import hand them back unchanged.
    archived_on: date | None = None
    archive_reason: str = ""
    id: int | None = None
    ref: str = ""
    version: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)  # one per line: a register may hold 100 000s
class ObjectiveRow:
    """One line of the objectives table."""

    id: int
    ref: str
    title: str
    kpi_name: str
    owner: str
    unit: str
    direction: str
    baseline: float
    target: float
    target_max: float | None
    due_date: date
    status: str
    segment: str
    latest_value: float | None
    latest_date: date | None
    health: str
    open_actions: int
    target_text: str  # "≥ 99.8 %": rules.target_text, filled in by list_objectives
    archived_on: date | None = None  # out of the working lists since (archive.py)
    archive_reason: str = ""
