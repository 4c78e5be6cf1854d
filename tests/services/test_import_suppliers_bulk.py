"""An import's new suppliers written in bulk (exchange.bulk) land exactly as the register's
save through the ORM wrote them: the same suppliers, certificates, reviews, scores and
status history, the same trail entry by entry (hashes included, under the frozen clock), a
chain that verifies and replays; and a rule broken at the write still imports nothing."""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database, open_database
from qmsdesk.models.suppliers import Supplier, SupplierReview, SupplierStatusChange
from qmsdesk.services.batch import finish
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.exchange import export_register
from qmsdesk.services.exchange.adapters import load_for_write
from qmsdesk.services.exchange.importer import run_import
from qmsdesk.services.progress import run_task
from qmsdesk.services.suppliers import importing as import_suppliers
from qmsdesk.services.suppliers import reviews as review_service
from qmsdesk.services.suppliers import service as supplier_service
from qmsdesk.services.suppliers.importing import SuppliersAdapter
from tests.conftest import TODAY
from tests.pg_support import needs_server, scratch_database
from tests.services.bulk_support import both_ways, dump, intact

TABLES = ("supplier", "supplier_certificate", "supplier_review", "supplier_review_score",
          "supplier_status_change", "audit_entry")


def _through_the_orm(self, db, planned, today):
    """The import's write before the bulk path: each batch through save_suppliers (one
    ORM flush), then its reviews, then the new suppliers' history; the trail from the
    session hook."""
    with db.session() as session:
        _loaded = load_for_write(session, Supplier, planned,
                                 selectinload(Supplier.certificates))
        for start in range(0, len(planned), import_suppliers.BATCH):
            batch = planned[start:start + import_suppliers.BATCH]
            suppliers = finish(supplier_service.save_suppliers(
                session, [item.record for item in batch], today, self.user))
            saved = [(supplier, item, _reviews(session, supplier, item))
                     for supplier, item in zip(suppliers, batch, strict=True)]
            session.flush()
            for supplier, item, reviews in saved:
                if item.original is None:
                    supplier.history.extend(SupplierStatusChange(
                        changed_on=c.changed_on, from_status=c.from_status,
                        to_status=c.to_status, reason=c.reason, changed_by=c.changed_by,
                        review_id=reviews[c.review_ref].id if c.review_ref else None)
                        for c in item.record.history)
            session.flush()
            yield start + len(batch)


def _reviews(session, supplier, item):
    before = {r.ref: r for r in item.original.reviews} if item.original else {}
    saved = {}
    for review in item.record.reviews:
        if review.id is not None and review == before.get(review.ref):
            continue
        entity = session.get(SupplierReview, review.id) if review.id else None
        if entity is None:
            entity = SupplierReview(ref=review.ref)
            session.add(entity)
        review_service.store_review(session, entity, review, review.total_score, review.band)
        if review.supplier_id is None:
            entity.supplier = supplier
        saved[review.ref] = entity
    return saved


def _import(db: Database, path: Path, key: str = "suppliers"):
    return run_task(run_import(db, key, path, TODAY))


_dump = partial(dump, tables=TABLES)
_both_ways = partial(both_ways, adapter=SuppliersAdapter, through_the_orm=_through_the_orm,
                     write_import=_import)
_intact = intact


def _copies(source: Path, folder: Path) -> list[Database]:
    return [open_database(shutil.copyfile(source, folder / f"{name}.db"), user="tester")
            for name in ("orm", "bulk")]


@pytest.mark.parametrize("batch", [500, 4])
def test_new_suppliers_in_bulk_are_the_rows_and_trail_the_orm_wrote(
        demo_db, empty_file, tmp_path, monkeypatch, batch):
    """The demo's suppliers with certificates, reviews, scores and history, imported into
    two databases that hold the demo's parties: identical tables, trail entry by entry;
    in batches of 4 too (reviews and history chained across the batches' writes)."""
    monkeypatch.setattr(import_suppliers, "BATCH", batch)
    parties = run_task(export_register(demo_db, "parties", tmp_path / "parties.xlsx"))
    path = run_task(export_register(demo_db, "suppliers", tmp_path / "suppliers.xlsx"))
    orm, bulk = _copies(empty_file, tmp_path)
    try:
        for copy in (orm, bulk):
            _import(copy, parties, "parties")
        _both_ways(path, orm, bulk, monkeypatch)
        before, after = _dump(orm), _dump(bulk)
        assert len(after["supplier"]) == 23 and after["supplier_review_score"]
        entities = {row[4] for row in after["audit_entry"]}
        assert {"supplier", "supplier certificate", "supplier review", "review score",
                "supplier status change"} <= entities
        for table in TABLES:
            assert after[table] == before[table], table
        _intact(bulk)
    finally:
        orm.close()
        bulk.close()


@needs_server
def test_on_postgresql_the_bulk_write_is_what_the_orm_wrote(demo_db, tmp_path, monkeypatch):
    """The demo's suppliers into two PostgreSQL databases that hold its parties, through
    the ORM and in bulk: the same rows and trail, entry by entry; the chain verifies."""
    parties = run_task(export_register(demo_db, "parties", tmp_path / "parties.xlsx"))
    path = run_task(export_register(demo_db, "suppliers", tmp_path / "suppliers.xlsx"))
    with scratch_database() as orm_url, scratch_database() as bulk_url:
        orm, bulk = (open_database(url, user="team member", create=True)
                     for url in (orm_url, bulk_url))
        try:
            for copy in (orm, bulk):
                _import(copy, parties, "parties")
            _both_ways(path, orm, bulk, monkeypatch)
            after = _dump(bulk)
            assert len(after["supplier"]) == 23 and after == _dump(orm)
            _intact(bulk)
        finally:
            orm.close()
            bulk.close()


def test_new_and_changed_suppliers_together_write_the_same_records(demo_file, tmp_path,
                                                                    monkeypatch):
    """Stored suppliers changed and a new one added in one file: the same records and the
    same entries (a batch's new records are written before its changes in bulk)."""
    orm, bulk = _copies(demo_file, tmp_path)
    try:
        path = run_task(export_register(orm, "suppliers", tmp_path / "suppliers.xlsx"))
        book = openpyxl.load_workbook(path)
        sheet = book["suppliers"]
        headers = [c.value for c in sheet[1]]
        new = [c.value for c in sheet[2]]
        for header in ("Reference", "Party reference"):
            new[headers.index(header)] = None
        new[headers.index("Name")], new[headers.index("Status")] = "Brand New Ltd", "pending"
        sheet.append(new)
        sheet.cell(3, headers.index("Notes") + 1, "Checked again.")
        book.save(path)
        _both_ways(path, orm, bulk, monkeypatch)
        before, after = _dump(orm), _dump(bulk)
        for table in TABLES[:-1]:
            assert after[table] == before[table], table

        def entries(rows):  # what each entry records, without its place in the chain
            return sorted(row[1:10] for row in rows)

        assert entries(after["audit_entry"]) == entries(before["audit_entry"])
        assert any(row[9] == "Brand New Ltd" for row in after["audit_entry"])
        assert any(row[7] == "notes" and row[9] == "Checked again."
                   for row in after["audit_entry"])
        _intact(bulk)
    finally:
        orm.close()
        bulk.close()


def test_a_reference_taken_since_the_file_was_checked_imports_nothing(db, tmp_path,
                                                                      monkeypatch):
    """A colleague's supplier saved between the check and the write takes a reference the
    file creates: nothing of the file is written, the trail holds the colleague's only."""
    path = tmp_path / "s.csv"
    path.write_text("Name,Criticality\r\n" + "".join(
        f"Supplier {n},minor\r\n" for n in range(30)), encoding="utf-8")
    check = SuppliersAdapter.check

    def colleague_saves_first(self, db_, records, today):
        found = check(self, db_, records, today)
        supplier_service.save_supplier(db, supplier_service.SupplierRecord(
            name="Colleague AG", criticality="minor"), TODAY)
        return found

    monkeypatch.setattr(SuppliersAdapter, "check", colleague_saves_first)
    with pytest.raises(ConflictError, match=r"^SUP-0001 was created elsewhere"):
        _import(db, path)
    with db.read() as session:
        assert session.scalar(select(func.count(Supplier.id))) == 1
        assert {e.ref for e in session.scalars(select(AuditEntry))} == {"SUP-0001"}
    _intact(db)
