"""The context, risks and opportunities PDF: findings first, context by SWOT and PESTLE, heat
maps before and after treatment, the register and the treatment plans with their actions."""

from __future__ import annotations

import re
from datetime import date

from pypdf import PdfReader

from qmsdesk.models.db import Database
from qmsdesk.registers import BY_KEY
from qmsdesk.services.progress import Progress, run_task
from tests.reports.helpers import pdf_text, report_task
from tests.reports.test_parties_report import image_xobjects
from tests.risk_data import build_chains

PREPARED_BY = "Zoë Łukasiewicz"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start):text.index(end, text.index(start))]


def test_the_report_is_in_the_catalogue_as_a_report_of_the_risks_register():
    risks, = (r for r in BY_KEY["risks"].reports if r.key == "risks")
    assert (risks.title, risks.module, risks.file_stem, risks.document_number) == (
        "Context, risks and opportunities", "qmsdesk.reports.risks_report", "risks",
        "QMS-REG-6.1")


def test_findings_come_first_then_context_heat_maps_register_and_plans(db: Database,
                                                                       today: date, tmp_path):
    build_chains(db, today)
    seen: list[Progress] = []
    path = run_task(report_task("risks", db, tmp_path / "risks.pdf", today, PREPARED_BY),
                    seen.append)
    reader, raw = pdf_text(path)
    text = _flat(raw)

    assert "QMS-REG-6.1" in text and PREPARED_BY in text
    assert "Context, risks and opportunities" in text
    order = [text.index(h) for h in ("Summary", "1. Findings", "2. Context of the organisation",
                                     "3. Heat maps before and after treatment",
                                     "4. Register of risks and opportunities",
                                     "5. Treatment plans")]
    assert order == sorted(order)
    findings = _between(text[text.index("1. Findings"):], "High risks without an open action",
                        "Evaluations due")
    # RO-0003 (its action runs through an objective) and RO-0006 (untreated) are findings;
    # RO-0002 (medium) and the opportunities are not.
    assert {"RO-0003", "RO-0006"} <= set(re.findall(r"RO-\d{4}", findings))
    assert not {"RO-0002", "RO-0004", "RO-0007"} & set(re.findall(r"RO-\d{4}", findings))
    assert "No evaluation of effectiveness is overdue." in text
    context = _between(text, "2. Context of the organisation", "3. Heat maps")
    assert context.index("Strengths (internal)") < context.index("CTX-0002")
    assert context.index("Threats (external)") < context.index("CTX-0001")
    assert "Economic 0 1" in context  # PESTLE: economic threats
    assert "Heat treatment costs rise" in context
    assert "Risks before treatment" not in text  # the titles are inside the chart images
    images = image_xobjects(reader)
    assert len(images) == 4  # risks and opportunities, before and after
    assert "4 risks not yet rated after treatment are left out" in text  # all but RO-0001
    assert "2 opportunities not yet rated after treatment" in text
    register = _between(text, "4. Register of risks and opportunities", "5. Treatment plans")
    assert re.findall(r"RO-\d{4}", register) == [f"RO-000{n}" for n in range(1, 8)]
    assert "16 high 4 low" in register and "IP-0002" in register and "CTX-0001" in register
    plans = text[text.index("5. Treatment plans"):]
    first = _between(plans, "RO-0001 — Late deliveries to Harland", "RO-0002")
    assert "ACT-0001 Second shift in dispatch" in first
    assert "Effective (2026-11-15, Anna Berg)" in first and "OTIF 98.6 % for 3 months" in first
    assert "OBJ-2026-01 PPAP first-time approval" in _between(plans, "RO-0003 —", "RO-0004")
    assert "Accept: Trivial; a kettle will do" in plans
    assert "Not checked" in _between(plans, "RO-0004 —", "RO-0005")  # done, never checked
    assert "Treatment not yet decided Ref Risk or opportunity Rating Owner RO-0006" in plans
    assert seen[-1].label == "Writing the PDF"


def test_an_empty_register_says_so_in_every_section(db: Database, today: date, tmp_path):
    path = run_task(report_task("risks", db, tmp_path / "risks.pdf", today, PREPARED_BY))
    reader = PdfReader(path)
    text = _flat("\n".join(page.extract_text() for page in reader.pages))

    for sentence in ("Every high risk has an open action addressing it.",
                     "No context issues recorded.", "No opportunities recorded.",
                     "No active risks or opportunities recorded.", "No treatment decided yet."):
        assert sentence in text
    assert len(image_xobjects(reader)) == 2  # the risks' maps, saying nothing is rated


def test_the_same_register_gives_the_same_revision(db: Database, today: date, tmp_path):
    build_chains(db, today)
    run_task(report_task("risks", db, tmp_path / "a.pdf", today, PREPARED_BY))
    again = run_task(report_task("risks", db, tmp_path / "b.pdf", today, PREPARED_BY))
    assert "Revision 1" in _flat(PdfReader(again).pages[0].extract_text())
