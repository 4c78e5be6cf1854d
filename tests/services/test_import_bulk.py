"""An import's new records written in bulk (exchange.bulk) land exactly as the ORM's
unit of work and the audit hook wrote them: the same rows, the same trail entry by entry
(hashes included, under the frozen clock), a chain that verifies and replays."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.services.exchange import export_register
from qmsdesk.services.exchange.adapters import write_records
from qmsdesk.services.exchange.importer import ImportRefused, run_import
from qmsdesk.services.parties import service as party_service
from qmsdesk.services.parties.importing import PartiesAdapter
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.pg_support import needs_server, scratch_database
from tests.services.bulk_support import both_ways, dump, intact

TABLES = ("party", "party_requirement", "party_engagement", "audit_entry")


def _through_the_orm(self, db, planned, today):
    """The import's write before the bulk path: every record through save_parties, one ORM
    flush per batch, the trail from the session hook."""
    return write_records(db, planned, Party, party_service.save_parties, today,
                         selectinload(Party.requirements), selectinload(Party.engagements))


def _import(db: Database, path: Path):
    return run_task(run_import(db, "parties", path, TODAY))


_dump = partial(dump, tables=TABLES)
_both_ways = partial(both_ways, adapter=PartiesAdapter, through_the_orm=_through_the_orm,
                     write_import=_import)
_intact = intact


@pytest.fixture
def second_db(empty_file: Path, tmp_path: Path):
    import shutil

    from qmsdesk.models.db import open_database

    copy = shutil.copyfile(empty_file, tmp_path / "second.db")
    database = open_database(copy, user="tester")
    yield database
    database.close()


def test_new_parties_in_bulk_are_the_rows_and_trail_the_orm_wrote(demo_db, db, second_db,
                                                                   tmp_path, monkeypatch):
    """The demo's parties with their requirements and engagements, exported and imported
    into two empty databases: identical tables, audit trail included, entry by entry."""
    path = run_task(export_register(demo_db, "parties", tmp_path / "parties.xlsx"))
    _both_ways(path, db, second_db, monkeypatch)
    orm, bulk = _dump(db), _dump(second_db)
    assert len(bulk["party"]) == 32 and bulk["party_requirement"] and bulk["party_engagement"]
    fields = {row[7] for row in bulk["audit_entry"]}  # a field of every kind of record
    assert {"name", "party_id", "description", "satisfaction"} <= fields
    for table in TABLES:
        assert bulk[table] == orm[table], table
    _intact(second_db)


def test_more_than_a_batch_of_new_parties(db, second_db, tmp_path, monkeypatch):
    """Over one batch (the trail is chained across the batches' writes) and mixed
    content: empty optional cells write no entry."""
    path = tmp_path / "many.csv"
    lines = ["Name,Category,Influence,Interest,Owner,Next review,Notes"]
    lines += [f"Party {n},{'customer' if n % 2 else 'supplier'},{1 + n % 5},{1 + n % 3},"
              f"{'Owner' if n % 3 else ''},2027-0{1 + n % 9}-01,{'note' if n % 7 == 0 else ''}"
              for n in range(1100)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    _both_ways(path, db, second_db, monkeypatch)
    orm, bulk = _dump(db), _dump(second_db)
    assert len(bulk["party"]) == 1100
    assert bulk == orm
    _intact(second_db)


def test_new_and_changed_parties_together_write_the_same_records(demo_file, tmp_path,
                                                                  monkeypatch):
    """A file that changes stored parties and adds new ones: the same records and the same
    entries; in bulk a batch's new records are written before its changes (the ORM wrote
    the requirements of a changed party among the new records)."""
    import shutil

    from qmsdesk.models.db import open_database

    copies = [open_database(shutil.copyfile(demo_file, tmp_path / f"{n}.db"), user="tester")
              for n in ("orm", "bulk")]
    path = run_task(export_register(copies[0], "parties", tmp_path / "parties.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book["parties"]
    headers = [c.value for c in sheet[1]]
    new = [c.value for c in sheet[2]]
    new[headers.index("Reference")], new[headers.index("Name")] = None, "Brand New Ltd"
    sheet.append(new)
    sheet.cell(2, headers.index("Owner") + 1, "Someone Else")
    needs = book["requirements"]
    need = [c.value for c in needs[2]]
    need[[c.value for c in needs[1]].index("Need or expectation")] = "A new need"
    needs.append(need)
    book.save(path)
    try:
        _both_ways(path, *copies, monkeypatch)
        orm, bulk = (_dump(copy) for copy in copies)
        for table in TABLES[:-1]:
            assert bulk[table] == orm[table], table

        def entries(rows):  # what each entry records, without its place in the chain
            return sorted(row[1:10] for row in rows)

        assert entries(bulk["audit_entry"]) == entries(orm["audit_entry"])
        assert any(row[7] == "owner" and row[9] == "Someone Else"
                   for row in bulk["audit_entry"])
        _intact(copies[1])
    finally:
        for copy in copies:
            copy.close()


def test_a_name_taken_since_the_file_was_checked_refuses_the_whole_bulk_write(
        db, tmp_path, monkeypatch):
    """The register's check runs again inside the write: a colleague's party that takes a
    name of the file meanwhile refuses everything, with the row."""
    path = tmp_path / "p.csv"
    path.write_text("Reference,Name,Next review\r\n" + "".join(
        f"IP-{1000 + n},Party {n},2027-01-01\r\n" for n in range(600)), encoding="utf-8")
    check = PartiesAdapter.check

    def colleague_saves_first(self, db_, records, today):
        found = check(self, db_, records, today)
        party_service.save_party(db, party_service.PartyRecord(
            name="Party 550", influence=3, interest=3, next_review=TODAY), TODAY)
        return found

    monkeypatch.setattr(PartiesAdapter, "check", colleague_saves_first)
    with pytest.raises(ImportRefused) as refused:
        _import(db, path)
    (problem,) = refused.value.problems
    assert (problem.row, problem.column) == (552, "Name")
    with db.read() as session:
        assert session.scalar(select(func.count(Party.id))) == 1
        assert {e.ref for e in session.scalars(select(AuditEntry))} == {"IP-0001"}


@needs_server
def test_on_postgresql_the_bulk_write_is_what_the_orm_wrote(tmp_path, monkeypatch):
    """The same file into two PostgreSQL databases, through the ORM and in bulk: the same
    rows and trail (entry by entry); the chain verifies and replays; and a reference taken
    by a colleague meanwhile still stops the import in one sentence."""
    from qmsdesk.models.db import open_database
    from qmsdesk.services.errors import ConflictError

    path = tmp_path / "p.csv"
    path.write_text("Name,Category,Owner,Next review\r\n" + "".join(
        f"Party {n},customer,{'Owner' if n % 2 else ''},2027-01-01\r\n" for n in range(700)),
        encoding="utf-8")
    with scratch_database() as orm_url, scratch_database() as bulk_url:
        orm, bulk = (open_database(url, user="team member", create=True)
                     for url in (orm_url, bulk_url))
        try:
            _both_ways(path, orm, bulk, monkeypatch)
            assert _dump(bulk) == _dump(orm)
            _intact(bulk)
            check = PartiesAdapter.check

            def colleague_saves_first(self, db_, records, today):
                party_service.save_party(bulk, party_service.PartyRecord(
                    name="Colleague Ltd", influence=3, interest=3, next_review=TODAY), TODAY)
                return check(self, db_, records, today)

            monkeypatch.setattr(PartiesAdapter, "check", colleague_saves_first)
            more = tmp_path / "more.csv"
            more.write_text("Name,Next review\r\nLate One,2027-01-01\r\n", encoding="utf-8")
            with pytest.raises(ConflictError, match=r"^IP-0701 was created elsewhere"):
                _import(bulk, more)
            _intact(bulk)
        finally:
            orm.close()
            bulk.close()
