"""Dates QMS Desk keeps (1900-01-01 to 2100-12-31) in the import, the rules and so the forms
and the command line alike; and the limits that keep a small hostile file from taking
minutes and gigabytes: refused before its rows are read, and problems listed up to a cap."""

from __future__ import annotations

import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.services import dates, management_reviews
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.exchange import adapters
from qmsdesk.services.exchange import spreadsheet_io as sio
from qmsdesk.services.exchange.importer import SHOWN, ImportRefused, run_import
from qmsdesk.services.exchange.spreadsheet_io import SpreadsheetError, read_spreadsheet
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives import service as objective_service
from qmsdesk.services.objectives.records import MeasurementRecord
from qmsdesk.services.parties import rules as party_rules
from qmsdesk.services.parties import service as party_service
from qmsdesk.services.parties.records import EngagementRecord
from qmsdesk.services.progress import run_task
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.records import CertificateRecord, ReviewRecord, SupplierRecord
from tests.conftest import TODAY
from tests.services.workbooks import write_workbook

OUTSIDE = "is outside the dates QMS Desk keeps (1900-01-01 to 2100-12-31)"


def _import(db: Database, path: Path, key: str = "parties", **options):
    return run_task(run_import(db, key, path, TODAY, **options))


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- 4. dates ---------------------------------------------------------------------------


def test_minus_five_in_a_date_cell_is_refused_not_1899_12_25(db, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "parties"
    sheet.append(["Name", "Next review", "Last review"])
    sheet.append(["Acme", -5, date(2026, 1, 5)])
    sheet.append(["Beta", date(2027, 1, 1), None])
    sheet["B2"].number_format = "yyyy-mm-dd"
    workbook.save(tmp_path / "p.xlsx")
    with pytest.raises(ImportRefused) as caught:
        _import(db, tmp_path / "p.xlsx")
    assert caught.value.report() == (
        "Nothing was imported: the file has 1 problem.\n"
        f"  parties, row 2, column 'Next review': '1899-12-25' {OUTSIDE}")
    assert _count(db, Party) == _count(db, AuditEntry) == 0


def test_a_typed_date_after_2100_is_refused_in_child_rows_too(db, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Reference,Name,Next review\r\nIP-0001,Acme,31.12.2101\r\n",
                    encoding="utf-8")
    (tmp_path / "p-engagements.csv").write_text(
        "Party reference,Date,Kind,Summary\r\nIP-0001,1899-12-31,meeting,Kick-off\r\n",
        encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    assert [str(p) for p in caught.value.problems] == [
        f"p.csv, row 2, column 'Next review': '2101-12-31' {OUTSIDE}",
        f"p-engagements.csv, row 2, column 'Date': '1899-12-31' {OUTSIDE}"]
    assert _count(db, AuditEntry) == 0


def test_the_bounds_are_kept_in_one_place():
    assert (date(1900, 1, 1), date(2100, 12, 31)) == (dates.EARLIEST, dates.LATEST)
    assert dates.in_range(dates.EARLIEST) and dates.in_range(dates.LATEST)
    assert not dates.in_range(date(1899, 12, 31)) and not dates.in_range(date(2101, 1, 1))
    assert dates.range_problem(date(2026, 1, 1)) == ""
    assert dates.range_problem(date(1899, 12, 25)) == (
        "The date 1899-12-25 is outside the dates QMS Desk keeps (1900-01-01 to 2100-12-31).")


def test_a_party_form_or_command_saving_a_date_outside_is_refused_by_field(db):
    record = party_service.new_party(TODAY)
    record.name, record.next_review = "Acme", date(2101, 1, 1)
    record.influence, record.interest = 3, 3  # a new party starts unrated
    record.engagements = [EngagementRecord(on_date=date(1899, 1, 1), summary="Old")]
    with pytest.raises(ValidationError) as caught:
        party_service.save_party(db, record, TODAY)
    assert caught.value.errors == {
        "next_review": "The date 2101-01-01 is outside the dates QMS Desk keeps "
                       "(1900-01-01 to 2100-12-31).",
        "engagements[0].on_date": "Engagement 1: the date 1899-01-01 is outside the dates "
                                  "QMS Desk keeps (1900-01-01 to 2100-12-31)."}
    assert _count(db, Party) == 0


def test_every_register_s_rules_refuse_dates_outside(db):
    early, late = date(1850, 6, 1), date(2200, 6, 1)
    action = ActionRecord(title="Fix", start_date=early, due_date=date(2026, 1, 1))
    assert "outside the dates" in action_rules.validate_action(action, TODAY)["start_date"]
    objective = objective_service.new_objective(TODAY)
    objective.measurements = [MeasurementRecord(on_date=late, value=1.0)]
    errors = objective_rules.validate_objective(objective, TODAY)
    assert errors["measurements[0].on_date"].startswith("Measurement 1: the date 2200-06-01 "
                                                        "is outside")
    supplier = SupplierRecord(name="Acme", certificates=[
        CertificateRecord(standard="ISO 9001", valid_until=late)])
    assert "Certificate 1: the date 2200-06-01" in supplier_rules.validate_supplier(
        supplier, TODAY)["certificates[0].valid_until"]
    review = ReviewRecord(supplier_id=1, review_date=early, reviewer="Q")
    assert "1850-06-01 is outside" in supplier_rules.validate_review(
        review, TODAY, False)["review_date"]
    meeting = management_reviews.ReviewMeeting(held_on=early, period_from=early,
                                               period_to=early)
    assert set(management_reviews.validate_meeting(meeting, TODAY)) >= {
        "held_on", "period_from", "period_to"}
    party = party_service.new_party(TODAY)
    party.name, party.last_review = "Acme", early
    party.influence, party.interest = 3, 3
    assert party_rules.validate_party(party, TODAY) == {"last_review": dates.range_problem(early)}


# --- 6. limits --------------------------------------------------------------------------


def _rewrite_sheet(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as old:
        members = [(info.filename, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members:
            new.writestr(name, change(data) if name == "xl/worksheets/sheet1.xml" else data)
    return path


def test_a_sheet_declaring_five_million_rows_is_refused_before_reading(db, tmp_path):
    path = write_workbook(tmp_path / "big.xlsx", {"parties": [["Name"], ["Acme"]]})
    _rewrite_sheet(path, lambda xml: xml.replace(b'<dimension ref="A1:A2"',
                                                 b'<dimension ref="A1:B5000000"'))
    started = time.monotonic()
    with pytest.raises(SpreadsheetError) as caught:
        _import(db, path)
    assert time.monotonic() - started < 10
    assert str(caught.value) == (
        "Sheet 'parties' of 'big.xlsx' declares 5,000,000 rows and 2 columns, more than a "
        "spreadsheet holds (1,048,576 rows, 16,384 columns): open it in Excel or LibreOffice, "
        "save it again, and import again.")
    assert _count(db, AuditEntry) == 0


def _bomb(path: Path, member: str, megabytes: int, head: bytes = b"") -> Path:
    """A zip whose one part unpacks to ``megabytes`` of the same bytes (a zip bomb)."""
    block = b"<row><c><v>1</v></c></row>" * 40_000  # about 1 MB
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types spreadsheetml/>")
        with archive.open(member, "w", force_zip64=True) as stream:
            stream.write(head)
            for _ in range(megabytes):
                stream.write(block)
    return path


def test_a_workbook_unpacking_to_more_than_200_mb_is_refused_unread(db, tmp_path):
    path = _bomb(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 210)
    assert path.stat().st_size < 2 * sio.MB
    started = time.monotonic()
    with pytest.raises(SpreadsheetError, match=r"^'bomb\.xlsx' holds 2\d\d MB of data, more "
                                               r"than QMS Desk reads \(200 MB\)"):
        _import(db, path)
    assert time.monotonic() - started < 10
    assert _count(db, AuditEntry) == 0


def test_a_part_packed_a_thousand_fold_is_refused(tmp_path):
    path = _bomb(tmp_path / "dense.zip", "parties.csv", 30, b"Name\r\n")
    with pytest.raises(SpreadsheetError, match=r"'dense\.zip' is refused: its part "
                                               r"'parties\.csv' unpacks [\d,]+-fold"):
        read_spreadsheet(path)


def test_rows_beyond_the_limit_are_refused_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(sio, "MAX_ROWS", 50)
    path = tmp_path / "long.csv"
    path.write_text("Name\r\n" + "Acme\r\n" * 50, encoding="utf-8")
    with pytest.raises(SpreadsheetError, match=r"^'long\.csv' has more than 50 rows, the most "
                                               r"a spreadsheet holds"):
        read_spreadsheet(path)
    xlsx = write_workbook(tmp_path / "long.xlsx", {"parties": [["Name"]] + [["Acme"]] * 50})
    _rewrite_sheet(xlsx, lambda xml: xml.replace(b'ref="A1:A51"', b'ref="A1:A2"'))  # a lie
    with pytest.raises(SpreadsheetError, match=r"^Sheet 'parties' of 'long\.xlsx' has more "
                                               r"than 50 rows"):
        read_spreadsheet(xlsx)


def test_too_many_cells_and_too_large_a_csv_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sio, "MAX_CELLS", 100)
    path = tmp_path / "wide.csv"
    path.write_text("A,B,C\r\n" + "1,2,3\r\n" * 40, encoding="utf-8")
    with pytest.raises(SpreadsheetError, match=r"'wide\.csv' has more than 100 cells in use"):
        read_spreadsheet(path)
    monkeypatch.setattr(sio, "MAX_UNPACKED", sio.MB)
    path.write_bytes(b"Name\r\n" + b"x" * (sio.MB + 1))
    with pytest.raises(SpreadsheetError, match=r"'wide\.csv' holds 1 MB of data, more than "
                                               r"QMS Desk reads \(1 MB\)"):
        read_spreadsheet(path)


def test_a_file_wrong_on_every_row_lists_the_first_problems_and_counts_the_rest(db,
                                                                              tmp_path):
    path = write_workbook(tmp_path / "bad.xlsx", {"parties": [
        ["Name", "Next review", "Influence"],
        *([f"Party {n}", "2027-01-01", "high"] for n in range(1000))]})
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    refused = caught.value
    assert str(refused) == "Nothing was imported: the file has 1000 problems."
    assert len(refused.problems) == SHOWN == 200 and refused.more == 800
    assert refused.problems[-1].row == 201
    lines = refused.report().splitlines()
    assert len(lines) == 202
    assert lines[-1] == "  ... and 800 more: correct these and check the file again."
    assert _count(db, AuditEntry) == 0


def test_problems_past_the_kept_number_are_counted_not_kept(db, tmp_path, monkeypatch):
    monkeypatch.setattr(adapters.ProblemLog, "KEEP", 30)
    path = write_workbook(tmp_path / "bad.xlsx", {"parties": [
        ["Name", "Next review", "Influence"],
        *([f"Party {n}", "2027-01-01", "high"] for n in range(100))]})
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    assert (len(caught.value.problems), caught.value.more) == (30, 70)
    assert "the file has 100 problems" in str(caught.value)
