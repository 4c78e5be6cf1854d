"""Import adapters for quality objectives (with their measurements) and the action log.

What import_adapters.PartiesAdapter does for parties, for two more registers: rows become
the services' own records, the forms' rules check them, one session saves them. What these
registers add: references to other registers (an objective's segment party, an action's
source) resolved against the database, so those registers are imported first; objectives
numbered per start year; a measurement's period derived from its date, not read.
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
from qmsdesk.models.objectives import Action, Objective
from qmsdesk.models.parties import Party
from qmsdesk.services import action_rules, objective_rules
from qmsdesk.services import actions as action_service
from qmsdesk.services import objectives as objective_service
from qmsdesk.services.exchange import RegisterSpec
from qmsdesk.services.import_adapters import (
    Adapter,
    _numbered_refs,
    choose,
    party_reference,
    write_records,
)
from qmsdesk.services.importer import Planned, Problem, Row

SEGMENT = "Segment (party reference)"
OBJECTIVE_REF = "Objective reference"
SOURCE, SOURCE_REF = "Source", "Source reference"
_MEASUREMENT_NUMBER = re.compile(r"\(measurement (\d+)\)")
def _reference(row: Row, header: str) -> str:
    return str(row.values.get(header) or "").strip().upper()


def _column(row: Row, header: str) -> str:
    return row.headers.get(header, header)


class _Register(Adapter):
    """What both adapters add to the shared steps: messages in the file's terms."""

    def _check(self, item: Planned, names: Mapping[str, str], today: date,
               problems: list[Problem]) -> None:
        found: list[Problem] = []
        super()._check(item, names, today, found)
        problems += [replace(p, message=self.reword(item, p.message)) for p in found]

    def reword(self, item: Planned, message: str) -> str:
        return message


class ObjectivesAdapter(_Register):
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
        return objective_service.MeasurementRecord()

    def load_existing(self, db: Database) -> dict[str, Any]:
        with db.session() as session:
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
        if not isinstance(record, objective_service.ObjectiveRecord) or SEGMENT not in row.values:
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
    parent = by_ref.get(_reference(row, OBJECTIVE_REF))
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


def _by_date(measurement: objective_service.MeasurementRecord) -> date:
    return measurement.on_date if isinstance(measurement.on_date, date) else date.max


class ActionsAdapter(_Register):
    key = "actions"
    example_ref = "ACT-0001"
    ref_pattern = re.compile(r"^ACT-\d{4,}$")
    choices = {"kind": action_rules.KINDS, "status": action_rules.STATUSES,
               "effectiveness": action_rules.EFFECTIVENESS}
    _ALIASES = {"actions": {
        "Ref": "Reference", "ID": "Reference", "Action": "Title", "Kind": "Type",
        "Responsible": "Owner", "Who": "Owner", "Due": "Due date", "Deadline": "Due date",
        "By when": "Due date", "Done on": "Completed on", "Closed": "Completed on",
        "% complete": "Progress (%)", "Progress": "Progress (%)"}}

    def __init__(self) -> None:
        self.linkable: dict[str, dict[str, int]] = {}  # source -> {reference: id}

    def aliases(self, sheet: str) -> dict[str, str]:
        return self._ALIASES.get(sheet, {})

    def new_record(self, today: date) -> Any:
        return action_service.new_action(today)

    def load_existing(self, db: Database) -> dict[str, Any]:
        with db.session() as session:
            kept = []  # the linked records stay loaded, so to_record finds them in the session
            for source in action_rules.SOURCE_LINKS:
                records = session.scalars(select(
                    action_service.SOURCE_NAMES[source].class_)).all()
                self.linkable[source] = {r.ref: r.id for r in records}
                kept.append(records)
            return {a.ref: action_service.to_record(session, a)
                    for a in session.scalars(select(Action))}

    def _assign(self, record: Any, row: Row, names: Mapping[str, str],
                problems: list[Problem]) -> None:
        super()._assign(record, row, names, problems)
        if SOURCE in row.values or SOURCE_REF in row.values:
            self._assign_source(record, row, problems)

    def _assign_source(self, record: action_service.ActionRecord, row: Row,
                       problems: list[Problem]) -> None:
        """Source and Source reference -> the one link field that source uses."""
        typed = row.values.get(SOURCE)
        source = choose(typed, action_rules.SOURCES) if isinstance(typed, str) else ""
        ref = _reference(row, SOURCE_REF)
        if not source:  # no Source: the reference says it ("OBJ-2026-01" is an objective's)
            source = next((s for s, ids in self.linkable.items() if ref in ids),
                          "" if ref else action_rules.NO_SOURCE)
        for link in action_rules.LINK_FIELDS:
            setattr(record, link, None)
        record.source, record.source_ref = action_rules.NO_SOURCE, ""
        if source and source not in action_rules.SOURCES:
            problems.append(Problem(row.sheet, row.number, _column(row, SOURCE),
                                    f"Source must be one of: {', '.join(action_rules.SOURCES)}."))
        elif message := self._link(record, source, ref):
            problems.append(Problem(row.sheet, row.number, _column(row, SOURCE_REF), message))

    def _link(self, record: action_service.ActionRecord, source: str, ref: str) -> str:
        """Link ``record`` to the record ``ref`` of ``source``; else what is wrong."""
        if not source:
            *others, last = action_rules.SOURCE_LINKS
            return (f"'{ref}' is not the reference of any {', '.join(others)} or {last} in "
                    "this database.")
        if source == action_rules.NO_SOURCE:
            return "The source is none: clear the reference, or give its source." if ref else ""
        if not ref:
            return f"Which {source} does this action come from? Enter its reference."
        if ref not in self.linkable[source]:
            article = "an" if source[0] in "aeiou" else "a"
            return (f"'{ref}' is not {article} {source} in this database: import or enter it "
                    "first, or correct the reference.")
        record.source, record.source_ref = source, ref
        setattr(record, action_rules.SOURCE_LINKS[source], self.linkable[source][ref])
        return ""

    def validate(self, record: Any, today: date) -> dict[str, str]:
        # The file is authoritative: no reopening rule (save_action's _clear_closure)
        # changes what it says; a done action without its date is refused, not repaired.
        action_service.normalise(record)
        return action_rules.validate_action(record, today)

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        return _numbered_refs("ACT-", [*existing, *in_file], count)

    def write(self, db: Database, planned: Sequence[Planned]) -> Iterator[int]:
        return write_records(db, planned, Action, action_service.store_action)
