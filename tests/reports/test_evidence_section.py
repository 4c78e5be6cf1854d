"""Register reports end with the evidence files of their records: name, size, who attached
each when, and the sha256 that identifies the exact file."""

from __future__ import annotations

import re

import pytest

from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services import evidence
from qmsdesk.services.actions import service as actions
from qmsdesk.services.parties.service import save_party
from qmsdesk.services.progress import run_task
from tests.factories import make_party
from tests.reports.helpers import pdf_text


def _report(db, kind, tmp_path, today) -> str:
    issued = run_task(generate_report(db, kind, tmp_path / f"{kind}.pdf",
                                      ReportRequest(today, "Anna Kowalska")))
    return " ".join(pdf_text(issued.path)[1].split())


def test_the_parties_report_lists_each_file_by_name_and_hash(db, today, tmp_path):
    party = save_party(db, make_party(today, "Bowland Gauge Company Ltd"), today)
    (tmp_path / "survey 2026.pdf").write_bytes(b"%PDF survey returns")
    item = evidence.attach(db, "party", party.id, tmp_path / "survey 2026.pdf")
    text = _report(db, "parties", tmp_path, today)
    section = text[text.index("5. Evidence files"):]
    assert "IP-0001 survey 2026.pdf 19 bytes" in section
    assert item.sha256 in re.sub(r"\s", "", section)  # a long hash may wrap


@pytest.mark.parametrize("kind", ["actions", "objectives", "suppliers", "risks"])
def test_a_register_without_files_says_so(db, today, tmp_path, kind):
    record = actions.new_action(today)
    record.title, record.owner, record.due_date = "Fix burrs", "Anna", today
    actions.save_action(db, record, today)
    text = _report(db, kind, tmp_path, today)
    assert "Evidence files" in text
    assert "No evidence files are attached to these records." in text
