"""Import adapter for the risks register: risks and opportunities, and their sources in a
sheet of links, one source a row: a context issue by its reference, an interested party's
requirement by the party's reference and the requirement's description, or a supplier by
its reference (so the context, the parties and the suppliers are imported first); checked
and saved by the register's check_risks/save_risks, all or nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party, PartyRequirement
from qmsdesk.models.risks import ContextIssue, Risk
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.exchange.adapters import (
    Adapter,
    Planned,
    Problem,
    Row,
    _cut,
    _numbered_refs,
    link_parent,
    reference,
    write_records,
)
from qmsdesk.services.exchange.registers import RegisterSpec
from qmsdesk.services.records import ref_format
from qmsdesk.services.risks import rules as risk_rules
from qmsdesk.services.risks import service as risk_service
from qmsdesk.services.risks.records import RiskRecord
from qmsdesk.services.risks.sheets import RISK_SOURCES

RISK_REF, ISSUE_REF, PARTY_REF = "Risk reference", "Context issue reference", "Party reference"
REQUIREMENT, SUPPLIER_REF = "Requirement", "Supplier reference"
_ONE_SOURCE = ("A row names one source: a context issue, a party's requirement (party "
               "reference and requirement) or a supplier.")


def _key(text: str) -> str:
    """A requirement's description as matched: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


class RisksAdapter(Adapter):
    key = "risks"
    example_ref = "RO-0001"
    ref_pattern = ref_format("RO-")
    choices = {"kind": risk_rules.KINDS,
               "treatment": tuple(dict.fromkeys(t for kind in risk_rules.KINDS
                                                for t in risk_rules.TREATMENTS[kind])),
               "effectiveness": risk_rules.EFFECTIVENESS, "status": risk_rules.STATUSES}
    _ALIASES = {
        "risks": {"Ref": "Reference", "ID": "Reference", "Risk": "Title",
                  "Risk or opportunity": "Kind", "Type": "Kind", "Probability": "Likelihood",
                  "Severity": "Impact", "Consequences": "Consequence",
                  "Treatment rationale": "Rationale", "Justification": "Rationale",
                  "Responsible": "Owner", "Review date": "Next review",
                  "Residual likelihood": "Likelihood after treatment",
                  "Residual impact": "Impact after treatment"},
        "risk_sources": {"Risk": RISK_REF, "Reference": RISK_REF, "Context issue": ISSUE_REF,
                         "Issue reference": ISSUE_REF, "Party": PARTY_REF,
                         "Interested party": PARTY_REF,
                         "Need or expectation": REQUIREMENT, "Supplier": SUPPLIER_REF},
    }

    def __init__(self) -> None:
        self.issue_ids: dict[str, int] = {}
        self.supplier_ids: dict[str, int] = {}
        self.party_refs: set[str] = set()
        # (party reference, requirement as matched) -> the first such requirement's id
        self.requirement_ids: dict[tuple[str, str], int] = {}

    def aliases(self, sheet: str) -> dict[str, str]:
        return self._ALIASES.get(sheet, {})

    def new_record(self, today: date) -> Any:
        return risk_service.new_risk(today)

    def load_existing(self, db: Database) -> dict[str, Any]:
        with db.read() as session:
            self.issue_ids = {ref: id_ for ref, id_ in session.execute(
                select(ContextIssue.ref, ContextIssue.id))}
            self.supplier_ids = {ref: id_ for ref, id_ in session.execute(
                select(Supplier.ref, Supplier.id))}
            self.party_refs = set(session.scalars(select(Party.ref)))
            for party_ref, description, requirement_id in session.execute(
                    select(Party.ref, PartyRequirement.description, PartyRequirement.id)
                    .join(Party, Party.id == PartyRequirement.party_id)
                    .order_by(PartyRequirement.id)):
                self.requirement_ids.setdefault((party_ref, _key(description)),
                                                requirement_id)
            risks = session.scalars(select(Risk).options(selectinload(Risk.sources)))
            return {risk.ref: risk_service.to_record(risk) for risk in risks}

    def _attach_children(self, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
                         by_ref: Mapping[str, Planned], problems: list[Problem]) -> None:
        """Each row of the sources sheet adds one source to its risk; without that sheet a
        risk keeps the sources it has."""
        rows = parsed.get(RISK_SOURCES.name)
        if rows is None:
            return
        wanted: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            parent = link_parent(row, RISK_REF, by_ref, spec.main.name, problems)
            if parent is None:
                continue
            by_ref[parent].children.setdefault(RISK_SOURCES.name, []).append(row)
            if found := self._source(row, problems):
                wanted[parent][found[0]].append(found[1])
        for ref, item in by_ref.items():
            record: RiskRecord = item.record
            sources = wanted.get(ref, {})
            record.context_issue_ids = sources.get("context_issue_ids", [])
            record.requirement_ids = sources.get("requirement_ids", [])
            record.supplier_ids = sources.get("supplier_ids", [])

    def _source(self, row: Row, problems: list[Problem]) -> tuple[str, int] | None:
        """The record field and id of the one source a row names; else a Problem."""
        def problem(header: str, message: str) -> None:
            problems.append(Problem(row.sheet, row.number, row.headers.get(header, header),
                                    message))

        issue, supplier = reference(row, ISSUE_REF), reference(row, SUPPLIER_REF)
        party, requirement = reference(row, PARTY_REF), str(row.values.get(REQUIREMENT) or "")
        given = [header for header, value in ((ISSUE_REF, issue), (PARTY_REF, party),
                                              (REQUIREMENT, requirement.strip()),
                                              (SUPPLIER_REF, supplier)) if value]
        if bool(issue) + bool(party or requirement.strip()) + bool(supplier) != 1:
            problem(given[1] if len(given) > 1 else ISSUE_REF, _ONE_SOURCE)
            return None
        if issue:
            if issue not in self.issue_ids:
                problem(ISSUE_REF, f"'{_cut(issue)}' is not a context issue in this database: "
                                   "import the context first, or correct the reference.")
                return None
            return "context_issue_ids", self.issue_ids[issue]
        if supplier:
            if supplier not in self.supplier_ids:
                problem(SUPPLIER_REF, f"'{_cut(supplier)}' is not a supplier in this "
                                      "database: import the suppliers first, or correct the "
                                      "reference.")
                return None
            return "supplier_ids", self.supplier_ids[supplier]
        if not party:
            problem(PARTY_REF, "Whose requirement is it? Enter the party's reference.")
        elif party not in self.party_refs:
            problem(PARTY_REF, f"'{_cut(party)}' is not an interested party in this database: "
                               "import the parties first, or correct the reference.")
        elif not requirement.strip():
            problem(REQUIREMENT, f"Which requirement of {party}? Enter its description as "
                                 "the parties register has it.")
        elif (requirement_id := self.requirement_ids.get((party, _key(requirement)))) is None:
            problem(REQUIREMENT, f"'{_cut(requirement.strip())}' is not a requirement of "
                                 f"{party}: enter its description as the parties register "
                                 "has it.")
        else:
            return "requirement_ids", requirement_id
        return None

    def validate(self, record: Any, today: date) -> dict[str, str]:
        risk_service.normalise(record)
        return risk_rules.validate_risk(record, today)

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """The register's own check: the form's rules and every source exists."""
        with db.read() as session:
            return risk_service.check_risks(session, records, today)

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        return _numbered_refs("RO-", [*existing, *in_file], count)

    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        return write_records(db, planned, Risk, risk_service.save_risks, today,
                             selectinload(Risk.sources))
