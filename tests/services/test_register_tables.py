"""Registers and the audit trail as flat tables and CSV: content, order, safety, encoding."""

from __future__ import annotations

import csv
import io
import itertools
import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select, update

from qmsdesk.models.audit import AuditEntry, entry_hash
from qmsdesk.models.db import Database, open_database
from qmsdesk.services import management_reviews
from qmsdesk.services.actions import service as actions
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.exchange import tables as rt
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import EngagementRecord, RequirementRecord
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import CertificateRecord
from tests.conftest import TODAY
from tests.factories import make_action, make_party, make_supplier

BOM = b"\xef\xbb\xbf"
# Register by register, in the catalogue's (the navigation's) order.
TABLE_NAMES = ("parties", "requirements", "engagements", "context_issues",
               "context_issue_parties", "risks", "risk_sources", "policy", "objectives",
               "measurements", "objective_risks", "suppliers", "certificates",
               "supplier_status_history", "reviews", "review_scores", "actions",
               "management_reviews")


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _export(db: Database, name: str, folder: Path) -> list[dict[str, str]]:
    """The table written to a CSV file and read back as header -> value dicts."""
    path = folder / f"{name}.csv"
    table = rt.table_by_name(name)
    count = rt.write_csv(db, table, path)
    header, *rows = _read(path)
    assert header == table.headers
    assert count == len(rows)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _party(db: Database, today: date, name: str = "Acme Tools", **values: object
           ) -> parties.PartyRecord:
    return parties.save_party(db, make_party(today, name, **values), today)


def _objective(db: Database, today: date, values: list[float], **fields: object
               ) -> ObjectiveRecord:
    record = objectives.new_objective(today)
    defaults = dict(title="Scrap cost", kpi_name="Scrap cost change", unit="%", baseline=-1.0,
                    target=-5.0, direction="decrease", start_date=date(2026, 1, 1),
                    due_date=date(2026, 12, 31), owner="Sofia", status="draft")
    for key, value in {**defaults, **fields}.items():
        setattr(record, key, value)
    record.measurements = [MeasurementRecord(date(2026, month, 27), value)
                           for month, value in enumerate(values, start=1)]
    return objectives.save_objective(db, record, today)


# --- one table at a time --------------------------------------------------------------


def test_tables_come_in_the_agreed_order_with_distinct_names_and_headers():
    assert tuple(table.name for table in rt.all_tables()) == TABLE_NAMES
    for table in rt.all_tables():
        assert table.title
        assert len(set(table.headers)) == len(table.headers), table.name
        assert not {"Id", "ID", "Version"} & set(table.headers), table.name
    assert rt.table_by_name("actions") is rt.all_tables()[TABLE_NAMES.index("actions")]
    with pytest.raises(KeyError):
        rt.table_by_name("audit")


def test_child_tables_lead_with_their_parents_reference():
    first = {table.name: table.headers[0] for table in rt.all_tables()}
    assert first == {
        "parties": "Reference", "requirements": "Party reference",
        "engagements": "Party reference", "context_issues": "Reference",
        "context_issue_parties": "Issue reference", "risks": "Reference",
        "risk_sources": "Risk reference", "policy": "Revision", "objectives": "Reference",
        "measurements": "Objective reference", "objective_risks": "Objective reference",
        "actions": "Reference",
        "suppliers": "Reference", "certificates": "Supplier reference",
        "supplier_status_history": "Supplier reference", "reviews": "Supplier reference",
        "review_scores": "Review reference", "management_reviews": "Reference"}


def test_a_party_with_a_requirement_and_an_engagement_fills_three_tables(db, today, tmp_path):
    _party(db, today, "Other party")
    saved = _party(
        db, today, internal=True, last_review=date(2026, 5, 4), contact_person="Ann Lee",
        requirements=[RequirementRecord(description="Certificates of conformity, please",
                                        obligation="contractual", source="PA-7")],
        engagements=[EngagementRecord(on_date=date(2026, 6, 1), kind="survey",
                                      summary="Annual survey", satisfaction=4),
                     EngagementRecord(on_date=date(2026, 2, 1), kind="call",
                                      summary="Line stop \"urgent\"\nsecond line")])
    (_, party) = _export(db, "parties", tmp_path)  # IP-0001 first: ordered by reference
    assert saved.ref == "IP-0002"
    assert party["Reference"] == "IP-0002"
    assert (party["Name"], party["Category"], party["Internal"], party["Contact person"],
            party["Influence"], party["Review interval (months)"], party["Last review"],
            party["Next review"], party["Notes"]) == (
        "Acme Tools", "customer", "yes", "Ann Lee", "3", "12", "2026-05-04",
        saved.next_review.isoformat(), "")
    assert party["Last changed"] == saved.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    assert _export(db, "requirements", tmp_path) == [{
        "Party reference": "IP-0002", "Need or expectation": "Certificates of conformity, please",
        "Type": "requirement", "Compliance obligation": "contractual", "Source": "PA-7",
        "Addressed by": ""}]
    engagements = _export(db, "engagements", tmp_path)
    assert [(e["Party reference"], e["Date"], e["Kind"], e["Summary"], e["Satisfaction"])
            for e in engagements] == [  # by date within the party, not as entered
        ("IP-0002", "2026-02-01", "call", "Line stop \"urgent\"\nsecond line", ""),
        ("IP-0002", "2026-06-01", "survey", "Annual survey", "4")]


def test_measurements_and_numbers_stay_numbers(db, today, tmp_path):
    party = _party(db, today, "Harland")
    saved = _objective(db, today, [-3.5, 2.25, -0.0001], segment_party_id=party.id)
    (objective,) = _export(db, "objectives", tmp_path)
    assert (objective["Reference"], objective["Baseline"], objective["Target"],
            objective["Target maximum"], objective["Direction"], objective["Start date"],
            objective["Segment (party reference)"]) == (
        saved.ref, "-1.0", "-5.0", "", "decrease", "2026-01-01", party.ref)
    assert [(m["Objective reference"], m["Date"], m["Period"], m["Value"], m["Recorded by"])
            for m in _export(db, "measurements", tmp_path)] == [
        (saved.ref, "2026-01-27", "2026-01", "-3.5", "tester"),
        (saved.ref, "2026-02-27", "2026-02", "2.25", "tester"),
        (saved.ref, "2026-03-27", "2026-03", "-0.0001", "tester")]


def test_formula_text_is_neutralised_but_numbers_are_not(db, today, tmp_path):
    _party(db, today, "=HYPERLINK(\"http://evil.example\",\"Click\")", notes="@SUM(A1)",
           phone="+44 20 7946 0000", description="-2+3+cmd|' /C calc'!A0")
    saved = _objective(db, today, [-3.5], title="=1+1 scrap")
    (party,) = _export(db, "parties", tmp_path)
    assert party["Name"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert party["Notes"] == "'@SUM(A1)"
    assert party["Phone"] == "'+44 20 7946 0000"
    assert party["Description"] == "'-2+3+cmd|' /C calc'!A0"
    (objective,) = _export(db, "objectives", tmp_path)
    assert (objective["Title"], objective["Baseline"]) == ("'=1+1 scrap", "-1.0")
    assert _export(db, "measurements", tmp_path)[0]["Value"] == "-3.5"
    assert saved.measurements[0].value == -3.5


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-3.5", "'-3.5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"), ("", ""), ("Acme = best", "Acme = best"),
    ("'quoted", "''quoted"), ("Société Générale", "Société Générale"), (" =1", " =1"),
])
def test_spreadsheet_safe(text, expected):
    assert rt.spreadsheet_safe(text) == expected


def test_actions_name_their_source_and_its_reference(db, today, tmp_path):
    party = _party(db, today)
    objective = _objective(db, today, [1.0])
    supplier = suppliers.save_supplier(db, make_supplier(today), today)
    meeting = management_reviews.save_meeting(db, management_reviews.ReviewMeeting(
        held_on=date(2026, 10, 1), period_from=date(2025, 10, 1), period_to=date(2026, 9, 30),
        chair="CEO"), today)
    linked = [dict(objective_id=objective.id), dict(party_id=party.id), {},
              dict(management_review_id=meeting.id)]
    for number, links in enumerate(linked):
        record = actions.new_action(today, **links)
        record.title = f"Action {number}"
        actions.save_action(db, record, today)
    actions.save_action(db, make_action(today, "Done", status="done", completed_on=today,
                                        due_date=date(2026, 12, 1)), today)
    rows = _export(db, "actions", tmp_path)
    assert [(a["Reference"], a["Title"], a["Source"], a["Source reference"]) for a in rows] == [
        ("ACT-0001", "Action 0", "objective", objective.ref),
        ("ACT-0002", "Action 1", "party", party.ref),
        ("ACT-0003", "Action 2", "none", ""),
        ("ACT-0004", "Action 3", "management review", meeting.ref),
        ("ACT-0005", "Done", "none", "")]
    assert (rows[4]["Status"], rows[4]["Completed on"], rows[4]["Progress (%)"],
            rows[4]["Due date"], rows[0]["Type"]) == (
        "done", today.isoformat(), "100", "2026-12-01", "improvement")
    assert supplier.ref == "SUP-0001"


def test_suppliers_certificates_and_history_carry_the_supplier_reference(db, today,
                                                                          tmp_path):
    party = _party(db, today, "Tokyo party")
    saved = suppliers.save_supplier(db, make_supplier(
        today, "東京精密", party_id=party.id, criticality="critical",
        certificates=[CertificateRecord("ISO 9001", "JQA-123", "JQA", date(2028, 1, 31)),
                      CertificateRecord("ISO 14001", valid_until=date(2027, 6, 30))]), today)
    (supplier,) = _export(db, "suppliers", tmp_path)
    assert (supplier["Reference"], supplier["Name"], supplier["Criticality"],
            supplier["Party reference"], supplier["Status"],
            supplier["Review interval (months)"]) == (
        saved.ref, "東京精密", "critical", party.ref, "pending", "")
    assert [list(c.values()) for c in _export(db, "certificates", tmp_path)] == [
        [saved.ref, "ISO 9001", "JQA-123", "JQA", "2028-01-31"],
        [saved.ref, "ISO 14001", "", "", "2027-06-30"]]
    assert [list(c.values()) for c in _export(db, "supplier_status_history", tmp_path)] == [
        [saved.ref, today.isoformat(), "", "pending", "New supplier", "tester", ""]]


# --- CSV format -------------------------------------------------------------------------


def test_csv_has_a_bom_crlf_lines_and_reads_back(db, today, tmp_path):
    _party(db, today, "Société Générale", notes='Says "hello", twice\nand again')
    _party(db, today, "東京精密", notes="普通")
    path = tmp_path / "parties.csv"
    assert rt.write_csv(db, rt.table_by_name("parties"), path) == 2
    raw = path.read_bytes()
    assert raw.startswith(BOM) and not raw.startswith(BOM * 2)
    assert raw.count(b"\r\n") == 3  # header and two rows: every record ends with CRLF
    assert b'"Says ""hello"", twice\nand again"' in raw  # a line break in text stays as is
    assert "Société Générale".encode() in raw and "東京精密".encode() in raw
    header, first, second = _read(path)
    assert header[:2] == ["Reference", "Name"]
    assert (first[1], first[header.index("Notes")]) == (
        "Société Générale", 'Says "hello", twice\nand again')
    assert second[1] == "東京精密"


def test_write_csv_into_a_zip_entry_leaves_the_stream_usable(db, today, tmp_path):
    _party(db, today, "Société Générale")
    with zipfile.ZipFile(tmp_path / "pack.zip", "w") as pack:
        for table in rt.all_tables()[:2]:
            with pack.open(f"{table.name}.csv", "w") as entry:
                rt.write_csv(db, table, entry)
                assert not entry.closed
    with zipfile.ZipFile(tmp_path / "pack.zip") as pack:
        assert pack.namelist() == ["parties.csv", "requirements.csv"]
        parties_csv = pack.read("parties.csv")
        assert parties_csv.startswith(BOM)
        rows = list(csv.reader(io.StringIO(parties_csv.decode("utf-8-sig"), newline="")))
        assert rows[1][1] == "Société Générale"
        assert pack.read("requirements.csv") == BOM + b"Party reference,Need or expectation," \
            b"Type,Compliance obligation,Source,Addressed by\r\n"


def test_a_text_stream_is_refused(db):
    with pytest.raises(TypeError):
        rt.write_csv(db, rt.all_tables()[0], io.StringIO())


def test_each_table_is_read_with_a_single_select(db, today):
    _party(db, today, requirements=[RequirementRecord(description="a"),
                                    RequirementRecord(description="b")])
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.startswith("BEGIN"):  # each unit of work begins its transaction
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for table in rt.all_tables():
            list(rt.table_rows(db, table))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == len(rt.all_tables())
    assert all(s.lstrip().upper().startswith("SELECT") for s in statements)


# --- audit trail ------------------------------------------------------------------------


def _move(db: Database, entry_id: int, at: datetime) -> None:
    with db.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(at=at))


def test_audit_rows_keep_whole_utc_days_inclusive(db, today, tmp_path):
    for name in ("A", "B", "C", "D", "E", "F"):
        _party(db, today, name)
    with db.session() as session:
        firsts = session.scalars(select(AuditEntry.id).where(AuditEntry.field == "name")
                                 .order_by(AuditEntry.id)).all()
    moved = {
        firsts[0]: datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC),  # the day before
        firsts[1]: datetime(2026, 4, 1, 0, 0, tzinfo=UTC),  # first instant: in
        firsts[2]: datetime(2026, 4, 15, 12, 0, tzinfo=UTC),
        firsts[3]: datetime(2026, 4, 30, 23, 59, 59, 999999, tzinfo=UTC),  # last instant: in
        firsts[4]: datetime(2026, 5, 1, 0, 0, tzinfo=UTC),  # the day after
    }
    for entry_id, at in moved.items():
        _move(db, entry_id, at)

    rows = list(rt.audit_rows(db, date(2026, 4, 1), date(2026, 4, 30)))
    assert [(int(r[0]), r[1], r[6], r[7], r[8], r[9]) for r in rows] == [
        (firsts[1], "2026-04-01T00:00:00.000000Z", "IP-0002", "name", "", "B"),
        (firsts[2], "2026-04-15T12:00:00.000000Z", "IP-0003", "name", "", "C"),
        (firsts[3], "2026-04-30T23:59:59.999999Z", "IP-0004", "name", "", "D")]
    assert [r[2:6] for r in rows] == [["tester", "create", "party", str(n)] for n in (2, 3, 4)]
    assert [len(r) for r in rows] == [len(rt.AUDIT_TRAIL.headers)] * 3

    (single,) = rt.audit_rows(db, date(2026, 5, 1), date(2026, 5, 1))
    assert single[9] == "E"
    assert list(rt.audit_rows(db, date(2020, 1, 1), date(2020, 12, 31))) == []
    unmoved = list(rt.audit_rows(db, today, today))
    assert {r[9] for r in unmoved if r[7] == "name"} == {"F"}
    assert int(unmoved[0][0]) < int(unmoved[-1][0])


def test_audit_csv_has_the_agreed_columns_and_neutralised_values(db, today, tmp_path):
    saved = _party(db, today, "=cmd", notes="-3.5")
    path = tmp_path / "audit.csv"
    count = rt.write_audit_csv(db, today, today, path)
    assert path.read_bytes().startswith(BOM)
    header, *rows = _read(path)
    assert header == ["Entry", "At", "User", "Action", "Record type", "Record id", "Reference",
                      "Field", "Old value", "New value", "Previous hash", "Hash"]
    assert count == len(rows) > 0
    by_field = {row[7]: row for row in rows}
    assert by_field["name"][8:10] == ["", "'=cmd"]
    assert by_field["notes"][9] == "'-3.5"  # free text here, even if it looks like a number
    assert by_field["name"][6] == saved.ref
    assert rows[0][10] == "0" * 64  # the first entry of the chain
    assert all(row[10] == before[11] for before, row in itertools.pairwise(rows))
    assert all(row[1].endswith("Z") for row in rows)


def test_audit_timestamp_is_the_hashed_one(db, today):
    _party(db, today)
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        values = {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns}
    (row, *_) = rt.audit_rows(db, today, today)
    parsed = datetime.strptime(row[1], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert entry_hash({**values, "at": parsed}) == row[11]


def test_audit_range_that_ends_before_it_starts_is_refused(db, tmp_path):
    with pytest.raises(ValidationError) as caught:
        rt.write_audit_csv(db, date(2026, 5, 2), date(2026, 5, 1), tmp_path / "audit.csv")
    assert "date_to" in caught.value.errors
    assert not (tmp_path / "audit.csv").exists()


# --- the demo database ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_file, tmp_path_factory):
    """The demo database plus a management review with one action (the demo has none)."""
    copy = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(demo_file, copy)
    database = open_database(copy, user="tester")
    meeting = management_reviews.save_meeting(database, management_reviews.ReviewMeeting(
        held_on=date(2026, 10, 6), period_from=date(2025, 10, 1), period_to=date(2026, 9, 30),
        chair="Managing Director", attendees="QM, Production", conclusions="=Policy stays"),
        TODAY)
    action = actions.new_action(TODAY, management_review_id=meeting.id)
    action.title = "Add a second heat-treatment supplier"
    actions.save_action(database, action, TODAY)
    yield database
    database.close()


@pytest.mark.parametrize("table", rt.all_tables(), ids=lambda table: table.name)
def test_every_table_has_rows_on_the_demo_with_a_cell_per_header(demo, table, tmp_path):
    rows = list(rt.table_rows(demo, table))
    assert rows
    assert {len(row) for row in rows} == {len(table.headers)}
    assert all(isinstance(cell, str) for row in rows for cell in row)
    assert rt.write_csv(demo, table, tmp_path / "t.csv") == len(rows)
    assert _read(tmp_path / "t.csv")[1:] == rows
    if table.headers[0].endswith("reference") or table.headers[0] == "Reference":
        assert all(row[0] for row in rows)  # every child names its parent
        keys = [row[0] for row in rows]
        assert keys == sorted(keys)


def test_demo_names_survive_and_management_review_is_a_source(demo, tmp_path):
    names = {row[1] for name in ("parties", "suppliers")
             for row in rt.table_rows(demo, rt.table_by_name(name))}
    assert {"Müller Präzisionsteile GmbH", "Łódź Logistics Sp. z o.o.",
            "株式会社サンプル精工"} <= names
    meeting = next(row for row in rt.table_rows(demo, rt.table_by_name("management_reviews"))
                   if row[6] == "'=Policy stays")  # the one added here, beside the demo's
    assert meeting[4:6] == ["Managing Director", "QM, Production"]
    sources = {(row[4], row[5]) for row in rt.table_rows(demo, rt.table_by_name("actions"))}
    assert ("management review", meeting[0]) in sources
    assert {kind for kind, _ in sources} >= {"objective", "party", "supplier review"}
