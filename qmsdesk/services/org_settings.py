"""Organisation-wide settings stored in the database: name, document numbers per report."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.settings import Setting
from qmsdesk.services.errors import ValidationError

DEFAULT_DOCUMENT_NUMBERS = {
    "parties": "QMS-REG-4.2",
    "objectives": "QMS-REG-6.2",
    "suppliers": "QMS-REG-8.4",
}


@dataclass
class OrgSettings:
    organisation: str = ""
    approved_by: str = ""
    document_numbers: dict[str, str] = field(
        default_factory=lambda: dict(DEFAULT_DOCUMENT_NUMBERS))

    def document_number(self, report: str) -> str:
        return self.document_numbers.get(report) or DEFAULT_DOCUMENT_NUMBERS.get(report, "")


def load_settings(db: Database) -> OrgSettings:
    with db.session() as session:
        values = {s.key: s.value for s in session.scalars(select(Setting))}
    settings = OrgSettings(organisation=values.get("organisation", ""),
                           approved_by=values.get("approved_by", ""))
    for key, value in values.items():
        if key.startswith("document_number."):
            settings.document_numbers[key.removeprefix("document_number.")] = value
    return settings


def save_settings(db: Database, settings: OrgSettings) -> None:
    organisation = settings.organisation.strip()
    if not organisation:
        raise ValidationError({"organisation": "Organisation name is required."})
    if len(organisation) > 200:
        raise ValidationError({"organisation": "Organisation name is too long (200 at most)."})
    wanted = {"organisation": organisation, "approved_by": settings.approved_by.strip()}
    for report, number in settings.document_numbers.items():
        wanted[f"document_number.{report}"] = number.strip()
    with db.session() as session:
        existing = {s.key: s for s in session.scalars(select(Setting))}
        for key, value in wanted.items():
            if key in existing:
                existing[key].value = value
            else:
                session.add(Setting(key=key, value=value))
