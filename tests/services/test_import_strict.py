"""Imports refuse what they cannot read exactly: text in an encoding that is not UTF-8,
headers that come twice or name one column twice, references outside a register's
numbering, and measurement periods that do not fit their date. Each refusal names the file
(sheet, row, column) and imports nothing."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Objective
from qmsdesk.models.parties import Party
from qmsdesk.services.exchange.importer import (
    ImportRefused,
    column_letter,
    preview_import,
    run_import,
)
from qmsdesk.services.exchange.spreadsheet_io import EncodingError, read_spreadsheet
from qmsdesk.services.objectives import service as objective_service
from qmsdesk.services.parties import service as party_service
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.services.workbooks import write_workbook

# A party register saved by a European Excel as "CSV (Comma delimited)": Windows-1252 bytes,
# with a UTF-8 BOM put in front by a tool along the way.
LATIN_1_WITH_BOM = (b"\xef\xbb\xbfReference,Name,Next review\r\n"
                    b"IP-0001,Zo\xeb Ltd,2027-01-01\r\n"
                    b"IP-0002,M\xfcller GmbH,2027-02-01\r\n")


def _import(db: Database, key: str, path: Path, **options):
    return run_task(run_import(db, key, path, TODAY, **options))


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _refused(db: Database, key: str, path: Path, **options) -> ImportRefused:
    before = _count(db, AuditEntry)
    with pytest.raises(ImportRefused) as caught:
        _import(db, key, path, **options)
    assert _count(db, AuditEntry) == before  # nothing was imported
    return caught.value


def _two_parties(db: Database) -> None:
    for name in ("Zoe Ltd", "Mueller GmbH"):
        party_service.save_party(db, party_service.PartyRecord(
            name=name, influence=3, interest=3, next_review=date(2027, 1, 1)), TODAY)


# --- 1. encodings ----------------------------------------------------------------------


def test_a_bom_with_latin_1_letters_is_refused_naming_the_file_and_line(db, tmp_path):
    _two_parties(db)
    path = tmp_path / "parties.csv"
    path.write_bytes(LATIN_1_WITH_BOM)
    before = _count(db, AuditEntry)
    with pytest.raises(EncodingError) as caught:
        _import(db, "parties", path)
    message = str(caught.value)
    assert message.startswith("'parties.csv' is not UTF-8 text: line 2 holds the byte 0xEB, "
                              "which UTF-8 does not allow")
    assert '"Save as type: CSV UTF-8 (Comma delimited)"' in message
    assert (caught.value.line, caught.value.byte) == (2, 0xEB)
    assert _count(db, AuditEntry) == before and _count(db, Party) == 2


def test_the_same_file_read_as_the_windows_1252_the_person_names(db, tmp_path):
    _two_parties(db)
    path = tmp_path / "parties.csv"
    path.write_bytes(LATIN_1_WITH_BOM)
    result = _import(db, "parties", path, encoding="windows-1252")
    # the Reference column is read (BOM and all): the two parties are updated, not doubled
    assert (result.created, result.updated) == ((), ("IP-0001", "IP-0002"))
    assert [party_service.get_party(db, i).name for i in (1, 2)] == ["Zoë Ltd", "Müller GmbH"]
    assert _count(db, Party) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_utf_8_with_or_without_bom_and_utf_16_with_bom_are_read(db, tmp_path, encoding):
    path = tmp_path / "parties.csv"
    path.write_bytes("Name,Next review\r\nZoë Ltd,2027-01-01\r\n".encode(encoding))
    assert _import(db, "parties", path).created == ("IP-0001",)
    assert party_service.get_party(db, 1).name == "Zoë Ltd"


def test_a_cut_utf_16_file_is_refused_not_patched(tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes("Name\r\nZoë\r\n".encode("utf-16")[:-1])
    with pytest.raises(EncodingError, match=r"'unicode\.csv' is not UTF-16 text") as caught:
        read_spreadsheet(path)
    assert not caught.value.choosable  # no other encoding reads a UTF-16 file


def test_a_chosen_encoding_is_strict_too(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Name\r\nA\x81B\r\n")  # 0x81 is no Windows-1252 character
    with pytest.raises(EncodingError, match=r"'odd\.csv' is not Windows-1252 text: line 2 "
                                            r"holds the byte 0x81"):
        read_spreadsheet(path, encoding="windows-1252")
    assert read_spreadsheet(path, encoding="iso-8859-1")["odd"].rows[0].cells == ("A\x81B",)


def test_the_first_bad_byte_is_found_far_down_a_large_file(tmp_path):
    path = tmp_path / "long.csv"
    path.write_bytes(b"Name\r\n" + b"Acme\r\n" * 60_000 + b"Caf\xe9\r\n")
    with pytest.raises(EncodingError) as caught:
        read_spreadsheet(path)
    assert caught.value.line == 60_002
    assert caught.value.sample == b"Name\r\nCaf\xe9\r\n"  # the header and the bad line


def test_a_latin_1_member_of_a_zip_and_a_latin_1_child_csv_are_named(db, tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("parties.csv", "Name,Next review\r\nAcme,2027-01-01\r\n")
        archive.writestr("engagements.csv", b"Party reference,Date,Kind,Summary\r\n"
                                            b"IP-0001,2026-01-05,meeting,R\xe9union\r\n")
    with pytest.raises(EncodingError, match=r"'engagements\.csv' in 'export\.zip' is not "
                                            r"UTF-8 text: line 2"):
        _import(db, "parties", path)
    main = tmp_path / "p.csv"
    main.write_text("Name,Next review\r\nAcme,2027-01-01\r\n", encoding="utf-8")
    (tmp_path / "p-requirements.csv").write_bytes(
        b"Party reference,Need or expectation\r\nIP-0001,D\xe9lais\r\n")
    with pytest.raises(EncodingError, match=r"'p-requirements\.csv' is not UTF-8 text"):
        _import(db, "parties", main)
    assert _count(db, Party) == 0


# --- 2. headers ------------------------------------------------------------------------


def test_column_letters_are_as_a_spreadsheet_shows_them():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_a_header_twice_is_refused_naming_both_columns_and_the_sheet(db, tmp_path):
    path = tmp_path / "parties.csv"
    path.write_text("Reference,Name,Next review,name\r\n,Acme,2027-01-01,Beta\r\n",
                    encoding="utf-8")
    refused = _refused(db, "parties", path)
    assert refused.report() == (
        "Nothing was imported: the file has 1 problem.\n"
        "  parties.csv, row 1: Columns B ('Name') and D ('name') have the same header: rename "
        "or delete one, and import again.")
    with pytest.raises(ImportRefused, match="1 problem"):  # the import window says so too
        preview_import("parties", path)


def test_two_variants_of_one_header_are_refused_on_every_sheet(db, tmp_path):
    filler = [f"Extra {n}" for n in range(24)]
    path = write_workbook(tmp_path / "stakeholders.xlsx", {
        "parties": [["Name", "Next review", *filler, "Stakeholder"],
                    ["Acme", "2027-01-01", *([None] * 24), "Beta"]],
        "engagements": [["Party", "Reference", "Date", "Kind", "Summary"]]})
    refused = _refused(db, "parties", path)
    assert [str(p) for p in refused.problems] == [
        "parties, row 1: Columns A ('Name') and AA ('Stakeholder') would both go into Name: "
        "delete or rename one, and import again.",
        "engagements, row 1: Columns A ('Party') and B ('Reference') would both go into "
        "Party reference: delete or rename one, and import again."]


def test_a_chosen_mapping_may_not_put_two_columns_into_one(db, tmp_path):
    path = write_workbook(tmp_path / "p.xlsx", {"parties": [
        ["Who", "Next review", "Company"], ["Acme", "2027-01-01", "Beta"]]})
    refused = _refused(db, "parties", path, mapping={"parties": {
        "Who": "Name", "Next review": "Next review", "Company": "Name"}})
    assert "Columns A ('Who') and C ('Company') would both go into Name" in refused.report()


# --- 3. references ---------------------------------------------------------------------


def test_a_reference_beyond_the_numbering_is_refused_and_numbering_goes_on(db, tmp_path):
    path = tmp_path / "parties.csv"
    path.write_text("Reference,Name,Next review\r\nIP-99999999999999999999,Acme,2027-01-01\r\n"
                    "IP-1000000,Beta,2027-01-01\r\n", encoding="utf-8")
    refused = _refused(db, "parties", path)
    assert [str(p) for p in refused.problems] == [
        "parties.csv, row 2, column 'Reference': 'IP-99999999999999999999' is not a reference "
        "like IP-0001 (IP- and 4 to 6 digits); leave it empty for a new record.",
        "parties.csv, row 3, column 'Reference': 'IP-1000000' is not a reference like "
        "IP-0001 (IP- and 4 to 6 digits); leave it empty for a new record."]
    assert _count(db, Party) == 0
    party_service.save_party(db, party_service.PartyRecord(
        name="Gamma", influence=3, interest=3, next_review=date(2027, 1, 1)), TODAY)
    with db.session() as session:
        assert session.scalars(select(Party.ref)).all() == ["IP-0001"]


def test_six_digits_are_the_numbering_and_the_next_one_follows(db, tmp_path):
    path = tmp_path / "parties.csv"
    path.write_text("Reference,Name,Next review\r\nIP-999998,Acme,2027-01-01\r\n"
                    ",Beta,2027-01-01\r\n", encoding="utf-8")
    assert _import(db, "parties", path).created == ("IP-999998", "IP-999999")


def test_an_out_of_numbering_reference_already_stored_does_not_stop_new_records(db):
    with db.session() as session:  # stored before imports refused it
        session.add(Party(ref="IP-99999999999999999999", name="Old slip", category="customer",
                          influence=3, interest=3, next_review=date(2027, 1, 1)))
    party_service.save_party(db, party_service.PartyRecord(
        name="New", influence=3, interest=3, next_review=date(2027, 1, 1)), TODAY)
    with db.session() as session:
        assert "IP-0001" in session.scalars(select(Party.ref)).all()


@pytest.mark.parametrize("ref", ["OBJ-2026-1234567", "OBJ-1850-01", "OBJ-9999-01",
                                 "OBJ-2026-1"])
def test_an_objective_reference_outside_obj_year_number_is_refused(db, tmp_path, ref):
    path = write_workbook(tmp_path / "o.xlsx", {"objectives": [
        ["Reference", "Title", "KPI name", "Baseline", "Target", "Start date", "Due date"],
        [ref, "OTD", "OTD %", 90, 95, "2026-01-01", "2026-12-31"]]})
    refused = _refused(db, "objectives", path)
    assert refused.problems[0].message == (
        f"'{ref}' is not a reference like OBJ-2026-01 (OBJ-, the start year, - and 2 to 6 "
        "digits); leave it empty for a new record.")
    assert _count(db, Objective) == 0


# --- 5. measurement periods -------------------------------------------------------------


def _objective_file(path: Path, periods: list[object]) -> Path:
    dates = ["2026-03-31", "2026-05-31", "2026-08-31"]
    return write_workbook(path, {
        "objectives": [["Reference", "Title", "KPI name", "Baseline", "Target", "Frequency",
                        "Start date", "Due date"],
                       ["OBJ-2026-07", "On-time delivery", "OTD %", 91.5, 96, "Quarterly",
                        "2026-01-01", "2026-12-31"]],
        "measurements": [["Objective reference", "Date", "Period", "Value"],
                         *(["OBJ-2026-07", on, period, 92 + i] for i, (on, period)
                           in enumerate(zip(dates, periods, strict=True)))]})


def test_a_period_that_is_none_or_not_the_dates_is_refused_not_replaced(db, tmp_path):
    path = _objective_file(tmp_path / "o.xlsx", ["2025-13", "1999", "2026-Q3"])
    refused = _refused(db, "objectives", path)
    assert [str(p) for p in refused.problems] == [
        "measurements, row 2, column 'Period': '2025-13' is not a period (2026-03, 2026-Q1, "
        "2026-H1 or 2026); leave it empty to take it from the date.",
        "measurements, row 3, column 'Period': The period 1999 does not match the date "
        "2026-05-31: the quarterly objective OBJ-2026-07 measures that date in 2026-Q2. "
        "Correct the period or the date, or leave the period empty."]
    assert _count(db, Objective) == 0


def test_periods_written_any_way_a_person_or_excel_writes_them_come_in(db, tmp_path):
    path = _objective_file(tmp_path / "o.xlsx", ["2026-q1", None, "2026-Q3"])
    assert _import(db, "objectives", path).created == ("OBJ-2026-07",)
    with db.session() as session:
        objective_id = session.scalar(select(Objective.id))
    record = objective_service.get_objective(db, objective_id)
    assert [m.period for m in record.measurements] == ["2026-Q1", "2026-Q2", "2026-Q3"]


def test_a_monthly_period_excel_turned_into_a_date_is_that_month(db, tmp_path):
    path = write_workbook(tmp_path / "o.xlsx", {
        "objectives": [["Reference", "Title", "KPI name", "Baseline", "Target", "Frequency",
                        "Start date", "Due date"],
                       ["OBJ-2026-01", "Scrap", "Scrap %", 2, 3, "monthly", "2026-01-01",
                        "2026-12-31"]],
        "measurements": [["Objective reference", "Date", "Period", "Value"],
                         ["OBJ-2026-01", "2026-03-31", datetime(2026, 3, 1), 2.8],
                         ["OBJ-2026-01", "2026-04-30", datetime(2026, 3, 1), 2.7]]})
    refused = _refused(db, "objectives", path)  # the second is April's, not March's
    assert [(p.row, p.column) for p in refused.problems] == [(3, "Period")]
    assert "The period 2026-03 does not match the date 2026-04-30" in refused.report()
