"""Import adapter for the context register: issues, and the interested parties each
concerns named by reference in a sheet of links (the parties are imported first); checked
and saved by the register's check_issues/save_issues, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.models.risks import ContextIssue
from qmsdesk.services.context import rules as issue_rules
from qmsdesk.services.context import service as issue_service
from qmsdesk.services.context.sheets import ISSUE_PARTIES
from qmsdesk.services.exchange.adapters import (
    Adapter,
    Planned,
    Problem,
    Row,
    _numbered_refs,
    link_parent,
    party_reference,
    write_records,
)
from qmsdesk.services.exchange.registers import RegisterSpec
from qmsdesk.services.records import ref_format

ISSUE_REF, PARTY_REF = "Issue reference", "Party reference"


class ContextAdapter(Adapter):
    key = "context"
    example_ref = "CTX-0001"
    ref_pattern = ref_format("CTX-")
    choices = {"origin": issue_rules.ORIGINS, "swot": issue_rules.SWOT,
               "pestle": issue_rules.PESTLE, "status": issue_rules.STATUSES}
    _ALIASES = {
        "context_issues": {"Ref": "Reference", "ID": "Reference", "Issue": "Title",
                           "Internal or external": "Origin", "Internal/external": "Origin",
                           "Category": "SWOT", "PESTEL": "PESTLE", "Effect": "Effect on the QMS",
                           "Impact on the QMS": "Effect on the QMS", "Responsible": "Owner",
                           "Review date": "Next review", "Next review date": "Next review"},
        "context_issue_parties": {"Issue": ISSUE_REF, "Reference": ISSUE_REF,
                                  "Party": PARTY_REF, "Interested party": PARTY_REF},
    }

    def __init__(self) -> None:
        self.party_ids: dict[str, int] = {}

    def aliases(self, sheet: str) -> dict[str, str]:
        return self._ALIASES.get(sheet, {})

    def new_record(self, today: date) -> Any:
        return issue_service.new_issue(today)

    def load_existing(self, db: Database) -> dict[str, Any]:
        with db.read() as session:
            self.party_ids = {ref: id_ for ref, id_ in session.execute(
                select(Party.ref, Party.id))}
            issues = session.scalars(select(ContextIssue).options(
                selectinload(ContextIssue.parties)))
            return {issue.ref: issue_service.to_record(issue) for issue in issues}

    def _attach_children(self, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
                         by_ref: Mapping[str, Planned], problems: list[Problem]) -> None:
        """Each row of the links sheet adds a party to its issue; without that sheet an
        issue keeps the parties it has."""
        rows = parsed.get(ISSUE_PARTIES.name)
        if rows is None:
            return
        wanted: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            parent = link_parent(row, ISSUE_REF, by_ref, spec.main.name, problems)
            if parent is None:
                continue
            if not row.values.get(PARTY_REF):
                problems.append(Problem(row.sheet, row.number, row.headers.get(
                    PARTY_REF, PARTY_REF), "Which interested party? Enter its reference."))
            elif (party_id := party_reference(row, PARTY_REF, self.party_ids,
                                              problems)) is not None:
                wanted[parent].append(party_id)
            by_ref[parent].children.setdefault(ISSUE_PARTIES.name, []).append(row)
        for ref, item in by_ref.items():
            item.record.party_ids = wanted.get(ref, [])

    def validate(self, record: Any, today: date) -> dict[str, str]:
        issue_service.normalise(record)
        return issue_rules.validate_issue(record, today)

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """The register's own check: the form's rules and every party exists."""
        with db.read() as session:
            return issue_service.check_issues(session, records, today)

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        return _numbered_refs("CTX-", [*existing, *in_file], count)

    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        return write_records(db, planned, ContextIssue, issue_service.save_issues, today,
                             selectinload(ContextIssue.parties))

