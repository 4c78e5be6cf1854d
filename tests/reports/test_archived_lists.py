"""Archived objectives and actions are named in their reports (when, by whom, why), so a gap
in the references is never unexplained; the objectives report no longer details them."""

from __future__ import annotations

from datetime import date
from functools import partial

from qmsdesk.services.actions import archive as action_archive
from qmsdesk.services.objectives import archive as objective_archive
from qmsdesk.services.progress import run_task
from tests.reports.helpers import pdf_text, report_task
from tests.services.test_archive_dated import make_action, make_objective

TODAY = date(2026, 11, 21)


def _flat(db, tmp_path, kind: str) -> str:
    path = run_task(partial(report_task, kind)(db, tmp_path / f"{kind}.pdf", TODAY,
                                               "Anna Kowalska"))
    _reader, text = pdf_text(path)
    return " ".join(text.split())


def test_the_action_log_names_its_archived_actions(db, tmp_path):
    kept = make_action(db, TODAY)
    gone = make_action(db, TODAY, status="cancelled")
    assert "Archived actions" not in _flat(db, tmp_path, "actions")
    action_archive.set_action_archived(db, gone.id, gone.version, True, TODAY,
                                       "Raised twice from the same audit finding")
    flat = _flat(db, tmp_path, "actions")
    archived = flat[flat.index("Archived actions"):]
    assert gone.ref in archived and kept.ref not in archived
    assert "Cancelled" in archived and f"{TODAY.isoformat()} by tester" in archived
    assert "Raised twice from the same audit finding" in archived


def test_the_objectives_report_lists_archived_objectives_apart(db, tmp_path):
    running = make_objective(db, TODAY, status="active", title="On Time In Full 98 %")
    done = make_objective(db, TODAY)
    objective_archive.set_objective_archived(db, done.id, done.version, True, TODAY,
                                             "Held for a year; replaced by OBJ-2027-01")
    flat = _flat(db, tmp_path, "objectives")
    archived = flat[flat.index("Archived objectives"):flat.index("3. Objectives in detail")]
    assert done.ref in archived and "Achieved" in archived
    assert "replaced by OBJ-2027-01" in archived and running.ref not in archived
    detail = flat[flat.index("3. Objectives in detail"):]
    assert running.ref in detail and done.ref not in detail
