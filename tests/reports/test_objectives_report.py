"""The policy and objectives PDF: policy, summary with health words, one chart per objective."""

from __future__ import annotations

import re
from datetime import date, timedelta

from qmsdesk.models.db import Database
from qmsdesk.services.actions import service as actions
from qmsdesk.services.objectives import policy, rules
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.services.org_settings import OrgSettings, save_settings
from qmsdesk.services.progress import Progress, run_task
from tests.reports.helpers import objectives_report
from tests.reports.test_parties_report import image_xobjects, pdf_text

PREPARED_BY = "Piotr Zieliński"
STATEMENT = "Nordwerk delivers precision parts right first time, on time, every time."
COMMITMENTS = ["Meet customer and statutory requirements", "Improve continually"]
TITLE_1 = "Liefertreue für Müller & <Partner>"
TITLE_2 = "Calibration turnaround within the agreed range"


def make_objective(today: date, title: str, **values: object) -> ObjectiveRecord:
    record = objectives.new_objective(today)
    record.title = title
    record.kpi_name = "On-time delivery"
    record.unit = "%"
    record.owner = "Anna Kowalska"
    record.policy_commitment = COMMITMENTS[0]
    record.status = "active"
    for key, value in values.items():
        setattr(record, key, value)
    return record


def monthly(first: date, values: list[float]) -> list[MeasurementRecord]:
    """One measurement on the last day of each month from ``first``'s month on."""
    result = []
    year, month = first.year, first.month
    for value in values:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        result.append(MeasurementRecord(on_date=nxt - timedelta(days=1), value=value,
                                        comment=f"Month {month}"))
        year, month = nxt.year, nxt.month
    return result


def add_objectives(db: Database, today: date) -> tuple[ObjectiveRecord, ObjectiveRecord]:
    save_settings(db, OrgSettings(organisation="Nordwerk Qualität AG",
                                  approved_by="Jana Nováková"))
    policy.revise_policy(db, "First policy", COMMITMENTS, "Jana Nováková",
                         today - timedelta(days=400), today)
    policy.revise_policy(db, STATEMENT, COMMITMENTS, "Jana Nováková",
                         today - timedelta(days=300), today)
    first = objectives.save_objective(db, make_objective(
        today, TITLE_1, baseline=91.0, target=97.0, direction="increase", frequency="monthly",
        start_date=date(2026, 1, 1), due_date=date(2026, 12, 31), process="Shipping",
        measurements=monthly(date(2026, 1, 1), [91.5, 92.0, 92.4, 93.0, 93.2, 94.0, 94.5,
                                                95.0, 95.5, 96.0])), today)
    second = objectives.save_objective(db, make_objective(
        today, TITLE_2, kpi_name="Turnaround", unit="days", baseline=7.0, target=2.0,
        target_max=4.0, direction="band", frequency="quarterly", start_date=date(2026, 1, 1),
        due_date=date(2027, 6, 30), policy_commitment=COMMITMENTS[1],
        measurements=[MeasurementRecord(date(2026, 3, 31), 6.8),
                      MeasurementRecord(date(2026, 6, 30), 6.4),
                      MeasurementRecord(date(2026, 9, 30), 6.0, "New supplier")]), today)
    for objective_id, title, due, status in (
            (first.id, "Second carrier for Poland", today - timedelta(days=10), "open"),
            (first.id, "Weekly backlog review", today + timedelta(days=30), "in progress"),
            (second.id, "Onsite calibration van", today + timedelta(days=90), "open")):
        action = actions.new_action(today, objective_id=objective_id)
        action.title, action.owner, action.status = title, "Tomasz", status
        action.start_date, action.due_date = today - timedelta(days=60), due
        actions.save_action(db, action, today)
    done = actions.new_action(today, objective_id=first.id)
    done.title, done.status, done.start_date = "Pack-and-ship checklist", "done", today - \
        timedelta(days=90)
    done.due_date = done.completed_on = today - timedelta(days=20)
    done.effectiveness, done.effectiveness_by = "effective", "Jana Nováková"
    done.effectiveness_on = today - timedelta(days=5)
    actions.save_action(db, done, today)
    return first, second


def test_report_prints_policy_objectives_health_and_actions(db, today, tmp_path):
    first, second = add_objectives(db, today)
    health = {row.ref: row.health for row in objectives.list_objectives(db, today)}
    assert health == {first.ref: rules.ON_TRACK, second.ref: rules.AT_RISK}
    out = tmp_path / "reports" / "objectives.pdf"
    seen: list[Progress] = []

    result = run_task(objectives_report(db, out, today, PREPARED_BY), seen.append)

    assert result == out and out.is_file()
    reader, text = pdf_text(out)
    pages = len(reader.pages)
    flat = re.sub(r"\s+", " ", text)
    assert STATEMENT in flat and "First policy" not in flat
    assert "Revision 2, approved by Jana Nováková on" in flat
    for commitment in COMMITMENTS:
        assert commitment in flat
    assert f"{first.ref} — {TITLE_1}" in flat and f"{second.ref} — {TITLE_2}" in flat
    assert "&amp;" not in text and "&lt;" not in text
    assert "On track" in text and "At risk" in text
    assert "2 objectives" in flat and "1 at risk, 1 on track" in flat
    for ref in ("ACT-0001", "ACT-0002", "ACT-0003", "ACT-0004"):
        assert ref in text
    assert text.count("Overdue") == 1  # ACT-0001 only; done and future actions are not
    assert "1 action overdue" in flat
    assert "Effective" in text and "≥ 97 %" in flat and "2–4 days" in flat
    assert "96 %" in flat  # latest value with its unit
    assert "New supplier" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert re.search(r"QMS-REG-6\.2 · Rev 1 · Page 1 of \d+ · Generated", text)
    assert reader.metadata.title == "Quality policy and objectives"
    assert "6.2" in reader.metadata.subject
    images = image_xobjects(reader)
    assert len(images) == 2  # one trend chart per objective
    assert min(width for width, _ in images) >= 1000  # 200 dpi across the frame
    dones = [p.done for p in seen]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert [p.label for p in seen if first.ref in p.label or second.ref in p.label]
    assert seen[-1].total == seen[-1].done + 1


def test_sections_appear_in_order_policy_summary_details(db, today, tmp_path):
    first, _ = add_objectives(db, today)

    _, text = pdf_text(run_task(objectives_report(db, tmp_path / "o.pdf", today, PREPARED_BY)))

    positions = [text.index(heading) for heading in (
        "1. Quality policy", "2. Objectives at a glance", "3. Objectives in detail",
        f"{first.ref} — ", f"Measurements ({first.ref})", f"Action log ({first.ref})")]
    assert positions == sorted(positions)


def test_empty_states_say_so(db, today, tmp_path):
    objectives.save_objective(db, make_objective(
        today, "Nothing measured yet", baseline=10.0, target=5.0, direction="decrease",
        frequency="yearly", start_date=today - timedelta(days=10),
        due_date=today + timedelta(days=400), policy_commitment="Retired commitment"), today)

    reader, text = pdf_text(run_task(objectives_report(db, tmp_path / "o.pdf", today,
                                                       PREPARED_BY)))

    flat = re.sub(r"\s+", " ", text)
    assert "No quality policy recorded" in flat
    assert "No measurements recorded yet." in flat
    assert "No actions recorded for this objective." in flat
    assert "No data" in text
    assert len(image_xobjects(reader)) == 1  # the chart still draws target, baseline, plan


def test_without_objectives_the_report_is_still_a_controlled_document(db, today, tmp_path):
    reader, text = pdf_text(run_task(objectives_report(db, tmp_path / "e.pdf", today,
                                                       PREPARED_BY)))

    flat = re.sub(r"\s+", " ", text)
    assert "No quality objectives recorded" in flat
    assert image_xobjects(reader) == []
    assert f"Page 1 of {len(reader.pages)}" in text


def test_only_the_latest_24_measurements_are_listed(db, today, tmp_path):
    values = [80.0 + k * 0.3 for k in range(30)]
    objectives.save_objective(db, make_objective(
        today, "Long runner", baseline=80.0, target=95.0, direction="increase",
        frequency="monthly", start_date=date(2024, 1, 1), due_date=date(2026, 12, 31),
        measurements=monthly(date(2024, 1, 1), values)), today)

    _, text = pdf_text(run_task(objectives_report(db, tmp_path / "o.pdf", today, PREPARED_BY)))

    flat = re.sub(r"\s+", " ", text)
    assert "6 earlier measurements (before 2024-07-31) are recorded" in flat
    assert "2024-06-30" not in flat and "2026-06-30" in flat


def test_closing_the_generator_early_leaves_no_file(db, today, tmp_path):
    add_objectives(db, today)
    out = tmp_path / "objectives.pdf"
    task = objectives_report(db, out, today, PREPARED_BY)
    for _ in range(3):  # loading and both objective sections
        next(task)
    task.close()

    assert not out.exists()
    assert list(tmp_path.glob("*.pdf*")) == []


def test_the_details_heading_starts_on_the_page_of_the_first_objective(demo_db, today,
                                                                       tmp_path):
    """The demo's summary and archived list end low on a page: the heading must not stay
    there alone while the first objective moves on to the next."""
    out = run_task(objectives_report(demo_db, tmp_path / "objectives.pdf", today,
                                     PREPARED_BY))
    reader, _ = pdf_text(out)
    (page,) = [p.extract_text() for p in reader.pages if "3. Objectives in detail" in
               p.extract_text()]
    after = page.split("3. Objectives in detail", 1)[1]
    assert re.search(r"OBJ-\d{4}-\d{2} —", after), after[:200]
