"""The action log report (10.2): overdue first, closed actions with their effectiveness
check, counts by source and type, the monthly flow; numbers cross-checked with the log."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from qmsdesk.services.actions import service as actions
from qmsdesk.services.actions.log import NOT_CHECKED, action_log, needs_check
from qmsdesk.services.progress import run_task
from tests.factories import make_action
from tests.reports.helpers import pdf_text, report_task

TODAY = date(2026, 11, 21)
actions_report = partial(report_task, "actions")


def _log(db):
    late = make_action(TODAY, "Replace worn collet chucks", owner="Liam", kind="corrective",
                       start_date=date(2026, 9, 1), due_date=date(2026, 10, 31))
    on_time = make_action(TODAY, "Train second CMM operator", owner="Anna",
                          kind="improvement", due_date=TODAY + timedelta(days=40))
    checked = make_action(TODAY, "Fix burr on SGM housings", kind="corrective",
                          start_date=date(2026, 6, 1), due_date=date(2026, 7, 31),
                          status="done", completed_on=date(2026, 7, 20), progress=100,
                          effectiveness="not effective", effectiveness_by="Anna Kowalska",
                          effectiveness_on=date(2026, 9, 15))
    unchecked = make_action(TODAY, "Contain mixed lot at Harland", kind="corrective",
                            start_date=date(2026, 10, 1), due_date=date(2026, 10, 15),
                            status="done", completed_on=date(2026, 10, 10), progress=100)
    for record in (late, on_time, checked, unchecked):
        actions.save_action(db, record, TODAY)


def test_the_log_sorts_overdue_first_and_flags_unchecked_corrective_actions(db):
    _log(db)
    log = action_log(db, TODAY)
    assert [e.title for e in log.overdue()] == ["Replace worn collet chucks"]
    assert log.overdue()[0].days_overdue == 21
    assert [e.title for e in log.open_on_time()] == ["Train second CMM operator"]
    effectiveness = {e.title: e.effectiveness for e in log.closed()}
    assert effectiveness == {"Fix burr on SGM housings": "not effective",
                             "Contain mixed lot at Harland": NOT_CHECKED}
    assert needs_check("corrective", "done", "") and not needs_check("correction", "done", "")
    months = {m.label: m for m in log.months}
    assert (months["Jul 2026"].closed, months["Oct 2026"].opened,
            months["Oct 2026"].closed) == (1, 1, 1)
    assert months["Nov 2026"].overdue == 1 and months["Oct 2026"].overdue == 0
    assert len(log.months) == 12 and log.months[-1].label == "Nov 2026"


def test_the_report_prints_the_log_in_the_order_an_auditor_reads_it(db, tmp_path):
    _log(db)
    path = run_task(actions_report(db, tmp_path / "log.pdf", TODAY, "Anna Kowalska"))
    reader, text = pdf_text(path)
    flat = " ".join(text.split())
    assert "Action log" in flat and "QMS-REC-10.2" in flat
    assert "Actions in the log 4" in flat
    overdue, open_, closed = (flat.index("3. Overdue actions"),
                              flat.index("4. Open actions on time"),
                              flat.index("5. Closed actions"))
    assert overdue < flat.index("Replace worn collet chucks", overdue) < open_
    assert open_ < flat.index("Train second CMM operator", open_) < closed
    assert "Not effective" in flat[closed:] and "Not checked" in flat[closed:]
    assert "Anna Kowalska 2026-09-15" in flat[closed:]
    assert len(reader.pages) >= 2


def test_an_empty_log_still_prints_a_controlled_document(db, tmp_path):
    path = run_task(actions_report(db, tmp_path / "log.pdf", TODAY, "Anna Kowalska"))
    _, text = pdf_text(path)
    flat = " ".join(text.split())
    assert "No action is overdue." in flat and "No action has been closed yet." in flat
