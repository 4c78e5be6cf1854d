"""The traceability matrix PDF: the gap counts at the top, each chain's references, gaps
named where they are."""

from __future__ import annotations

from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.registers import BY_KEY, reports
from qmsdesk.services.progress import run_task
from tests.reports.helpers import pdf_text, report_task
from tests.risk_data import build_chains

PREPARED_BY = "Zoë Łukasiewicz"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_matrix_is_a_second_report_of_the_risks_register():
    keys = [r.key for r in BY_KEY["risks"].reports]
    assert keys == ["risks", "traceability"]
    assert [r.key for r in reports()].count("traceability") == 1


def test_the_pdf_counts_each_gap_first_then_shows_every_chain(db: Database, today: date,
                                                               tmp_path):
    chains = build_chains(db, today)
    path = run_task(report_task("traceability", db, tmp_path / "t.pdf", today, PREPARED_BY))
    reader, raw = pdf_text(path)
    text = _flat(raw)

    assert "Traceability matrix" in text and "QMS-REC-6.1" in text
    summary = text[text.index("Summary of gaps"):text.index("Matrix Parties")]
    assert "5 requirements traced, 2 with a complete chain and no gap" in summary
    for row in ("No risk assessed 1 requirements", "No action 1 risks and opportunities",
                "Action overdue 1 actions", "Effectiveness not checked 1 risks and"):
        assert row in summary
    assert "determined from it. IP-0001 No action" in summary  # where: the party
    assert "RO-0002" in summary and "ACT-0003" in summary and "RO-0004" in summary
    matrix = text[text.index("Matrix Parties"):]
    # A complete chain: requirement -> risk -> action -> effectiveness.
    otif = matrix[matrix.index("IP-0001 Harland Automotive: OTIF"):
                  matrix.index("IP-0001 Harland Automotive: Monthly")]
    assert "Contractual obligation; Manage closely" in otif
    for ref in ("RO-0001", "ACT-0001 Second shift in dispatch", "Effective (evaluated 2026-11-15)",
                "None"):
        assert ref in otif
    assert "Gap: no risk assessed" in matrix
    ppap = matrix[matrix.index("IP-0003 Ostwind Medical: PPAP"):]
    assert f"{chains.objective_ref} PPAP first-time approval" in ppap
    assert f"ACT-0003 PPAP training for engineers (via {chains.objective_ref})" in ppap
    assert "Overdue" in ppap and "Action overdue" in ppap
    assert "Effectiveness not checked" in ppap
    assert "Regulator Nord: REACH" in matrix and "Archived Partner" not in text
    assert "Annual newsletter" not in text  # monitor, no obligation: not traced
    assert len(reader.pages) >= 2


def test_nothing_to_trace_says_so(db: Database, today: date, tmp_path):
    path = run_task(report_task("traceability", db, tmp_path / "t.pdf", today, PREPARED_BY))
    _reader, raw = pdf_text(path)
    text = _flat(raw)
    assert "0 requirements traced, 0 with a complete chain" in text
    assert "there is nothing to trace" in text
