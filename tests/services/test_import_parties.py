"""Import and export of the interested-parties register: round trip, problems, variants."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.parties import Party
from qmsdesk.services.exchange import export_register, write_template
from qmsdesk.services.exchange.importer import ImportRefused, run_import
from qmsdesk.services.exchange.registers import REGISTERS
from qmsdesk.services.exchange.spreadsheet_io import SpreadsheetError
from qmsdesk.services.parties import service as party_service
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.services.workbooks import workbook_rows as _rows
from tests.services.workbooks import write_workbook as _write


def _export(db: Database, path: Path) -> Path:
    return run_task(export_register(db, "parties", path))


def _import(db: Database, path: Path, dry_run: bool = False, mapping=None):
    return run_task(run_import(db, "parties", path, TODAY, mapping=mapping, dry_run=dry_run))



def _audit_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize("name", ["parties.xlsx", "parties.zip", "parties.csv"])
def test_export_import_into_an_empty_database_export_is_identical(demo_db, db, tmp_path, name):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
    result = _import(db, _export(demo_db, tmp_path / "one" / name))
    assert len(result.created) == 32 and not result.updated
    _export(db, tmp_path / "two" / name)
    written = sorted(path.name for path in (tmp_path / "one").iterdir())
    assert written == sorted(path.name for path in (tmp_path / "two").iterdir())
    assert len(written) == (3 if name.endswith(".csv") else 1)  # csv: a file per table
    for file_name in written:
        one, two = tmp_path / "one" / file_name, tmp_path / "two" / file_name
        if one.suffix == ".xlsx":
            assert _rows(two) == _rows(one)
        else:
            assert two.read_bytes() == one.read_bytes()


def test_reimporting_the_same_file_changes_nothing(demo_db, tmp_path):
    path = _export(demo_db, tmp_path / "p.xlsx")
    before = _audit_count(demo_db)
    result = _import(demo_db, path)
    assert (result.created, result.updated, len(result.unchanged)) == ((), (), 32)
    assert _audit_count(demo_db) == before


def test_a_changed_row_updates_its_record_and_is_audited(demo_db, tmp_path):
    path = _export(demo_db, tmp_path / "p.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["parties"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(3, headers.index("Owner") + 1, "Plant manager")
    ref = sheet.cell(3, 1).value
    workbook.save(path)
    result = _import(demo_db, path)
    assert result.updated == (ref,) and not result.created
    with demo_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.ref == ref, AuditEntry.field == "owner")
            .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.new_value) == ("update", "Plant manager")



def test_a_spreadsheet_register_with_its_own_headers_comes_in(db, tmp_path):
    path = _write(tmp_path / "stakeholders.xlsx", {"Stakeholder register": [
        ["Stakeholder", "Type", "Power", "Interest", "Needs & expectations",
         "Next review date"],
        ["Harland Automotive", "Customers", 5, 4, "On-time delivery\nPPAP on changes",
         "01.03.2027"],
        ["Works council", "Employee", "2", "5", "Safe workplace", date(2027, 1, 15)],
    ]})
    result = _import(db, path)
    assert result.created == ("IP-0001", "IP-0002")
    first = party_service.get_party(db, 1)
    assert (first.name, first.category, first.influence, first.interest) == (
        "Harland Automotive", "customer", 5, 4)
    assert first.next_review == date(2027, 3, 1)
    assert [r.description for r in first.requirements] == ["On-time delivery",
                                                           "PPAP on changes"]


def test_a_file_with_problems_imports_nothing_and_says_where(demo_db, tmp_path):
    path = _export(demo_db, tmp_path / "p.xlsx")
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["parties"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(3, headers.index("Influence") + 1, "high")
    sheet.cell(4, headers.index("Category") + 1, "alien")
    sheet.cell(5, 1, "IP-0002")  # a reference twice
    sheet.cell(6, 1, "PARTY 7")
    workbook["engagements"].cell(2, 1, "IP-9999")
    workbook["requirements"].cell(3, 2).value = None  # a requirement without its text
    workbook.save(path)
    before = _audit_count(demo_db)
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, path)
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert ("parties", 3, "Influence") in found
    assert ("parties", 4, "Category") in found
    assert ("parties", 5, "Reference") in found
    assert ("parties", 6, "Reference") in found
    assert ("engagements", 2, "Party reference") in found
    assert ("requirements", 3, "Need or expectation") in found
    report = caught.value.report()
    assert report.startswith("Nothing was imported: the file has")
    assert "parties, row 3, column 'Influence': 'high' is not a whole number" in report
    assert _audit_count(demo_db) == before


def test_an_active_name_may_not_come_twice(db, tmp_path):
    party_service.save_party(db, party_service.PartyRecord(
        name="Harland Automotive", influence=3, interest=3, next_review=date(2027, 1, 1)), TODAY)
    path = _write(tmp_path / "p.xlsx", {"parties": [
        ["Name", "Next review"], ["harland automotive", "2027-02-01"]]})
    with pytest.raises(ImportRefused, match="1 problem") as caught:
        _import(db, path)
    assert "already exists (IP-0001)" in caught.value.problems[0].message


def test_dry_run_checks_and_writes_nothing(db, tmp_path):
    path = _write(tmp_path / "p.xlsx", {"parties": [
        ["Name", "Next review"], ["Harland", "2027-02-01"]]})
    result = _import(db, path, dry_run=True)
    assert result.created == ("IP-0001",) and result.dry_run
    assert "nothing written" in result.summary()
    assert _audit_count(db) == 0


def test_a_failure_half_way_through_writing_leaves_nothing(db, tmp_path, monkeypatch):
    path = _write(tmp_path / "p.xlsx", {"parties": [
        ["Name", "Next review"], *([f"Party {n}", "2027-02-01"] for n in range(5))]})
    real = party_service.store_party
    calls = []

    def failing(session, party, record):
        calls.append(record.name)
        if len(calls) == 3:
            raise OSError("disk full")
        real(session, party, record)

    monkeypatch.setattr(party_service, "store_party", failing)
    with pytest.raises(OSError):
        _import(db, path)
    with db.session() as session:
        assert session.scalar(select(func.count(Party.id))) == 0
    assert _audit_count(db) == 0


def test_a_chosen_mapping_overrides_the_recognised_headers(db, tmp_path):
    path = _write(tmp_path / "p.xlsx", {"parties": [
        ["Who", "When next", "Power"], ["Harland", "2027-02-01", 4]]})
    result = _import(db, path, mapping={"parties": {"Who": "Name", "When next": "Next review",
                                                    "Power": "Influence"}})
    assert result.created == ("IP-0001",)
    assert party_service.get_party(db, 1).influence == 4


def test_the_template_has_every_sheet_and_header_and_nothing_else(tmp_path):
    rows = _rows(write_template("parties", tmp_path / "t.xlsx"))
    spec = REGISTERS["parties"]
    assert list(rows) == [sheet.name for sheet in spec.sheets]
    for sheet in spec.sheets:
        assert rows[sheet.name] == [sheet.headers]


@pytest.mark.parametrize("content, words", [
    (b"", "is empty"), (b"%PDF-1.7 not a workbook", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected")])
def test_files_that_are_no_spreadsheet_are_refused_plainly(db, tmp_path, content, words):
    path = tmp_path / "p.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError, match=words):
        _import(db, path)
    assert _audit_count(db) == 0


_cells = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cc", "Cs")),
                                      max_size=30), st.integers(-10, 10**6),
                   st.floats(allow_nan=False, allow_infinity=False),
                   st.dates(date(1900, 1, 1), date(2100, 1, 1)), st.booleans())


@settings(max_examples=40)
@given(rows=st.lists(st.lists(_cells, min_size=5, max_size=5), min_size=1, max_size=6))
def test_random_rows_never_crash_the_importer(db, tmp_path, rows):
    path = _write(tmp_path / "random.xlsx", {"parties": [
        ["Reference", "Name", "Influence", "Next review", "Category"], *rows]})
    try:
        _import(db, path, dry_run=True)
    except ImportRefused as exc:
        assert all(p.sheet == "parties" and p.message for p in exc.problems)
    except SpreadsheetError as exc:  # "=..." written by openpyxl is a formula, no result
        assert "formula" in str(exc)


_text = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)
_name = _text.map(str.strip).filter(bool)


@st.composite
def _registers(draw: st.DrawFn) -> list[party_service.PartyRecord]:
    from qmsdesk.services.parties import rules as party_rules

    names = draw(st.lists(_name, min_size=1, max_size=5,
                          unique_by=lambda n: n.casefold()))
    records = []
    for name in names:
        record = party_service.new_party(TODAY)
        record.name = name
        record.category = draw(st.sampled_from(party_rules.CATEGORIES))
        record.influence, record.interest = draw(st.integers(1, 5)), draw(st.integers(1, 5))
        record.owner = draw(_text).strip()
        record.notes = draw(_text)
        record.requirements = [party_service.RequirementRecord(description=text)
                               for text in draw(st.lists(_name, max_size=3))]
        record.engagements = [party_service.EngagementRecord(
            on_date=draw(st.dates(date(2020, 1, 1), TODAY)), summary=summary,
            satisfaction=draw(st.none() | st.integers(1, 5)))
            for summary in draw(st.lists(_name, max_size=2))]
        records.append(record)
    return records


def _blank_notes_party() -> party_service.PartyRecord:
    """The example Hypothesis found: notes of spaces alone, in the last column of a sheet."""
    record = party_service.new_party(TODAY)
    record.name, record.notes = "0", " "
    record.influence, record.interest = 3, 3  # a new party starts unrated
    return record


@settings(max_examples=25)
@given(records=_registers(), layout=st.sampled_from(["xlsx", "zip"]))
@example(records=[_blank_notes_party()], layout="xlsx")
@example(records=[_blank_notes_party()], layout="zip")
def test_valid_random_registers_round_trip(empty_file, tmp_path_factory, records, layout):
    import shutil

    from qmsdesk.models.db import open_database

    folder = tmp_path_factory.mktemp("round")
    for name in ("a.db", "b.db"):
        shutil.copyfile(empty_file, folder / name)
    source = open_database(folder / "a.db", user="t")
    target = open_database(folder / "b.db", user="t")
    try:
        for record in records:
            party_service.save_party(source, record, TODAY)
        first = _export(source, folder / f"one.{layout}")
        _import(target, first)
        second = _export(target, folder / f"two.{layout}")
        if layout == "xlsx":
            assert _rows(second) == _rows(first)
        else:
            import zipfile

            with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
                assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n)
                                                                for n in b.namelist()}
    finally:
        source.close()
        target.close()


def test_cancel_while_saving_undoes_the_whole_import(db, tmp_path):
    path = _write(tmp_path / "many.xlsx", {"parties": [
        ["Name", "Next review"], *([f"Party {n}", "2027-02-01"] for n in range(1200))]})
    task = run_import(db, "parties", path, TODAY)
    seen = []
    for progress in task:
        seen.append(progress)
        if progress.label.startswith("Saving") and progress.done >= 500:
            task.close()  # what Cancel does between two steps
            break
    assert seen[-1].done == 500 and seen[-1].total == 1201
    with db.session() as session:
        assert session.scalar(select(func.count(Party.id))) == 0
    assert _audit_count(db) == 0


def test_cancel_while_reading_a_large_file_stops_it(db, tmp_path):
    from qmsdesk.services.exchange.spreadsheet_io import Cancelled

    path = _write(tmp_path / "many.xlsx", {"parties": [
        ["Name", "Next review"], *([f"Party {n}", "2027-02-01"] for n in range(2500))]})
    with pytest.raises(Cancelled):
        run_task(run_import(db, "parties", path, TODAY, cancelled=lambda: True))
    assert _audit_count(db) == 0


def test_a_ten_megabyte_cell_is_a_problem_not_a_crash(db, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("Name,Next review,Notes\nHarland,2027-02-01," + "x" * 10_000_000 + "\n",
                    encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        _import(db, path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("huge.csv", 2, "Notes")
    assert "Text is too long (10000000 characters" in problem.message
    assert _audit_count(db) == 0


def test_a_party_saved_elsewhere_while_the_file_is_checked_stops_the_import_in_one_sentence(
        db, tmp_path, monkeypatch):
    """The import numbers new rows from the references it read; a colleague who saves a
    party before the rows are checked takes the first of them. The file is not at fault:
    the import stops, says so, and writes nothing (it used to blame the empty cell)."""
    from qmsdesk.services.errors import ConflictError
    from qmsdesk.services.parties.importing import PartiesAdapter
    from tests.factories import make_party

    party_service.save_party(db, make_party(TODAY, name="Existing Ltd"), TODAY)
    path = tmp_path / "parties.csv"
    path.write_text("Reference,Name,Category,Next review\r\n"
                    ",New One Ltd,customer,2027-01-01\r\n"
                    ",New Two Ltd,supplier,2027-01-01\r\n", encoding="utf-8")
    check = PartiesAdapter.check

    def colleague_saves_first(self, db_, records, today):
        party_service.save_party(db, make_party(TODAY, name="Colleague Ltd"), TODAY)
        return check(self, db_, records, today)

    monkeypatch.setattr(PartiesAdapter, "check", colleague_saves_first)
    with pytest.raises(ConflictError) as refused:
        _import(db, path)
    assert str(refused.value) == ("IP-0002 was created elsewhere while the file was being "
                                  "checked. Nothing was imported; import the file again.")
    names = sorted(p.name for p in party_service.list_parties(db, TODAY))
    assert names == ["Colleague Ltd", "Existing Ltd"]
