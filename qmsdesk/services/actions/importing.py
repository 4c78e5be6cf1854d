"""Import adapter for the action log: an action's source (an objective, a party, a supplier
review or a management review) is named by its reference in the file and resolved against
the database, so those registers are imported first."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions import service as action_service
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.exchange.adapters import (
    Adapter,
    Planned,
    Problem,
    Row,
    _numbered_refs,
    choose,
    reference,
    write_records,
)
from qmsdesk.services.records import ref_format

SOURCE, SOURCE_REF = "Source", "Source reference"


def _column(row: Row, header: str) -> str:
    return row.headers.get(header, header)


class ActionsAdapter(Adapter):
    key = "actions"
    example_ref = "ACT-0001"
    ref_pattern = ref_format("ACT-")
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
        with db.read() as session:
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

    def _assign_source(self, record: ActionRecord, row: Row,
                       problems: list[Problem]) -> None:
        """Source and Source reference -> the one link field that source uses."""
        typed = row.values.get(SOURCE)
        source = choose(typed, action_rules.SOURCES) if isinstance(typed, str) else ""
        ref = reference(row, SOURCE_REF)
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

    def _link(self, record: ActionRecord, source: str, ref: str) -> str:
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

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """The register's own check: the form's rules, and every link names a record."""
        with db.read() as session:
            return action_service.check_actions(session, records, today)

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        return _numbered_refs("ACT-", [*existing, *in_file], count)

    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        return write_records(db, planned, Action, action_service.save_actions, today)
