"""Import of the context (issues with their parties) and of the risks and opportunities
(with their sources): round trips into an empty database, re-imports, bad rows, variants."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.risks import ContextIssue, ContextIssueParty, Risk, RiskSource
from qmsdesk.services.context.importing import ContextAdapter
from qmsdesk.services.exchange import adapters as import_adapters
from qmsdesk.services.exchange import export_register, write_template
from qmsdesk.services.exchange.importer import ImportRefused, run_import
from qmsdesk.services.exchange.registers import REGISTERS
from qmsdesk.services.progress import run_task
from qmsdesk.services.risks import service as risk_service
from qmsdesk.services.risks.importing import RisksAdapter
from tests.conftest import TODAY
from tests.services.workbooks import workbook_rows as _rows
from tests.services.workbooks import write_workbook as _write


def _export(db: Database, key: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return run_task(export_register(db, key, path))


def _import(db: Database, key: str, path: Path, **options):
    return run_task(run_import(db, key, path, TODAY, **options))


def _count(db: Database, model: type) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def _where(problems) -> set[tuple[str, int | None, str]]:
    return {(p.sheet, p.row, p.column) for p in problems}


def _edit(path: Path, changes: list[tuple[str, int, str, object]]) -> Path:
    """(sheet, row as the spreadsheet numbers it, header, new value) for each cell."""
    workbook = openpyxl.load_workbook(path)
    for sheet_name, row, header, value in changes:
        sheet = workbook[sheet_name]
        headers = [c.value for c in sheet[1]]
        sheet.cell(row, headers.index(header) + 1).value = value
    workbook.save(path)
    return path


def _same_files(one: Path, two: Path) -> None:
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    for name in names:
        if name.endswith(".xlsx"):
            assert _rows(two / name) == _rows(one / name)
        else:
            assert (two / name).read_bytes() == (one / name).read_bytes()


def test_both_registers_have_their_adapters():
    assert isinstance(import_adapters.adapter_for("context"), ContextAdapter)
    assert isinstance(import_adapters.adapter_for("risks"), RisksAdapter)


@pytest.mark.parametrize("name", ["registers.xlsx", "registers.csv", "registers.zip"])
def test_round_trip_into_an_empty_database_with_parties_and_suppliers(demo_db, db, tmp_path,
                                                                      name):
    for key in ("parties", "suppliers"):  # the records the two registers link to
        _import(db, key, _export(demo_db, key, tmp_path / key / "file.xlsx"))
    for key, count in (("context", 12), ("risks", 30)):
        result = _import(db, key, _export(demo_db, key, tmp_path / "one" / f"{key}-{name}"))
        assert len(result.created) == count and not result.updated
    for model in (ContextIssue, ContextIssueParty, Risk, RiskSource):
        assert _count(db, model) == _count(demo_db, model) > 0, model
    for key in ("context", "risks"):
        _export(db, key, tmp_path / "two" / f"{key}-{name}")
    _same_files(tmp_path / "one", tmp_path / "two")
    # the requirements are found by party and description, not by the other file's ids
    with db.session() as session:
        risk_id = session.scalar(select(Risk.id).where(Risk.ref == "RO-0001"))
    sources = risk_service.get_risk(db, risk_id)
    assert len(sources.requirement_ids) == 2 and sources.context_issue_ids


@pytest.mark.parametrize("key, count", [("context", 12), ("risks", 30)])
def test_reimporting_the_same_file_changes_nothing(demo_db, tmp_path, key, count):
    path = _export(demo_db, key, tmp_path / f"{key}.xlsx")
    before = _count(demo_db, AuditEntry)
    result = _import(demo_db, key, path)
    assert (result.created, result.updated, len(result.unchanged)) == ((), (), count)
    assert _count(demo_db, AuditEntry) == before


def test_risks_without_their_context_parties_and_suppliers_are_refused(demo_db, db, tmp_path):
    path = _export(demo_db, "risks", tmp_path / "r.csv")
    with pytest.raises(ImportRefused) as caught:
        _import(db, "risks", path)
    columns = {column for _, _, column in _where(caught.value.problems)}
    assert columns == {"Context issue reference", "Party reference", "Supplier reference"}
    report = caught.value.report()
    assert "'CTX-0001' is not a context issue in this database: import the context first" \
        in report
    assert "'IP-0001' is not an interested party in this database" in report
    assert "is not a supplier in this database: import the suppliers first" in report
    assert _count(db, Risk) == 0 and _count(db, AuditEntry) == 0


def test_a_risks_file_with_bad_rows_imports_nothing_and_says_where(demo_db, tmp_path):
    path = _export(demo_db, "risks", tmp_path / "r.xlsx")
    sources = _rows(path)["risk_sources"]
    header = sources[0]
    by_kind = {kind: next(n for n, row in enumerate(sources[1:], start=2)
                          if row[header.index(kind)] is not None)
               for kind in ("Context issue reference", "Requirement", "Supplier reference")}
    path = _edit(path, [
        ("risks", 3, "Likelihood", 7),
        ("risks", 4, "Kind", "hazard"),
        ("risks", 5, "Treatment", "decline"),  # RO-0004 is a risk
        ("risk_sources", by_kind["Context issue reference"], "Context issue reference",
         "CTX-0999"),
        ("risk_sources", by_kind["Requirement"], "Requirement", "Parts delivered by pigeon"),
        ("risk_sources", by_kind["Supplier reference"], "Context issue reference", "CTX-0001"),
        ("risk_sources", len(sources), "Risk reference", "RO-9999"),
    ])
    before = _count(demo_db, AuditEntry)
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, "risks", path)
    assert _where(caught.value.problems) == {
        ("risks", 3, "Likelihood"), ("risks", 4, "Kind"), ("risks", 5, "Treatment"),
        ("risks", 4, "Treatment"),  # no kind has the risk's treatment
        ("risk_sources", by_kind["Context issue reference"], "Context issue reference"),
        ("risk_sources", by_kind["Requirement"], "Requirement"),
        ("risk_sources", by_kind["Supplier reference"], "Supplier reference"),
        ("risk_sources", len(sources), "Risk reference")}
    report = caught.value.report()
    assert "risks, row 3, column 'Likelihood': Likelihood must be a whole number from 1 to 5." \
        in report
    assert "risks, row 5, column 'Treatment': The treatment of a risk is one of: avoid, " \
           "reduce, share, accept." in report
    assert "'CTX-0999' is not a context issue in this database" in report
    assert "'Parts delivered by pigeon' is not a requirement of IP-" in report
    assert "A row names one source: a context issue, a party's requirement" in report
    assert f"risk_sources, row {len(sources)}, column 'Risk reference': 'RO-9999' is not a " \
           "reference in the risks sheet." in report
    assert _count(demo_db, AuditEntry) == before


def test_a_context_file_with_bad_rows_imports_nothing_and_says_where(demo_db, tmp_path):
    path = _export(demo_db, "context", tmp_path / "c.xlsx")
    issues = _rows(path)["context_issues"]
    external = next(n for n, row in enumerate(issues[1:], start=2) if row[2] == "external")
    path = _edit(path, [
        ("context_issues", 2, "SWOT", "threat"),  # CTX-0001 is internal
        ("context_issues", external, "PESTLE", None),
        ("context_issue_parties", 3, "Party reference", "IP-9999"),
        ("context_issue_parties", 4, "Issue reference", "CTX-0999"),
    ])
    before = _count(demo_db, AuditEntry)
    with pytest.raises(ImportRefused) as caught:
        _import(demo_db, "context", path)
    assert _where(caught.value.problems) == {
        ("context_issues", 2, "SWOT"), ("context_issues", external, "PESTLE"),
        ("context_issue_parties", 3, "Party reference"),
        ("context_issue_parties", 4, "Issue reference")}
    report = caught.value.report()
    assert "context_issues, row 2, column 'SWOT': An internal issue is a strength or " \
           "weakness." in report
    assert "Choose the PESTLE factor" in report
    assert "'IP-9999' is not an interested party in this database" in report
    assert _count(demo_db, AuditEntry) == before


def test_a_changed_source_and_party_update_their_records_and_are_audited(demo_db, tmp_path):
    path = _export(demo_db, "risks", tmp_path / "r.xlsx")
    sources = _rows(path)["risk_sources"]
    row = next(n for n, values in enumerate(sources[1:], start=2)
               if values[0] == "RO-0001" and values[1] is not None)
    _edit(path, [("risk_sources", row, "Context issue reference", "CTX-0012")])
    result = _import(demo_db, "risks", path)
    assert result.updated == ("RO-0001",) and not result.created
    with demo_db.session() as session:
        changed = session.scalars(select(AuditEntry.entity).where(
            AuditEntry.ref == "RO-0001", AuditEntry.action.in_(("create", "delete")),
            AuditEntry.entity == "risk source")).all()
    assert len(changed) >= 2  # the old link deleted, the new one created


def test_a_spreadsheet_with_its_own_headers_comes_in(demo_db, tmp_path):
    path = _write(tmp_path / "risks.xlsx", {
        "Risks": [
            ["Risk", "Type", "Probability", "Severity", "Treatment", "Justification",
             "Review date"],
            ["Power cut stops the CMM room", "Risk", 2, 3, "Accept",
             "Short outages only; the CMM restarts in an hour", "2027-03-01"],
            ["Grant for a second CMM", "opportunity", 2, 2, "pursue", "", "2027-03-01"]],
        "Risk sources": [
            ["Risk", "Interested party", "Need or expectation", "Supplier"],
            [None, "IP-0001", "  ppap LEVEL 3 submission (PSW, control plan, PFMEA, MSA, "
             "Cpk ≥ 1.67) for every new part number and every engineering change", None]]})
    with pytest.raises(ImportRefused) as caught:  # a new risk has no reference to link to
        _import(demo_db, "risks", path, dry_run=True)
    assert "Which record is this for? The reference is empty." in caught.value.report()
    workbook = openpyxl.load_workbook(path)
    workbook["Risks"].insert_cols(1)
    for row, ref in ((1, "Ref"), (2, "RO-0101"), (3, "RO-0102")):
        workbook["Risks"].cell(row, 1, ref)
    workbook["Risk sources"].cell(2, 1, "ro-0101")
    workbook.save(path)
    result = _import(demo_db, "risks", path)
    assert result.created == ("RO-0101", "RO-0102")
    with demo_db.session() as session:
        risk_id = session.scalar(select(Risk.id).where(Risk.ref == "RO-0101"))
    record = risk_service.get_risk(demo_db, risk_id)
    assert (record.kind, record.treatment, record.likelihood) == ("risk", "accept", 2)
    assert len(record.requirement_ids) == 1  # matched whatever the case and spacing


@pytest.mark.parametrize("key", ["context", "risks"])
def test_the_template_has_every_sheet_and_header(key, tmp_path):
    path = write_template(key, tmp_path / f"{key}.xlsx")
    rows = _rows(path)
    assert list(rows) == [sheet.name for sheet in REGISTERS[key].sheets]
    for sheet in REGISTERS[key].sheets:
        assert rows[sheet.name] == [sheet.headers]
