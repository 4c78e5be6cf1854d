"""Import adapter for the interested-parties register: parties with their requirements and
engagements, header variants from stakeholder registers kept in spreadsheets; checked by the
register's check_parties (names unique across file and database) and stored by its
store_party, new parties in bulk (exchange.bulk)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.services.exchange.adapters import (
    Adapter,
    Planned,
    Problem,
    Row,
    _numbered_refs,
)
from qmsdesk.services.exchange.bulk import write_in_bulk
from qmsdesk.services.parties import rules as party_rules
from qmsdesk.services.parties import service as party_service
from qmsdesk.services.parties.records import EngagementRecord, PartyRecord, RequirementRecord
from qmsdesk.services.records import ref_format

IMPORT_RATING = 3  # influence and interest of a new party whose row leaves them out


class PartiesAdapter(Adapter):
    key = "parties"
    example_ref = "IP-0001"
    ref_pattern = ref_format("IP-")
    children = {"requirements": "requirements", "engagements": "engagements"}
    extra_columns = {"parties": ("Need or expectation",)}
    choices = {"category": party_rules.CATEGORIES,
               "monitoring_frequency": party_rules.FREQUENCIES, "focus": party_rules.FOCUS,
               "status": party_rules.STATUSES, "kind": (*party_rules.REQUIREMENT_KINDS,
                                                        *party_rules.ENGAGEMENT_KINDS),
               "obligation": party_rules.OBLIGATIONS}
    _ALIASES = {
        "parties": {"Interested party": "Name", "Stakeholder": "Name", "Party": "Name",
                    "Stakeholder name": "Name", "Organisation": "Name", "Ref": "Reference",
                    "ID": "Reference", "Type": "Category", "Stakeholder type": "Category",
                    "Group": "Category", "Power": "Influence", "Influence (1-5)": "Influence",
                    "Interest (1-5)": "Interest", "Responsible": "Owner",
                    "Relationship owner": "Owner", "Contact": "Contact person",
                    "E-mail": "Email", "Telephone": "Phone", "How monitored": "Monitoring method",
                    "Monitoring": "Monitoring method", "Frequency": "Monitoring frequency",
                    "Next review date": "Next review", "Review date": "Next review",
                    "Last review date": "Last review", "Comments": "Notes",
                    "Needs & expectations": "Need or expectation",
                    "Needs and expectations": "Need or expectation",
                    "Requirements": "Need or expectation",
                    "Expectations": "Need or expectation"},
        "requirements": {"Party": "Party reference", "Reference": "Party reference",
                         "Needs & expectations": "Need or expectation",
                         "Requirement": "Need or expectation",
                         "Obligation": "Compliance obligation"},
        "engagements": {"Party": "Party reference", "Reference": "Party reference",
                        "Type": "Kind", "Score": "Satisfaction", "Follow up": "Follow-up"},
    }

    def aliases(self, sheet: str) -> dict[str, str]:
        return self._ALIASES.get(sheet, {})

    def new_record(self, today: date) -> Any:
        # A row without ratings keeps the import's long-standing 3 and 3; the editor starts
        # unrated so that a person chooses (a file's blank ratings are the file's choice).
        record = party_service.new_party(today)
        record.influence, record.interest = IMPORT_RATING, IMPORT_RATING
        return record

    def child_record(self, sheet: str) -> Any:
        return (RequirementRecord() if sheet == "requirements"
                else EngagementRecord())

    def _assign(self, record: Any, row: Row, names: Mapping[str, str],
                problems: list[Problem]) -> None:
        super()._assign(record, row, names, problems)
        needs = row.values.get("Need or expectation")
        if isinstance(record, PartyRecord) and isinstance(needs, str):
            # A one-sheet register with the needs in one cell: one requirement per line.
            record.requirements = [RequirementRecord(description=line.strip())
                                   for line in needs.splitlines() if line.strip()]

    def load_existing(self, db: Database) -> dict[str, Any]:
        with db.read() as session:
            parties = session.scalars(select(Party).options(
                selectinload(Party.requirements), selectinload(Party.engagements)))
            return {p.ref: party_service.to_record(p) for p in parties}

    def validate(self, record: Any, today: date) -> dict[str, str]:
        party_service.normalise(record)
        return party_rules.validate_party(record, today)

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """The register's own check: the form's rules, and active names unique across the
        file and the database, in the words the editor uses."""
        with db.read() as session:
            return party_service.check_parties(session, records, today)

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        return _numbered_refs("IP-", [*existing, *in_file], count)

    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        return write_in_bulk(db, planned, Party, party_service.check_stored_parties,
                             party_service.store_party,
                             selectinload(Party.requirements), selectinload(Party.engagements))
