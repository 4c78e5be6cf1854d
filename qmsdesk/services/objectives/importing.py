"""Import adapter for quality objectives with their measurements.

What parties.importing does for parties, for objectives: rows become the service's own
records, the form's rules check them, one session saves them. What objectives add: the
segment's interested party named by reference and resolved against the database (so the
parties are imported first); numbering per start year; a measurement's period derived
from its date, not read; messages that name the measurement's row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Objective
from qmsdesk.models.parties import Party
from qmsdesk.services.exchange.adapters import (
    Adapter,
    Planned,
    Problem,
    Row,
    _numbered_refs,
    party_reference,
    reference,
    write_records,
)
from qmsdesk.services.exchange.registers import RegisterSpec
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives import service as objective_service
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord

SEGMENT = "Segment (party reference)"
OBJECTIVE_REF = "Objective reference"
_MEASUREMENT_NUMBER = re.compile(r"\(measurement (\d+)\)")


class ObjectivesAdapter(Adapter):
    key = "objectives"
    example_ref = "OBJ-2026-01"
    ref_pattern = re.compile(r"^OBJ-\d{4}-\d{2,}$")
    children = {"measurements": "measurements"}
    choices = {"direction": objective_rules.DIRECTIONS,
               "frequency": objective_rules.FREQUENCIES, "status": objective_rules.STATUSES}
    _ALIASES = {
        "objectives": {"Ref": "Reference", "ID": "Reference", "Objective": "Title",
                       "KPI": "KPI name", "Indicator": "KPI name", "Measure": "KPI name",
                       "Target value": "Target", "Baseline value": "Baseline",
                       "Deadline": "Due date", "Target date": "Due date",
                       "Responsible": "Owner", "Segment": SEGMENT},
        "measurements": {"Objective": OBJECTIVE_REF, "Reference": OBJECTIVE_REF,
                         "Result": "Value", "Actual": "Value"},
    }

    def __init__(self) -> None:
        self.party_ids: dict[str, int] = {}

    def aliases(self, sheet: str) -> dict[str, str]:
        return self._ALIASES.get(sheet, {})

    def new_record(self, today: date) -> Any:
        return objective_service.new_objective(today)

    def child_record(self, sheet: str) -> Any:
        return MeasurementRecord()

    def load_existing(self, db: Database) -> dict[str, Any]:
        with db.read() as session:
            self.party_ids = {ref: id_ for ref, id_ in session.execute(
                select(Party.ref, Party.id))}
            objectives = session.scalars(select(Objective).options(
                selectinload(Objective.measurements)))
            return {o.ref: objective_service.to_record(o) for o in objectives}

    def plan(self, db: Database, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
             today: date, problems: list[Problem]) -> list[Planned]:
        plan = super().plan(db, spec, parsed, today, problems)
        # Checked in the file's order (a period's second value is the lower row); kept in
        # date order, as they load, so an unchanged objective compares equal to the stored.
        for item in plan:
            item.record.measurements.sort(key=_by_date)
        return plan

    def _assign(self, record: Any, row: Row, names: Mapping[str, str],
                problems: list[Problem]) -> None:
        super()._assign(record, row, names, problems)
        if not isinstance(record, ObjectiveRecord) or SEGMENT not in row.values:
            return
        record.segment_party_id = party_reference(row, SEGMENT, self.party_ids, problems)

    def _attach_children(self, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
                         by_ref: Mapping[str, Planned], problems: list[Problem]) -> None:
        # The period follows from the date and the objective's frequency, as save_objective
        # sets it; set before the rows are matched with the stored measurements, so that a
        # file without (or with a stale) Period column still re-imports as unchanged.
        rows = parsed.get("measurements")
        if rows is not None:
            parsed = {**parsed, "measurements": [_with_period(row, by_ref) for row in rows]}
        super()._attach_children(spec, parsed, by_ref, problems)
        for item in by_ref.values():
            _same_period_same_row(item)

    def reword(self, item: Planned, message: str) -> str:
        """The rules count measurements ("measurement 2"); the file has rows."""
        rows = item.children.get("measurements", [])
        return _MEASUREMENT_NUMBER.sub(lambda m: f"(row {rows[int(m[1]) - 1].number})"
                                       if 0 < int(m[1]) <= len(rows) else m[0], message)

    def validate(self, record: Any, today: date) -> dict[str, str]:
        objective_service.normalise(record, "")  # "": Recorded by stays as the file has it
        return objective_rules.validate_objective(record, today)

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        raise NotImplementedError("objectives are numbered per start year: assign_refs")

    def assign_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                    new: Sequence[Planned]) -> None:
        """OBJ-<start year>-NN, the next free number of that year in the database and the
        file. A record without a start date gets none: the rules refuse it anyway."""
        by_year: dict[int, list[Planned]] = defaultdict(list)
        for item in new:
            if isinstance(item.record.start_date, date):
                by_year[item.record.start_date.year].append(item)
        taken = [*existing, *in_file]
        for year, items in by_year.items():
            refs = _numbered_refs(f"OBJ-{year}-", taken, len(items), width=2)
            for item, ref in zip(items, refs, strict=True):
                item.ref = ref

    def write(self, db: Database, planned: Sequence[Planned]) -> Iterator[int]:
        return write_records(db, planned, Objective, objective_service.store_objective,
                             selectinload(Objective.measurements))


def _with_period(row: Row, by_ref: Mapping[str, Planned]) -> Row:
    parent = by_ref.get(reference(row, OBJECTIVE_REF))
    on = row.values.get("Date")
    if parent is None or not isinstance(on, date) \
            or parent.record.frequency not in objective_rules.FREQUENCIES:
        return row
    return replace(row, values={**row.values,
                                "Period": objective_rules.period_of(on, parent.record.frequency)})


def _same_period_same_row(item: Planned) -> None:
    """A measurement row whose value (or comment) changed keeps the stored row of its
    period, so the audit trail shows the value changing, not a row deleted and another
    created (a period has one value: the database's unique key)."""
    if item.original is None:
        return
    taken = {m.id for m in item.record.measurements if m.id is not None}
    free = {m.period: m.id for m in item.original.measurements if m.id not in taken}
    for measurement in item.record.measurements:
        if measurement.id is None and measurement.period in free:
            measurement.id = free.pop(measurement.period)


def _by_date(measurement: MeasurementRecord) -> date:
    return measurement.on_date if isinstance(measurement.on_date, date) else date.max
