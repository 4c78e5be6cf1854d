"""Organisation settings: saved to and loaded from the database, validated first."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.settings import Setting
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.org_settings import (
    DEFAULT_DOCUMENT_NUMBERS,
    OrgSettings,
    load_settings,
    save_settings,
)


def _setting_rows(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {s.key: s.value for s in session.scalars(select(Setting))}


def test_a_new_database_has_defaults(db: Database) -> None:
    settings = load_settings(db)
    assert settings.organisation == ""
    assert settings.approved_by == ""
    assert settings.document_number("parties") == "QMS-REG-4.2"
    assert settings.document_number("no such report") == ""


def test_round_trip_strips_and_keeps_every_value(db: Database) -> None:
    save_settings(db, OrgSettings(
        organisation="  Präzision Müller GmbH ", approved_by=" A. Schmidt, QM ",
        document_numbers={"parties": " QM-4.2-01 ", "objectives": "QM-6.2"}))
    loaded = load_settings(db)
    assert loaded == OrgSettings(
        organisation="Präzision Müller GmbH", approved_by="A. Schmidt, QM",
        document_numbers={**DEFAULT_DOCUMENT_NUMBERS, "parties": "QM-4.2-01",
                          "objectives": "QM-6.2"})
    assert loaded.document_number("objectives") == "QM-6.2"
    assert _setting_rows(db) == {
        "organisation": "Präzision Müller GmbH", "approved_by": "A. Schmidt, QM",
        "document_number.parties": "QM-4.2-01", "document_number.objectives": "QM-6.2"}


def test_saving_again_updates_in_place_and_is_audited(db: Database) -> None:
    save_settings(db, OrgSettings(organisation="Acme"))
    settings = load_settings(db)
    settings.organisation = "Acme Tools Ltd"
    settings.document_numbers["parties"] = ""
    save_settings(db, settings)
    assert _setting_rows(db)["organisation"] == "Acme Tools Ltd"
    # organisation, approved by and one document number per report: updated, not added
    assert len(_setting_rows(db)) == 2 + len(DEFAULT_DOCUMENT_NUMBERS)
    # an emptied document number falls back to the default on the report
    assert load_settings(db).document_number("parties") == "QMS-REG-4.2"
    with db.session() as session:
        updates = {(e.entity, e.ref, e.old_value, e.new_value) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update"))}
    assert updates == {("setting", "organisation", "Acme", "Acme Tools Ltd"),
                       ("setting", "document_number.parties", "QMS-REG-4.2", "")}


@pytest.mark.parametrize(("organisation", "message"), [
    ("", "Organisation name is required."),
    ("   ", "Organisation name is required."),
    ("x" * 201, "Organisation name is too long (200 at most)."),
])
def test_invalid_organisation_is_refused_and_nothing_written(
        db: Database, organisation: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        save_settings(db, OrgSettings(organisation=organisation, approved_by="Someone"))
    assert caught.value.errors == {"organisation": message}
    assert _setting_rows(db) == {}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_an_organisation_name_of_200_characters_is_accepted(db: Database) -> None:
    save_settings(db, OrgSettings(organisation="x" * 200))
    assert load_settings(db).organisation == "x" * 200
