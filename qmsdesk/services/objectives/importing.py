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
from qmsdesk.services.records import REF_DIGITS, ref_format

SEGMENT = "Segment (party reference)"
OBJECTIVE_REF = "Objective reference"
PERIOD = "Period"
_MEASUREMENT_NUMBER = re.compile(r"\(measurement (\d+)\)")
_EXCEL_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])-01")


class ObjectivesAdapter(Adapter):
    key = "objectives"
    example_ref = "OBJ-2026-01"
    ref_pattern = ref_format(r"OBJ-(?:19\d\d|20\d\d|2100)-", width=2)  # the start year
    ref_shape = f"OBJ-, the start year, - and 2 to {REF_DIGITS} digits"
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
                selectinload(Objective.measurements), selectinload(Objective.risks)))
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
        # file without a Period column (or with it empty) still re-imports as unchanged. A
        # period the file gives must be that one: which of period and date is wrong is not
        # for the import to guess.
        rows = parsed.get("measurements")
        if rows is not None:
            parsed = {**parsed, "measurements": [_with_period(row, by_ref, problems)
                                                 for row in rows]}
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

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """The register's own check: the form's rules and the segment's party exists."""
        with db.read() as session:
            return objective_service.check_objectives(session, records, today)

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

    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        return write_records(db, planned, Objective, objective_service.save_objectives, today,
                             selectinload(Objective.measurements))


def _with_period(row: Row, by_ref: Mapping[str, Planned], problems: list[Problem]) -> Row:
    """The row with the period its date falls in; a Period the file gives that is no
    period, or another one, is a problem (and the row is left as it is)."""
    given = _given_period(row.values.get(PERIOD))
    column = row.headers.get(PERIOD, PERIOD)
    if given is not None and not _is_period(given):
        problems.append(Problem(row.sheet, row.number, column, (
            f"'{given}' is not a period (2026-03, 2026-Q1, 2026-H1 or 2026); leave it "
            "empty to take it from the date.")))
        return row
    parent = by_ref.get(reference(row, OBJECTIVE_REF))
    on = row.values.get("Date")
    if parent is None or not isinstance(on, date) \
            or parent.record.frequency not in objective_rules.FREQUENCIES:
        return row
    frequency = parent.record.frequency
    period = objective_rules.period_of(on, frequency)
    if given is not None and given != period:
        problems.append(Problem(row.sheet, row.number, column, (
            f"The period {given} does not match the date {on.isoformat()}: the {frequency} "
            f"objective {parent.ref} measures that date in {period}. "
            "Correct the period or the date, or leave the period empty.")))
        return row
    return replace(row, values={**row.values, PERIOD: period})


def _given_period(value: object) -> str | None:
    """The Period cell as a period is written ("2026-q1" -> "2026-Q1"); None when empty.
    Excel turns "2026-03" typed into a cell into the date 2026-03-01: read as 2026-03."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip().upper()
    return text[:7] if _EXCEL_MONTH.fullmatch(text) else text


def _is_period(text: str) -> bool:
    try:
        objective_rules.period_bounds(text)
    except ValueError:
        return False
    return True


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
