"""One write path per register: the form, the import, the supplier editor's "create its
interested party" and the batch functions all check with the register's own rules, database
ones included, and say so in the same words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.base import Base
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Objective
from qmsdesk.models.parties import Party
from qmsdesk.models.suppliers import Supplier
from qmsdesk.services.actions import service as actions
from qmsdesk.services.batch import finish
from qmsdesk.services.errors import BatchValidationError, ValidationError
from qmsdesk.services.exchange.adapters import Problem
from qmsdesk.services.exchange.importer import ImportRefused, run_import
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.parties import service as parties
from qmsdesk.services.progress import run_task
from qmsdesk.services.suppliers import service as suppliers
from tests.conftest import TODAY
from tests.factories import make_action, make_party, make_supplier
from tests.services.workbooks import write_workbook


def _count(db: Database, model: type[Base]) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _counts(db: Database) -> tuple[int, ...]:
    return tuple(_count(db, model) for model in (Party, Supplier, Objective, Action, AuditEntry))


def _parties_file(path: Path, *rows: list[object]) -> Path:
    return write_workbook(path, {"parties": [["Reference", "Name", "Next review"], *rows]})


def _import_refused(db: Database, path: Path) -> list[Problem]:
    before = _counts(db)
    with pytest.raises(ImportRefused) as caught:
        run_task(run_import(db, "parties", path, TODAY))
    assert _counts(db) == before  # nothing written, not even an audit entry
    return list(caught.value.problems)


def test_the_form_and_an_import_row_say_the_same_about_a_taken_name(db, tmp_path):
    parties.save_party(db, make_party(TODAY, name="Müller GmbH"), TODAY)
    with pytest.raises(ValidationError) as caught:
        parties.save_party(db, make_party(TODAY, name="MÜLLER GMBH"), TODAY)
    form = caught.value.errors["name"]
    path = _parties_file(tmp_path / "p.xlsx", [None, "Acme Tools", "2027-02-01"],
                         [None, "  müller gmbh ", "2027-02-01"])
    assert _import_refused(db, path) == [Problem("parties", 3, "Name", form)]
    assert form == "An active party with this name already exists (IP-0001)."


def test_an_import_creating_a_party_an_active_one_is_already_is_refused_whole(db, tmp_path):
    parties.save_party(db, make_party(TODAY, name="Harland Automotive"), TODAY)
    path = _parties_file(tmp_path / "p.xlsx", [None, "Acme Tools", "2027-02-01"],
                         [None, "HARLAND AUTOMOTIVE", "2027-02-01"],
                         [None, "Bolton Castings", "2027-02-01"])
    assert [(p.row, p.column, p.message) for p in _import_refused(db, path)] == [
        (3, "Name", "An active party with this name already exists (IP-0001).")]
    assert [p.name for p in parties.list_parties(db, TODAY)] == ["Harland Automotive"]


def test_a_name_twice_in_one_file_names_the_party_the_first_row_makes(db, tmp_path):
    path = _parties_file(tmp_path / "p.xlsx", [None, "Acme Tools", "2027-02-01"],
                         [None, "ACME TOOLS", "2027-02-01"])
    assert [(p.row, p.message) for p in _import_refused(db, path)] == [
        (3, "An active party with this name already exists (IP-0001).")]


def test_an_archived_party_or_an_archived_row_leaves_the_name_free(db, tmp_path):
    old = parties.save_party(db, make_party(TODAY, name="Harland Automotive"), TODAY)
    parties.archive_party(db, old.id, old.version, TODAY, "No longer relevant")
    path = write_workbook(tmp_path / "p.xlsx", {"parties": [
        ["Name", "Next review", "Status"], ["Harland Automotive", "2027-02-01", "active"],
        ["Harland Automotive", "2027-02-01", "archived"]]})
    assert run_task(run_import(db, "parties", path, TODAY)).created == ("IP-0002", "IP-0003")


def test_a_name_taken_while_the_file_was_checked_is_refused_by_the_write(db, tmp_path):
    path = _parties_file(tmp_path / "p.xlsx", ["IP-0010", "Alpha Ltd", "2027-02-01"],
                         ["IP-0011", "Beta Ltd", "2027-02-01"])
    task = run_import(db, "parties", path, TODAY)
    while not next(task).label.startswith("Saving"):
        pass  # the file is checked: the plan is made, nothing written yet
    parties.save_party(db, make_party(TODAY, name="BETA LTD"), TODAY)
    before = _counts(db)
    with pytest.raises(ImportRefused) as caught:
        next(task)
    assert caught.value.problems == (Problem(
        "parties", 3, "Name", "An active party with this name already exists (IP-0001)."),)
    assert _counts(db) == before


def test_the_supplier_editor_cannot_make_a_second_active_party_of_a_name(db, today):
    party = parties.save_party(db, make_party(today, name="Precision Castings Ltd"), today)
    before = _counts(db)
    with pytest.raises(ValidationError) as caught:
        suppliers.save_supplier(db, make_supplier(today), today, create_party=True)
    # The parties register's own words, next to the supplier's party link: link that one.
    assert caught.value.errors == {
        "party_id": "An active party with this name already exists (IP-0001)."}
    assert _counts(db) == before
    linked = suppliers.save_supplier(db, make_supplier(today, party_id=party.id), today,
                                     create_party=True)
    assert linked.party_id == party.id and _count(db, Party) == 1


def test_the_supplier_editor_makes_its_party_when_the_name_is_only_archived(db, today):
    old = parties.save_party(db, make_party(today, name="Precision Castings Ltd"), today)
    parties.archive_party(db, old.id, old.version, today, "No longer relevant")
    saved = suppliers.save_supplier(db, make_supplier(today), today, create_party=True)
    party = parties.get_party(db, saved.party_id)
    assert (party.ref, party.name, party.category, party.status) == (
        "IP-0002", "Precision Castings Ltd", "supplier", "active")
    assert party.next_review == date(2027, 11, 21)  # as the editor's new party: a year on


def test_a_batch_is_checked_whole_and_written_whole(db, today):
    records = [make_party(today, name="Acme Tools"), make_party(today, name="Bolton Ltd"),
               make_party(today, name="acme tools"), make_party(today, email="x@")]
    before = _counts(db)
    with db.session() as session, pytest.raises(BatchValidationError) as caught:
        finish(parties.save_parties(session, records, today))
    assert caught.value.by_record == {
        2: {"name": "Another new party saved with this one has this name."},
        3: {"name": "Another new party saved with this one has this name.",
            "email": "'x@' is not an email address (name@example.com)."}}
    assert _counts(db) == before
    with db.session() as session:
        stored = finish(parties.save_parties(session, records[:2], today))
        assert [p.ref for p in stored] == ["IP-0001", "IP-0002"]


def test_a_new_record_given_a_taken_reference_is_refused(db, today):
    parties.save_party(db, make_party(today), today)
    with db.read() as session:
        found = parties.check_parties(session, [make_party(today, name="Other", ref="IP-0001"),
                                                make_party(today, name="New", ref="IP-0007"),
                                                make_party(today, name="Twin", ref="IP-0007")],
                                      today)
    taken = "is already the reference of another record; leave it empty for a new one."
    assert found == {0: {"ref": f"IP-0001 {taken}"}, 2: {"ref": f"IP-0007 {taken}"}}


def test_links_that_do_not_exist_are_refused_by_each_register(db, today):
    party = parties.save_party(db, make_party(today), today)
    objective = objectives.new_objective(today)
    objective.title, objective.kpi_name, objective.owner = "Fewer late deliveries", "Late", "A"
    objective.baseline, objective.target, objective.direction = 10, 5, "decrease"
    with db.read() as session:
        linked = [make_action(today, party_id=id_, source="party") for id_ in (party.id, 999)]
        assert actions.check_actions(session, linked, today) == {
            1: {"party_id": "The linked party no longer exists. Choose another."}}
        objective.segment_party_id = 999
        assert objectives.check_objectives(session, [objective], today) == {
            0: {"segment_party_id": "The segment's interested party no longer exists."}}
        assert suppliers.check_suppliers(session, [make_supplier(today, party_id=999)],
                                         today) == {
            0: {"party_id": "The linked interested party no longer exists."}}
