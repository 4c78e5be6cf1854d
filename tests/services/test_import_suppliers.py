"""Import of the supplier register (certificates, status history, reviews, scores): round
trips, re-imports, records that an import cannot rewrite, problems, one transaction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.suppliers import Supplier, SupplierReview, SupplierStatusChange
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.exchange import adapters as import_adapters
from qmsdesk.services.exchange import export_register
from qmsdesk.services.exchange.importer import ImportRefused, run_import
from qmsdesk.services.progress import run_task
from qmsdesk.services.suppliers import importing as import_suppliers
from qmsdesk.services.suppliers import service as supplier_service
from tests.conftest import TODAY
from tests.services.workbooks import workbook_rows as _rows

HISTORY = "supplier_status_history"
RECORD_RULE = "the status history is a record and cannot be changed by an import"


def _export(db: Database, key: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return run_task(export_register(db, key, path))


def _import(db: Database, path: Path, key: str = "suppliers", **options):
    return run_task(run_import(db, key, path, TODAY, **options))



def _row_of(path: Path, sheet: str, *values: object) -> int:
    """The spreadsheet row number of the first row starting with ``values``."""
    rows = _rows(path)[sheet]
    return next(n for n, row in enumerate(rows, start=1) if row[:len(values)] == values)


def _edit(path: Path, changes: list[tuple[str, int, str, object]],
          append: dict[str, list[list[object]]] | None = None) -> Path:
    """(sheet, row as the spreadsheet numbers it, header, new value); rows to add per sheet."""
    workbook = openpyxl.load_workbook(path)
    for sheet_name, row, header, value in changes:
        sheet = workbook[sheet_name]
        headers = [c.value for c in sheet[1]]
        sheet.cell(row, headers.index(header) + 1).value = value
    for sheet_name, rows in (append or {}).items():
        for row in rows:
            workbook[sheet_name].append(row)
    workbook.save(path)
    return path


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _where(problems) -> set[tuple[str, int | None, str]]:
    return {(p.sheet, p.row, p.column) for p in problems}


def _with_parties(source: Database, target: Database, folder: Path) -> None:
    _import(target, _export(source, "parties", folder / "parties.xlsx"), "parties")


def _supplier(db: Database, ref: str) -> supplier_service.SupplierRecord:
    with db.session() as session:
        supplier_id = session.scalar(select(Supplier.id).where(Supplier.ref == ref))
    return supplier_service.get_supplier(db, supplier_id)


def _review(db: Database, ref: str) -> SupplierReview:
    with db.session() as session:
        review = session.scalar(select(SupplierReview).where(SupplierReview.ref == ref))
        session.expunge_all()
        return review


def test_the_supplier_register_has_its_adapter():
    assert isinstance(import_adapters.adapter_for("suppliers"),
                      import_suppliers.SuppliersAdapter)


@pytest.mark.parametrize("name", ["suppliers.xlsx", "suppliers.zip", "suppliers.csv"])
def test_round_trip_into_an_empty_database_with_the_parties(demo_db, db, tmp_path, name):
    _with_parties(demo_db, db, tmp_path)
    result = _import(db, _export(demo_db, "suppliers", tmp_path / "one" / name))
    assert len(result.created) == 23 and not result.updated
    for model in (Supplier, SupplierReview, SupplierStatusChange):
        assert _count(db, model) == _count(demo_db, model)
    _export(db, "suppliers", tmp_path / "two" / name)
    files = sorted(p.name for p in (tmp_path / "one").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "two").iterdir())
    assert len(files) == (5 if name.endswith(".csv") else 1)
    for file_name in files:
        one, two = tmp_path / "one" / file_name, tmp_path / "two" / file_name
        if name.endswith(".xlsx"):
            assert _rows(two) == _rows(one)
        else:
            assert two.read_bytes() == one.read_bytes()
    # The history names the reviews that decided it, as in the source; the status is as kept.
    record = _supplier(db, "SUP-0001")
    assert record.history[1].review_ref == "REV-0007" and record.status == "preferred"
    assert _review(db, "REV-0083").approved_on is None  # a draft stays a draft


def test_reimporting_the_same_file_writes_nothing(demo_db, tmp_path):
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    before = _count(demo_db, AuditEntry)
    result = _import(demo_db, path)
    assert (result.created, result.updated, len(result.unchanged)) == ((), (), 23)
    assert _count(demo_db, AuditEntry) == before


def test_a_file_with_bad_rows_imports_nothing_and_says_where(demo_db, db, tmp_path):
    _with_parties(demo_db, db, tmp_path)
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    score = _row_of(path, "review_scores", "REV-0001", "SUP-0013", "Delivery")  # Bowland
    path = _edit(path, [
        ("suppliers", 2, "Status", "approved"),  # SUP-0001's history ends in preferred
        ("suppliers", 3, "Criticality", "vital"),
        ("suppliers", 4, "Party reference", "IP-9999"),
        ("certificates", 2, "Supplier reference", "SUP-0999"),
        ("review_scores", score, "Score", "good"),
    ])
    before = _count(db, AuditEntry)
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    assert _where(caught.value.problems) == {
        ("suppliers", 2, "Status"), ("suppliers", 3, "Criticality"),
        ("suppliers", 4, "Party reference"), ("certificates", 2, "Supplier reference"),
        ("review_scores", score, "Score")}
    report = caught.value.report()
    assert "suppliers, row 2, column 'Status': The status history ends in preferred" in report
    assert "suppliers, row 3, column 'Criticality': Criticality must be one of: critical, " \
           "major, minor." in report
    assert "'IP-9999' is not an interested party in this database" in report
    assert "certificates, row 2, column 'Supplier reference': 'SUP-0999' is not a reference " \
           "in the suppliers sheet." in report
    assert f"review_scores, row {score}, column 'Score': 'good' is not a number" in report
    assert _count(db, Supplier) == 0 and _count(db, AuditEntry) == before


def test_records_of_an_existing_supplier_cannot_be_rewritten(demo_db, tmp_path):
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    locked_score = _row_of(path, "review_scores", "REV-0007", "SUP-0001", "Quality")
    draft = _row_of(path, "reviews", "SUP-0002", "REV-0083")
    history = _rows(path)[HISTORY]
    path = _edit(path, [
        ("suppliers", 2, "Status", "approved"),  # SUP-0001 is preferred
        ("reviews", 2, "Comments", "Rewritten afterwards."),  # REV-0007, approved
        ("review_scores", locked_score, "Score", 100),
        (HISTORY, 3, "Reason", "Another reason"),
        ("reviews", draft, "Approved by", "Helen Whitfield"),
        ("reviews", draft, "Approved on", TODAY),
    ], append={HISTORY: [["SUP-0002", TODAY, "approved", "suspended", "Late", "me", None]]})
    before = _count(demo_db, AuditEntry)
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, path)
    assert _where(caught.value.problems) == {
        ("suppliers", 2, "Status"), ("reviews", 2, "Comments"),
        ("review_scores", locked_score, "Score"), (HISTORY, 3, "Reason"),
        (HISTORY, len(history) + 1, "Supplier reference"), ("reviews", draft, "Approved on")}
    messages = {(p.sheet, p.row): p.message for p in caught.value.problems}
    assert messages["suppliers", 2] == ("SUP-0001 is preferred: " + RECORD_RULE
                                        + "; change the status in the supplier editor.")
    added = messages[HISTORY, len(history) + 1]
    assert RECORD_RULE in messages[HISTORY, 3] and RECORD_RULE in added
    assert messages["reviews", 2].startswith("REV-0007 was approved on ")
    assert "record a correction as a new review" in messages["review_scores", locked_score]
    assert "approve it in the review editor" in messages["reviews", draft]
    assert _count(demo_db, AuditEntry) == before


def test_new_reviews_are_added_and_drafts_updated_as_the_file_says(demo_db, tmp_path):
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    draft = _row_of(path, "reviews", "SUP-0002", "REV-0083")
    draft_quality = _row_of(path, "review_scores", "REV-0083", "SUP-0002", "Quality")
    before = _supplier(demo_db, "SUP-0001")
    _edit(path, [("reviews", draft, "Comments", "Waiting for the quality manager."),
                 ("review_scores", draft_quality, "Score", 0),
                 ("reviews", draft, "Total score", None), ("reviews", draft, "Band", None)],
          append={"reviews": [_review_row("REV-0100", 77.5, "B", "Helen Whitfield")],
                  "review_scores": _score_rows("REV-0100", [75, 75, 75, 75, 100])})
    result = _import(demo_db, path)
    assert (result.created, result.updated) == ((), ("SUP-0001", "SUP-0002"))
    added = _review(demo_db, "REV-0100")
    assert (added.total_score, added.band, added.decision, added.approved_on) == (
        77.5, "B", "approved", date(2026, 10, 6))
    after = _supplier(demo_db, "SUP-0001")  # the decision is a record, not applied again
    assert (after.status, after.next_review, after.history) == (
        before.status, before.next_review, before.history)
    updated = _review(demo_db, "REV-0083")  # an emptied total and band: computed
    assert (updated.comments, updated.total_score, updated.band) == (
        "Waiting for the quality manager.", 48.75, "D")
    with demo_db.session() as session:
        created = session.scalars(select(AuditEntry.entity).where(
            AuditEntry.ref == "REV-0100", AuditEntry.action == "create")).all()
    assert {"supplier review", "review score"} <= set(created)


def test_new_reviews_are_checked_with_the_review_forms_rules(demo_db, tmp_path):
    wrong_kpi = _review_row("REV-0100", None, None, "")
    wrong_kpi[8] = 12  # on time, of 10 deliveries
    path = _edit(_export(demo_db, "suppliers", tmp_path / "s.xlsx"), [], append={
        "reviews": [wrong_kpi, _review_row("REV-0101", 90, "A", "")],
        "review_scores": [*_score_rows("REV-0100", [150, 75, 75, 75, 100]),
                          *_score_rows("REV-0101", [75, 75, 75, 75, 100])]})
    reviews, scores = len(_rows(path)["reviews"]), len(_rows(path)["review_scores"])
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, path)
    assert _where(caught.value.problems) == {
        ("reviews", reviews - 1, "Deliveries on time"), ("review_scores", scores - 9, "Score"),
        ("reviews", reviews, "Total score")}
    report = caught.value.report()
    assert "Deliveries on time (12) cannot be more than the deliveries (10)." in report
    assert "Quality: the score must be 0 to 100, or empty." in report
    assert "The scores give 77.5, not 90.0" in report


def _review_row(ref: str, total: float | None, band: str | None, approver: str) -> list:
    return ["SUP-0001", ref, date(2026, 4, 1), date(2026, 9, 30), date(2026, 10, 5),
            "Sofia Ricci", "ad hoc", 10, 9, None, None, None, None, total, band,
            "approved", "", "", "Migrated.", approver, date(2026, 10, 6) if approver else None]


def _score_rows(ref: str, scores: list[float]) -> list[list]:
    names = ("Quality", "Delivery", "Responsiveness / communication",
             "Price / commercial terms", "Compliance / certification")
    return [[ref, "SUP-0001", name, weight, score]
            for name, weight, score in zip(names, (35, 30, 15, 10, 10), scores, strict=True)]


def test_a_new_supplier_starts_pending_unless_its_history_says_otherwise(db, tmp_path):
    path = tmp_path / "s.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "suppliers"
    for row in (["Supplier", "Risk", "Status"], ["Acme Castings", "Minor", "Pending"],
                ["Beta Tools", "major", "approved"]):
        workbook.active.append(row)
    workbook.save(path)
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    assert _where(caught.value.problems) == {("suppliers", 3, "Status")}
    assert "without a status history is pending" in caught.value.report()

    _edit(path, [("suppliers", 3, "Status", "pending")])
    assert _import(db, path).created == ("SUP-0001", "SUP-0002")
    record = _supplier(db, "SUP-0001")
    assert (record.name, record.criticality, record.next_review) == (
        "Acme Castings", "minor", date(2028, 11, 21))  # a minor supplier's 24 months
    assert [(h.changed_on, h.from_status, h.to_status, h.reason, h.changed_by)
            for h in record.history] == [(TODAY, "", "pending", "New supplier (imported)",
                                          "tester")]


def test_a_new_suppliers_history_follows_the_editors_rules(demo_db, db, tmp_path):
    _with_parties(demo_db, db, tmp_path)
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    path = _edit(path, [(HISTORY, 3, "Reason", None),  # pending -> approved, why?
                        (HISTORY, 4, "From status", "pending"),  # the row above ends approved
                        (HISTORY, 5, "Review reference", "REV-0009")])  # SUP-0002's
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    assert _where(caught.value.problems) == {
        (HISTORY, 3, "Reason"), (HISTORY, 4, "From status"), (HISTORY, 5, "Review reference")}
    assert "REV-0009 is not a review of SUP-0001 in the reviews sheet." in caught.value.report()


def test_without_review_sheets_the_reviews_are_left_alone(demo_db, tmp_path):
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    workbook = openpyxl.load_workbook(path)
    for name in ("reviews", "review_scores", HISTORY):
        workbook.remove(workbook[name])
    workbook.save(path)
    reviews = _count(demo_db, SupplierReview)
    result = _import(demo_db, _edit(path, [("suppliers", 2, "Notes", "Checked.")]))
    assert result.updated == ("SUP-0001",)
    assert _count(demo_db, SupplierReview) == reviews
    assert _supplier(demo_db, "SUP-0001").notes == "Checked."


def test_a_failure_half_way_through_writing_leaves_nothing(demo_db, db, tmp_path,
                                                           monkeypatch):
    _with_parties(demo_db, db, tmp_path)
    path = _export(demo_db, "suppliers", tmp_path / "s.xlsx")
    real, calls = supplier_service.store_supplier, []

    def failing(session, supplier, record):
        calls.append(record.name)
        if len(calls) == 5:
            raise OSError("disk full")
        real(session, supplier, record)

    monkeypatch.setattr(supplier_service, "store_supplier", failing)
    monkeypatch.setattr(import_suppliers, "BATCH", 2)  # rows reach the database first
    before = _count(db, AuditEntry)
    with pytest.raises(OSError, match="disk full"):
        _import(db, path)
    for model in (Supplier, SupplierReview, SupplierStatusChange):
        assert _count(db, model) == 0
    assert _count(db, AuditEntry) == before


def test_a_supplier_changed_while_the_file_was_checked_is_left_alone(demo_db, tmp_path):
    path = _edit(_export(demo_db, "suppliers", tmp_path / "s.xlsx"),
                 [("suppliers", 3, "Notes", "From the file.")])
    task = run_import(demo_db, "suppliers", path, TODAY)
    while not next(task).label.startswith("Saving"):
        pass  # the file is checked: the plan is made, nothing written yet
    record = _supplier(demo_db, "SUP-0002")
    record.phone = "+44 1482 496 0000"
    supplier_service.save_supplier(demo_db, record, TODAY)
    with pytest.raises(ConflictError, match="SUP-0002 was changed elsewhere"):
        run_task(task)
    saved = _supplier(demo_db, "SUP-0002")
    assert (saved.phone, saved.notes) == ("+44 1482 496 0000", record.notes)
