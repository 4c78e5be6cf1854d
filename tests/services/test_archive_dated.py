"""Archiving objectives and actions (issue 17): a date and a reason beside the status that
keeps the outcome, refused while something is unfinished, read as archive/restore in the
audit trail, left out of the working lists (the dashboard) and kept in the export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.services import dashboard
from qmsdesk.services.actions import archive as action_archive
from qmsdesk.services.actions import service as actions
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.archiving import archived_by
from qmsdesk.services.errors import ConflictError, ValidationError
from qmsdesk.services.exchange.tables import raw_rows
from qmsdesk.services.objectives import archive as objective_archive
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.records import ObjectiveRecord
from qmsdesk.services.objectives.sheets import OBJECTIVES


def make_objective(db: Database, today: date, status: str = "achieved",
                   title: str = "Right First Time 99.8 %") -> ObjectiveRecord:
    record = objectives.new_objective(date(2026, 1, 1))
    record.title, record.kpi_name, record.unit = title, "Right first time", "%"
    record.baseline, record.target = 98.5, 99.8
    record.owner, record.policy_commitment = "James O'Neill", "Right first time"
    record.status = status
    return objectives.save_objective(db, record, today)


def make_action(db: Database, today: date, status: str = "done",
                **links: int | None) -> ActionRecord:
    record = actions.new_action(today, **links)
    record.title, record.owner = "Retrain the press operators", "Anna Kowalska"
    record.due_date = today + timedelta(days=10)
    record.status = status
    if status == "done":
        record.completed_on = today
    return actions.save_action(db, record, today)


def _audit(db: Database, ref: str, field: str) -> list[tuple[str, str, str]]:
    with db.read() as session:
        return [(e.action, e.old_value, e.new_value) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.ref == ref, AuditEntry.field == field)
            .order_by(AuditEntry.id))]


def test_an_action_is_archived_with_a_reason_and_restored(db: Database, today: date) -> None:
    done = make_action(db, today)
    archived = action_archive.set_action_archived(db, done.id, done.version, True, today,
                                                  "  Duplicate of  ACT-0009 ")
    assert (archived.archived_on, archived.archive_reason) == (today, "Duplicate of ACT-0009")
    assert archived.status == "done"  # the outcome is kept
    assert [r.ref for r in actions.list_actions(db, today, include_archived=False)] == []
    assert [r.archived_on for r in actions.list_actions(db, today)] == [today]
    restored = action_archive.set_action_archived(db, done.id, archived.version, False, today)
    assert (restored.archived_on, restored.archive_reason) == (None, "")
    assert [a for a, *_ in _audit(db, done.ref, "archived_on")] == ["archive", "restore"]
    assert archived_by(db, "action") == {done.ref: (today, "tester")}


def test_an_open_action_is_refused_and_a_reason_is_needed(db: Database, today: date) -> None:
    still_open = make_action(db, today, status="in progress")
    with pytest.raises(ValidationError) as refused:
        action_archive.set_action_archived(db, still_open.id, still_open.version, True, today,
                                           "Not needed")
    assert "in progress: mark it done, or cancel it" in refused.value.errors["archived_on"]
    cancelled = make_action(db, today, status="cancelled")
    with pytest.raises(ValidationError) as no_reason:
        action_archive.set_action_archived(db, cancelled.id, cancelled.version, True, today,
                                           "   ")
    assert "Say why" in no_reason.value.errors["archive_reason"]
    with pytest.raises(ConflictError):  # the user's copy is stale
        action_archive.set_action_archived(db, cancelled.id, cancelled.version - 1, True,
                                           today, "Superseded")
    archived = action_archive.set_action_archived(db, cancelled.id, cancelled.version, True,
                                                  today, "Superseded")
    with pytest.raises(ValidationError):  # already archived
        action_archive.set_action_archived(db, cancelled.id, archived.version, True, today,
                                           "Again")


def test_an_archived_action_is_not_taken_up_again_without_restoring(
        db: Database, today: date) -> None:
    done = make_action(db, today)
    archived = action_archive.set_action_archived(db, done.id, done.version, True, today,
                                                  "Closed out")
    archived.status = "open"
    with pytest.raises(ValidationError) as refused:
        actions.save_action(db, archived, today)
    assert "Restore it to take it up again" in refused.value.errors["archived_on"]
    # Saved unchanged from its editor, an archived action stays archived.
    again = actions.get_action(db, done.id)
    again.description = "Trained all three shifts"
    assert actions.save_action(db, again, today).archived_on == today


def test_an_objective_needs_its_outcome_and_its_actions_closed(db: Database,
                                                              today: date) -> None:
    running = make_objective(db, today, status="active")
    with pytest.raises(ValidationError) as undecided:
        objective_archive.set_objective_archived(db, running.id, running.version, True,
                                                 today, "Dropped")
    assert "is active: set its outcome" in undecided.value.errors["archived_on"]
    achieved = make_objective(db, today, title="On Time In Full 98 %")
    late = make_action(db, today, status="open", objective_id=achieved.id)
    with pytest.raises(ValidationError) as unfinished:
        objective_archive.set_objective_archived(db, achieved.id, achieved.version, True,
                                                 today, "Reached and held")
    assert f"1 open action ({late.ref})" in unfinished.value.errors["archived_on"]
    late.status, late.completed_on = "done", today
    actions.save_action(db, late, today)
    archived = objective_archive.set_objective_archived(db, achieved.id, achieved.version,
                                                        True, today, "Reached and held")
    assert (archived.archived_on, archived.status) == (today, "achieved")
    assert [r.ref for r in objectives.list_objectives(db, today)] == [running.ref]
    assert {r.ref for r in objectives.list_objectives(db, today, include_archived=True)} == {
        running.ref, achieved.ref}
    restored = objective_archive.set_objective_archived(db, achieved.id, archived.version,
                                                        False, today)
    assert restored.archived_on is None
    assert _audit(db, achieved.ref, "archived_on") == [
        ("archive", "", today.isoformat()), ("restore", today.isoformat(), "")]


def test_archived_records_leave_the_working_lists_and_stay_in_the_export(
        db: Database, today: date) -> None:
    objective = make_objective(db, today, status="cancelled")
    action = make_action(db, today, status="cancelled")
    before = dashboard.overview(db, today)
    objective_archive.set_objective_archived(db, objective.id, objective.version, True,
                                             today, "Replaced by OBJ-2027-01")
    action_archive.set_action_archived(db, action.id, action.version, True, today,
                                       "Raised twice")
    after = dashboard.overview(db, today)
    assert before.actions_by_status["cancelled"] == 1
    assert after.actions_by_status["cancelled"] == 0
    exported = raw_rows(db, OBJECTIVES)
    row = dict(zip(OBJECTIVES.headers, exported[0], strict=True))
    assert (row["Archived on"], row["Archive reason"]) == (today, "Replaced by OBJ-2027-01")


def test_the_due_lists_leave_archived_records_out_whatever_their_status(
        db: Database, today: date) -> None:
    """The rules keep open records out of the archive; the due lists (dashboard, My work,
    calendar) do not rely on it: a record archived by any other path is not due either."""
    from qmsdesk.models.objectives import Action, Objective
    from qmsdesk.services.actions.due import DUE as ACTIONS_DUE
    from qmsdesk.services.objectives.due import DUE as OBJECTIVES_DUE

    late = make_action(db, today, status="open")
    running = make_objective(db, today, status="active")
    horizon = today + timedelta(days=400)
    with db.read() as session:
        assert {i.ref for i in ACTIONS_DUE.find(session, today, horizon, None)} == {late.ref}
        assert {i.ref for i in OBJECTIVES_DUE.find(session, today, horizon, None)} == {running.ref}
    with db.session() as session:
        for model, ref in ((Action, late.ref), (Objective, running.ref)):
            record = session.scalars(select(model).where(model.ref == ref)).one()
            record.archived_on, record.archive_reason = today, "Archived in an older version"
    with db.read() as session:
        assert not list(ACTIONS_DUE.find(session, today, horizon, None))
        assert not list(OBJECTIVES_DUE.find(session, today, horizon, None))
