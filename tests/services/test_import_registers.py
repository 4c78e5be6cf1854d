"""Import of quality objectives (with measurements) and of the action log: round trips,
re-imports, problems, header variants, numbering, links to other registers, one transaction."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import delete, func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Measurement, Objective
from qmsdesk.services.actions import service as action_service
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.exchange import adapters as import_adapters
from qmsdesk.services.exchange import export_register
from qmsdesk.services.exchange.importer import ImportRefused, run_import, suggest_mapping
from qmsdesk.services.exchange.registers import REGISTERS
from qmsdesk.services.objectives import service as objective_service
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.services.workbooks import workbook_rows as _rows
from tests.services.workbooks import write_workbook as _write

SEGMENT = "Segment (party reference)"


def _export(db: Database, key: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return run_task(export_register(db, key, path))


def _import(db: Database, key: str, path: Path, **options):
    return run_task(run_import(db, key, path, TODAY, **options))



def _same_files(one: Path, two: Path) -> None:
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        if name.endswith(".xlsx"):
            assert _rows(two / name) == _rows(one / name)
        else:
            assert (two / name).read_bytes() == (one / name).read_bytes()


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _audit_count(db: Database) -> int:
    return _count(db, AuditEntry)



def _edit(path: Path, changes: list[tuple[str, int, str, object]]) -> Path:
    """(sheet, row as the spreadsheet numbers it, header, new value) for each cell."""
    workbook = openpyxl.load_workbook(path)
    for sheet_name, row, header, value in changes:
        sheet = workbook[sheet_name]
        headers = [c.value for c in sheet[1]]
        sheet.cell(row, headers.index(header) + 1).value = value
    workbook.save(path)
    return path


def _csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _where(problems) -> set[tuple[str, int | None, str]]:
    return {(p.sheet, p.row, p.column) for p in problems}


def _with_parties(source: Database, target: Database, folder: Path) -> None:
    _import(target, "parties", _export(source, "parties", folder / "parties.xlsx"))


def _id_of(db: Database, model: type, ref: str) -> int:
    with db.session() as session:
        return session.scalar(select(model.id).where(model.ref == ref))


@pytest.mark.parametrize("name", ["objectives.xlsx", "objectives.csv", "objectives.zip"])
def test_objectives_round_trip_into_an_empty_database(demo_db, db, tmp_path, name):
    _with_parties(demo_db, db, tmp_path)
    result = _import(db, "objectives", _export(demo_db, "objectives", tmp_path / "one" / name))
    assert len(result.created) == 10 and not result.updated
    assert _count(db, Measurement) == _count(demo_db, Measurement) > 50
    _export(db, "objectives", tmp_path / "two" / name)
    _same_files(tmp_path / "one", tmp_path / "two")


def test_objectives_without_their_segment_parties_are_refused_there(demo_db, db, tmp_path):
    path = _export(demo_db, "objectives", tmp_path / "o.xlsx")
    with_segment = [n for n, row in enumerate(_rows(path)["objectives"][1:], start=2)
                    if row[17] is not None]
    assert len(with_segment) == 6
    with pytest.raises(ImportRefused) as caught:
        _import(db, "objectives", path)
    assert _where(caught.value.problems) == {("objectives", n, SEGMENT) for n in with_segment}
    assert "'IP-0001' is not an interested party in this database: import the parties " \
           "first" in caught.value.report()
    assert _count(db, Objective) == 0 and _audit_count(db) == 0


@pytest.mark.parametrize("name", ["actions.csv", "actions.xlsx"])
def test_actions_round_trip_with_every_kind_of_source(demo_db, tmp_path, name):
    first = _export(demo_db, "actions", tmp_path / "one" / name)
    with demo_db.session() as session:  # the linked records stay, the log goes
        session.execute(delete(Action))
    result = _import(demo_db, "actions", first)
    assert len(result.created) == 63 and result.created[-1] == "ACT-0063"
    _export(demo_db, "actions", tmp_path / "two" / name)
    _same_files(tmp_path / "one", tmp_path / "two")


def test_actions_into_an_empty_database_need_their_linked_records(demo_db, db, tmp_path):
    _with_parties(demo_db, db, tmp_path)
    _import(db, "objectives", _export(demo_db, "objectives", tmp_path / "objectives.xlsx"))
    path = _export(demo_db, "actions", tmp_path / "actions.csv")
    header, *rows = _csv(path)
    source = header.index("Source")
    elsewhere = {n for n, row in enumerate(rows, start=2)
                 if row[source] in ("supplier review", "management review",
                                    "risk or opportunity")}
    assert len(elsewhere) == 44
    before = _audit_count(db)
    with pytest.raises(ImportRefused) as caught:
        _import(db, "actions", path)
    assert _where(caught.value.problems) == {("actions.csv", n, "Source reference")
                                             for n in elsewhere}
    assert "'REV-0010' is not a supplier review in this database" in caught.value.report()
    assert _audit_count(db) == before

    # The actions whose records are here come in, and go out again as they came.
    kept = [header, *(row for row in rows if row[source] in ("none", "objective", "party"))]
    with open(tmp_path / "kept.csv", "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(kept)
    result = _import(db, "actions", tmp_path / "kept.csv")
    assert len(result.created) == 19
    assert _csv(_export(db, "actions", tmp_path / "again.csv")) == kept


@pytest.mark.parametrize("key, count", [("objectives", 10), ("actions", 63)])
def test_reimporting_the_same_file_changes_nothing(demo_db, tmp_path, key, count):
    path = _export(demo_db, key, tmp_path / f"{key}.xlsx")
    before = _audit_count(demo_db)
    result = _import(demo_db, key, path)
    assert (result.created, result.updated, len(result.unchanged), _audit_count(demo_db)) == (
        (), (), count, before)


def test_measurements_in_any_order_and_without_periods_are_still_unchanged(demo_db, tmp_path):
    path = _export(demo_db, "objectives", tmp_path / "o.xlsx")
    workbook = openpyxl.load_workbook(path)
    old = workbook["measurements"]
    header, *rows = [[c.value for c in row] for row in old.iter_rows()]
    period = header.index("Period")
    workbook.remove(old)
    sheet = workbook.create_sheet("measurements")
    for row in [header, *reversed(rows)]:
        sheet.append(row[:period] + row[period + 1:])
    workbook.save(path)
    before = _audit_count(demo_db)
    result = _import(demo_db, "objectives", path)
    assert (result.updated, len(result.unchanged)) == ((), 10)
    assert _audit_count(demo_db) == before


def test_a_changed_measurement_updates_its_objective_and_is_audited(demo_db, tmp_path):
    path = _export(demo_db, "objectives", tmp_path / "o.xlsx")
    measurements = _rows(path)["measurements"]
    ref, on_date = measurements[1][0], measurements[1][1]
    _edit(path, [("measurements", 2, "Value", 12.25)])
    result = _import(demo_db, "objectives", path)
    assert result.updated == (ref,) and not result.created
    record = objective_service.get_objective(demo_db, _id_of(demo_db, Objective, ref))
    changed = next(m for m in record.measurements if m.on_date == on_date.date())
    assert changed.value == 12.25
    with demo_db.session() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.ref == ref, AuditEntry.field == "value")
            .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.new_value) == ("update", "12.25")


def test_a_measurement_period_follows_its_date_and_recorded_by_the_file(db, tmp_path):
    path = _write(tmp_path / "o.xlsx", {
        "objectives": [["Reference", "Title", "KPI name", "Baseline", "Target", "Frequency",
                        "Start date", "Due date"],
                       ["OBJ-2026-07", "On-time delivery", "OTD %", 91.5, 96, "Quarterly",
                        "2026-01-01", "2026-12-31"]],
        "measurements": [["Objective reference", "Date", "Period", "Value", "Recorded by"],
                         ["OBJ-2026-07", "2026-05-31", "2026-q2", 93, "Q. Inspector"],
                         ["obj-2026-07", "2026-03-31", "", 92, None]]})
    result = _import(db, "objectives", path)
    assert result.created == ("OBJ-2026-07",)
    record = objective_service.get_objective(db, _id_of(db, Objective, "OBJ-2026-07"))
    assert [(m.period, m.value, m.recorded_by) for m in record.measurements] == [
        ("2026-Q1", 92, ""), ("2026-Q2", 93, "Q. Inspector")]  # not the importing user


def test_an_emptied_cell_empties_an_optional_field(demo_db, tmp_path):
    path = _export(demo_db, "actions", tmp_path / "a.xlsx")
    ref = _rows(path)["actions"][19][0]  # ACT-0019: open, with a due date
    _edit(path, [("actions", 20, "Due date", None)])
    assert _import(demo_db, "actions", path).updated == (ref,)
    assert action_service.get_action(demo_db, _id_of(demo_db, Action, ref)).due_date is None


def test_an_action_is_what_the_file_says_no_reopening_rule_rewrites_it(demo_db, tmp_path):
    path = _export(demo_db, "actions", tmp_path / "a.xlsx")
    ref = _rows(path)["actions"][1][0]  # ACT-0001: done, effective
    _edit(path, [("actions", 2, "Status", "In progress")])
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, "actions", path)
    assert _where(caught.value.problems) == {("actions", 2, "Completed on"),
                                             ("actions", 2, "Effectiveness")}
    _edit(path, [("actions", 2, header, None) for header in (
        "Completed on", "Effectiveness", "Effectiveness checked by", "Effectiveness checked on")]
        + [("actions", 2, "Progress (%)", 60)])
    assert _import(demo_db, "actions", path).updated == (ref,)
    record = action_service.get_action(demo_db, _id_of(demo_db, Action, ref))
    assert (record.status, record.completed_on, record.progress, record.effectiveness) == (
        "in progress", None, 60, "")


def test_an_objectives_file_with_problems_imports_nothing_and_says_where(demo_db, tmp_path):
    path = _edit(_export(demo_db, "objectives", tmp_path / "o.xlsx"), [
        ("objectives", 3, "Direction", "sideways"),
        ("objectives", 4, "Target", "lots"),
        ("objectives", 5, SEGMENT, "IP-9999"),
        ("objectives", 6, "Frequency", "weekly"),
        ("measurements", 2, "Objective reference", "OBJ-2030-01"),
        ("measurements", 3, "Value", "n/a"),
        ("measurements", 4, "Date", "2031-01-01"),
        ("measurements", 6, "Date", "2025-01-01"),  # the month row 3 has
        # a changed date with its period cleared: the period follows the date
        ("measurements", 4, "Period", None), ("measurements", 6, "Period", None),
    ])
    before = _audit_count(demo_db)
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, "objectives", path)
    assert _where(caught.value.problems) == {
        ("objectives", 3, "Direction"), ("objectives", 4, "Target"),
        ("objectives", 5, SEGMENT), ("objectives", 6, "Frequency"),
        ("measurements", 2, "Objective reference"),
        ("measurements", 3, "Value"), ("measurements", 4, "Date"),
        ("measurements", 6, "Date")}
    report = caught.value.report()
    assert "objectives, row 3, column 'Direction': Direction must be increase, decrease " \
           "or band." in report
    assert "objectives, row 4, column 'Target': 'lots' is not a number" in report
    assert "measurements, row 2, column 'Objective reference': 'OBJ-2030-01' is not a " \
           "reference in the objectives sheet." in report
    assert "measurements, row 3, column 'Value': 'n/a' is not a number" in report
    assert "required" not in report  # an unreadable cell is reported once, not as missing too
    assert "measurements, row 4, column 'Date': The date 2031-01-01 is after" in report
    assert "measurements, row 6, column 'Date': 2025-01 already has a value (row 3)." in report
    assert _audit_count(demo_db) == before


def test_an_actions_file_with_problems_imports_nothing_and_says_where(demo_db, tmp_path):
    path = _export(demo_db, "actions", tmp_path / "a.xlsx")
    header, *rows = _rows(path)["actions"]
    unlinked = 2 + next(n for n, row in enumerate(rows) if row[header.index("Source")] == "none")
    path = _edit(path, [
        ("actions", 2, "Source reference", "IP-9999"),
        ("actions", 3, "Completed on", None),  # ACT-0002 stays done
        ("actions", 4, "Type", "fix"),
        ("actions", 5, "Progress (%)", "half"),
        ("actions", 6, "Source reference", None),  # a review's action, but which review?
        ("actions", 10, "Source", "audit"),
        ("actions", unlinked, "Source reference", "OBJ-2026-01"),  # source "none", a link
    ])
    before = _audit_count(demo_db)
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, "actions", path)
    assert _where(caught.value.problems) == {
        ("actions", 2, "Source reference"), ("actions", 3, "Completed on"),
        ("actions", 4, "Type"), ("actions", 5, "Progress (%)"),
        ("actions", 6, "Source reference"), ("actions", 10, "Source"),
        ("actions", unlinked, "Source reference")}
    messages = {p.row: p.message for p in caught.value.problems}
    # ACT-0001, the demo's oldest action, comes from a supplier review: not IP-9999
    assert messages[2].startswith("'IP-9999' is not a supplier review in this database")
    assert messages[3] == "Enter the completion date to mark the action done."
    assert messages[6] == ("Which management review does this action come from? Enter its "
                           "reference.")
    assert messages[10].startswith(
        "Source must be one of: none, party, risk or opportunity, objective")
    assert messages[unlinked] == "The source is none: clear the reference, or give its source."
    assert _audit_count(demo_db) == before


_VARIANTS = {
    ("objectives", "objectives"): {"Objective": "Title", "KPI": "KPI name",
                                   "indicator": "KPI name", "Measure": "KPI name",
                                   "Target value": "Target", "Baseline Value": "Baseline",
                                   "Deadline": "Due date", "Target date": "Due date",
                                   "Responsible": "Owner"},
    ("objectives", "measurements"): {"Objective": "Objective reference", "Result": "Value",
                                     "Actual": "Value"},
    ("actions", "actions"): {"Action": "Title", "Responsible": "Owner", "Who": "Owner",
                             "Due": "Due date", "Deadline": "Due date", "By when?": "Due date",
                             "Done on": "Completed on", "Closed": "Completed on",
                             "% complete": "Progress (%)", "Progress": "Progress (%)"},
}


@pytest.mark.parametrize("key, sheet, header, target", [
    (*where, header, target) for where, variants in _VARIANTS.items()
    for header, target in variants.items()])
def test_header_variants_are_recognised(key, sheet, header, target):
    spec = next(s for s in REGISTERS[key].sheets if s.name == sheet)
    adapter = import_adapters.adapter_for(key)
    assert suggest_mapping(spec, [header], adapter.aliases(sheet)) == {header: target}


def test_an_objectives_spreadsheet_with_its_own_headers_comes_in(db, tmp_path):
    path = _write(tmp_path / "kpis.xlsx", {
        "Objectives": [["Ref", "Objective", "KPI", "Baseline value", "Target value",
                        "Direction", "Frequency", "Start date", "Deadline", "Responsible"],
                       ["OBJ-2026-01", "On-time delivery", "OTD %", "91,5", 96, "Increase",
                        "Quarterly", "01.01.2026", "31.12.2026", "Sofia Ricci"],
                       [None, "Less scrap", "Scrap %", 2.4, 1.5, "decrease", "monthly",
                        date(2027, 1, 1), date(2027, 12, 31), ""]],
        "Measurements": [["Objective", "Date", "Actual"], ["OBJ-2026-01", "30/06/2026", 93.1]]})
    result = _import(db, "objectives", path)
    assert result.created == ("OBJ-2026-01", "OBJ-2027-01")
    record = objective_service.get_objective(db, _id_of(db, Objective, "OBJ-2026-01"))
    assert (record.title, record.kpi_name, record.baseline, record.target, record.frequency,
            record.due_date, record.owner) == ("On-time delivery", "OTD %", 91.5, 96,
                                               "quarterly", date(2026, 12, 31), "Sofia Ricci")
    assert [(m.on_date, m.value) for m in record.measurements] == [(date(2026, 6, 30), 93.1)]


def test_new_objectives_are_numbered_per_start_year_after_database_and_file(demo_db,
                                                                           tmp_path):
    def row(ref, title, start, due):
        return [ref, title, "KPI", 1, 2, start, due]

    path = _write(tmp_path / "o.xlsx", {"objectives": [
        ["Reference", "Title", "KPI name", "Baseline", "Target", "Start date", "Due date"],
        row(None, "A", "2026-02-01", "2026-12-31"),
        row("OBJ-2026-07", "B", "2026-02-01", "2026-12-31"),
        row(None, "C", "2027-01-01", "2027-12-31"),
        row(None, "D", "2026-03-01", "2026-12-31")]})
    result = _import(demo_db, "objectives", path)  # the demo has OBJ-2026-01 and -02
    assert result.created == ("OBJ-2026-08", "OBJ-2026-07", "OBJ-2027-01", "OBJ-2026-09")


@pytest.mark.parametrize("key, ref, example", [
    ("objectives", "OBJ-26-1", "OBJ-2026-01"), ("actions", "OBJ-2026-01", "ACT-0001")])
def test_a_reference_of_another_shape_is_refused(db, tmp_path, key, ref, example):
    path = _write(tmp_path / "x.xlsx", {key: [["Reference", "Title"], [ref, "Something"]]})
    with pytest.raises(ImportRefused) as caught:
        _import(db, key, path, dry_run=True)
    assert f"{key}, row 2, column 'Reference': '{ref}' is not a reference like " \
           f"{example}" in caught.value.report()


def test_an_action_list_with_its_own_headers_comes_in(demo_db, tmp_path):
    path = _write(tmp_path / "actions.xlsx", {"Action list": [
        ["Action", "Who", "By when", "Status", "Done on", "% complete", "Source reference"],
        ["Re-train the setters", "Tomás Herrera", "15/12/2026", "In progress", None, 40,
         "obj-2026-01"],
        ["Recalibrate the gauge", "Anna Kowalska", "2026-11-30", "Done", "2026-11-21", None,
         None]]})
    result = _import(demo_db, "actions", path)
    assert result.created == ("ACT-0064", "ACT-0065")
    first, second = (action_service.get_action(demo_db, _id_of(demo_db, Action, ref))
                     for ref in result.created)
    assert (first.source, first.source_ref, first.objective_id, first.progress,
            first.due_date, first.status) == (
        "objective", "OBJ-2026-01", _id_of(demo_db, Objective, "OBJ-2026-01"), 40,
        date(2026, 12, 15), "in progress")
    assert (second.source, second.status, second.completed_on, second.progress) == (
        "none", "done", date(2026, 11, 21), 100)
    _edit(path, [("Action list", 3, "Source reference", "XYZ-1")])
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, "actions", path)
    assert caught.value.problems[0].message == (
        "'XYZ-1' is not the reference of any party, risk or opportunity, objective, "
        "supplier review or "
        "management review in this database.")


@pytest.mark.parametrize("key, service, store, model", [
    ("objectives", objective_service, "store_objective", Objective),
    ("actions", action_service, "store_action", Action)])
def test_a_failure_half_way_through_writing_leaves_nothing(demo_db, db, tmp_path, monkeypatch,
                                                           key, service, store, model):
    _with_parties(demo_db, db, tmp_path)
    if key == "actions":
        _import(db, "objectives", _export(demo_db, "objectives", tmp_path / "o.xlsx"))
        path = _write(tmp_path / "a.xlsx", {"actions": [["Title", "Source reference"], *(
            [f"Action {n}", "OBJ-2025-01"] for n in range(6))]})
    else:
        path = _export(demo_db, "objectives", tmp_path / "objectives.xlsx")
    real, calls = getattr(service, store), []

    def failing(session, entity, record):
        calls.append(record.title)
        if len(calls) == 5:
            raise OSError("disk full")
        real(session, entity, record)

    monkeypatch.setattr(service, store, failing)
    monkeypatch.setattr(import_adapters, "BATCH", 2)  # rows reach the database first
    before = _audit_count(db)
    with pytest.raises(OSError, match="disk full"):
        _import(db, key, path)
    assert _count(db, model) == 0
    assert _count(db, Measurement) == (0 if key == "objectives" else 95)
    assert _audit_count(db) == before


def test_a_record_changed_while_the_file_was_checked_is_left_alone(demo_db, tmp_path):
    path = _edit(_export(demo_db, "objectives", tmp_path / "o.xlsx"),
                 [("objectives", 4, "Owner", "Someone else")])
    task = run_import(demo_db, "objectives", path, TODAY)
    while not next(task).label.startswith("Saving"):
        pass  # the file is checked: the plan is made, nothing written yet
    objective_id = _id_of(demo_db, Objective, "OBJ-2025-01")
    record = objective_service.get_objective(demo_db, objective_id)
    record.evaluation = "Reviewed meanwhile."
    objective_service.save_objective(demo_db, record, TODAY)
    with pytest.raises(ConflictError, match="OBJ-2025-01 was changed elsewhere"):
        run_task(task)
    saved = objective_service.get_objective(demo_db, objective_id)
    assert (saved.evaluation, saved.owner) == ("Reviewed meanwhile.", record.owner)


def test_parties_an_emptied_last_review_is_cleared(demo_db, tmp_path):
    path = _export(demo_db, "parties", tmp_path / "p.xlsx")
    assert _rows(path)["parties"][1][14] is not None  # IP-0001 has a last review
    _edit(path, [("parties", 2, "Last review", None)])
    assert _import(demo_db, "parties", path).updated == ("IP-0001",)


def test_a_percentage_cell_comes_in_as_the_percentage_shown(db, tmp_path):
    path = _write(tmp_path / "a.xlsx", {"actions": [["Title", "Progress (%)"],
                                                    ["Recalibrate gauges", 0.4]]})
    workbook = openpyxl.load_workbook(path)
    workbook["actions"]["B2"].number_format = "0%"  # Excel shows 40 %, stores 0.4
    workbook.save(path)
    _import(db, "actions", path)
    assert action_service.get_action(db, 1).progress == 40
