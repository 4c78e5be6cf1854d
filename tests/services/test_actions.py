"""The action-log service: saving with links, the log and its filters, conflicts, reopening."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action, Objective
from qmsdesk.services.actions import rules
from qmsdesk.services.actions import service as actions
from qmsdesk.services.actions.records import ActionRecord, ActionRow
from qmsdesk.services.errors import ConflictError, NotFoundError, ValidationError
from qmsdesk.services.parties import service as parties
from tests.factories import make_action as _action
from tests.factories import make_party
from tests.services.test_action_rules import INVALID, START

YESTERDAY = date(2026, 11, 20)


def _objective(db: Database, ref: str = "OBJ-2026-01",
               title: str = "Right First Time 99.8 %") -> int:
    with db.session() as session:
        objective = Objective(ref=ref, title=title, kpi_name="Right first time",
                              baseline=98.5, target=99.8, direction="increase",
                              frequency="monthly", start_date=date(2026, 1, 1),
                              due_date=date(2026, 12, 31), status="active")
        session.add(objective)
        session.flush()
        return objective.id


def _party(db: Database, today: date, name: str = "Acme Tools") -> int:
    saved = parties.save_party(db, make_party(today, name=name), today)
    assert saved.id is not None
    return saved.id


def _counts(db: Database) -> tuple[int, int]:
    with db.session() as session:
        return (session.scalar(select(func.count()).select_from(Action)) or 0,
                session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _errors_of(db: Database, record: ActionRecord, today: date) -> dict[str, str]:
    before = _counts(db)
    with pytest.raises(ValidationError) as caught:
        actions.save_action(db, record, today)
    assert _counts(db) == before  # a save with errors writes nothing, not even audit
    for key, message in caught.value.errors.items():
        assert f"{key}: {message}" in str(caught.value)
    return caught.value.errors


def _audit(db: Database, ref: str, field: str) -> list[tuple[str, str, str]]:
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(AuditEntry.action, AuditEntry.old_value, AuditEntry.new_value)
            .where(AuditEntry.ref == ref, AuditEntry.field == field)
            .order_by(AuditEntry.id))]


def _done(db: Database, today: date, **values: object) -> ActionRecord:
    """A saved action, done yesterday and checked effective today."""
    return actions.save_action(db, _action(
        today, start_date=START, status="done", completed_on=YESTERDAY,
        effectiveness="effective", effectiveness_by="QM", effectiveness_on=today,
        **values), today)


@pytest.mark.parametrize("case", INVALID)
def test_every_rule_reaches_the_caller_and_nothing_is_written(db: Database, today: date,
                                                              case: str) -> None:
    # ids 1 in the table name these two, so only the rule under test can fail
    assert (_objective(db), _party(db, today)) == (1, 1)
    change, expected = INVALID[case]
    record = _action(today, start_date=START)
    change(record)
    assert _errors_of(db, record, today) == expected


@pytest.mark.parametrize(("source", "link", "message"), [
    ("objective", "objective_id", "The linked objective no longer exists. Choose another."),
    ("party", "party_id", "The linked party no longer exists. Choose another."),
])
def test_a_link_to_a_missing_record_is_refused(db: Database, today: date, source: str,
                                               link: str, message: str) -> None:
    record = _action(today, source=source, **{link: 42})
    assert _errors_of(db, record, today) == {link: message}


def test_a_link_to_a_missing_record_is_reported_with_the_other_errors(db: Database,
                                                                     today: date) -> None:
    record = _action(today, title="", source="objective", objective_id=42)
    assert set(_errors_of(db, record, today)) == {"title", "objective_id"}


def test_round_trip_with_an_objective(db: Database, today: date) -> None:
    objective_id = _objective(db)
    record = actions.new_action(today, objective_id=objective_id)
    assert (record.source, record.kind, record.start_date, record.status) == (
        "objective", "improvement", today, "open")
    record.title = "  Poka-yoke on line 2 "
    record.owner = "Production"
    record.due_date = today + timedelta(days=30)
    record.progress = 20
    record.description = "Fixture so the part cannot be loaded the wrong way round."
    saved = actions.save_action(db, record, today)

    assert (saved.id, saved.ref, saved.version) == (1, "ACT-0001", 1)
    assert saved.title == "Poka-yoke on line 2"  # stripped
    assert (saved.source, saved.objective_id, saved.party_id) == ("objective", objective_id,
                                                                  None)
    assert (saved.source_ref, saved.source_title) == ("OBJ-2026-01", "Right First Time 99.8 %")
    assert saved.updated_at is not None
    assert actions.get_action(db, saved.id) == saved
    expected = {name: getattr(record, name) for name in (
        "description", "kind", "owner", "start_date", "due_date", "status", "progress",
        "completed_on", "effectiveness", "effectiveness_by", "effectiveness_on", "evidence")}
    assert {name: getattr(saved, name) for name in expected} == expected

    assert actions.list_actions(db, today) == [ActionRow(
        id=1, ref="ACT-0001", title="Poka-yoke on line 2", kind="improvement",
        source="objective", source_ref="OBJ-2026-01", owner="Production",
        due_date=today + timedelta(days=30), status="open", progress=20, overdue=False,
        effectiveness="")]


def test_round_trip_with_a_party(db: Database, today: date) -> None:
    party_id = _party(db, today, name="Müller GmbH")
    record = actions.new_action(today, party_id=party_id)
    assert (record.source, record.kind) == ("party", "corrective")
    record.title = "Answer complaint about late delivery"
    saved = actions.save_action(db, record, today)
    assert (saved.source, saved.party_id, saved.source_ref, saved.source_title) == (
        "party", party_id, "IP-0001", "Müller GmbH")
    row = actions.list_actions(db, today)[0]
    assert (row.source, row.source_ref) == ("party", "IP-0001")


def test_an_action_without_source(db: Database, today: date) -> None:
    saved = actions.save_action(db, _action(today), today)
    assert (saved.source, saved.source_ref, saved.source_title) == ("none", "", "")
    row = actions.list_actions(db, today)[0]
    assert (row.source, row.source_ref) == ("none", "")


def test_the_source_can_be_changed(db: Database, today: date) -> None:
    objective_id, party_id = _objective(db), _party(db, today)
    saved = actions.save_action(db, _action(today, source="objective",
                                            objective_id=objective_id), today)
    saved.source, saved.objective_id, saved.party_id = "party", None, party_id
    moved = actions.save_action(db, saved, today)
    assert (moved.source, moved.source_ref, moved.version) == ("party", "IP-0001", 2)
    assert _audit(db, "ACT-0001", "party_id") == [("update", "", str(party_id))]
    assert _audit(db, "ACT-0001", "objective_id") == [
        ("create", "", str(objective_id)), ("update", str(objective_id), "")]


def test_filters(db: Database, today: date) -> None:
    first, second = _objective(db), _objective(db, ref="OBJ-2026-02", title="OTIF 95 %")
    party_id = _party(db, today)
    plan = [("A", "objective", first, "open"), ("B", "objective", first, "done"),
            ("C", "objective", second, "in progress"), ("D", "party", party_id, "cancelled"),
            ("E", "party", party_id, "open"), ("F", "none", None, "open")]
    for title, source, link, status in plan:
        values: dict[str, object] = {"source": source, "status": status}
        if link is not None:
            values[f"{source}_id"] = link
        if status == "done":
            values["completed_on"] = today
        actions.save_action(db, _action(today, title=title, **values), today)

    def titles(**filters: object) -> list[str]:
        return [row.title for row in actions.list_actions(db, today, **filters)]

    assert titles() == ["A", "B", "C", "D", "E", "F"]
    assert titles(objective_id=first) == ["A", "B"]
    assert titles(objective_id=second) == ["C"]
    assert titles(party_id=party_id) == ["D", "E"]
    assert titles(include_closed=False) == ["A", "C", "E", "F"]
    assert titles(objective_id=first, include_closed=False) == ["A"]
    assert titles(party_id=party_id, include_closed=False) == ["E"]
    assert titles(objective_id=99) == []
    assert [row.source_ref for row in actions.list_actions(db, today)] == [
        "OBJ-2026-01", "OBJ-2026-01", "OBJ-2026-02", "IP-0001", "IP-0001", ""]


def test_the_log_flags_overdue_actions(db: Database, today: date) -> None:
    for title, due, status in [("late", YESTERDAY, "open"), ("late too", YESTERDAY,
                                                            "in progress"),
                               ("due today", today, "open"), ("no date", None, "open"),
                               ("cancelled", YESTERDAY, "cancelled")]:
        actions.save_action(db, _action(today, title=title, start_date=START, due_date=due,
                                        status=status), today)
    _done(db, today, title="done", due_date=YESTERDAY)
    assert [(r.title, r.overdue) for r in actions.list_actions(db, today)] == [
        ("late", True), ("late too", True), ("due today", False), ("no date", False),
        ("cancelled", False), ("done", False)]
    tomorrow = today + timedelta(days=1)
    assert [r.overdue for r in actions.list_actions(db, tomorrow)][:3] == [True, True, True]


def test_done_means_progress_100(db: Database, today: date) -> None:
    saved = actions.save_action(db, _action(today, status="done", completed_on=today,
                                            progress=30), today)
    assert saved.progress == 100
    assert actions.list_actions(db, today)[0].progress == 100


def test_a_done_action_with_its_effectiveness_check(db: Database, today: date) -> None:
    saved = _done(db, today)
    row = actions.list_actions(db, today)[0]
    assert (saved.status, saved.completed_on, saved.effectiveness_on) == (
        "done", YESTERDAY, today)
    assert (row.status, row.effectiveness, row.progress) == ("done", "effective", 100)


def test_second_of_two_editors_gets_a_conflict(db: Database, today: date) -> None:
    saved = actions.save_action(db, _action(today), today)
    first = actions.get_action(db, saved.id)
    second = actions.get_action(db, saved.id)
    first.owner = "Maintenance"
    assert actions.save_action(db, first, today).version == 2
    second.owner = "Quality"
    second.progress = 50
    before = _counts(db)
    with pytest.raises(ConflictError) as caught:
        actions.save_action(db, second, today)
    assert "ACT-0001 was changed elsewhere" in str(caught.value)
    assert "nothing was saved" in str(caught.value)
    assert _counts(db) == before
    stored = actions.get_action(db, saved.id)
    assert (stored.owner, stored.progress, stored.version) == ("Maintenance", 0, 2)


def test_an_invalid_edit_leaves_the_stored_action_unchanged(db: Database,
                                                            today: date) -> None:
    saved = actions.save_action(db, _action(today, owner="QA"), today)
    saved.owner = "Someone else"
    saved.status = "done"  # without a completion date
    assert _errors_of(db, saved, today) == {
        "completed_on": "Enter the completion date to mark the action done."}
    stored = actions.get_action(db, saved.id)
    assert (stored.owner, stored.status, stored.progress, stored.version) == (
        "QA", "open", 0, 1)


def test_missing_action_is_not_found(db: Database, today: date) -> None:
    with pytest.raises(NotFoundError, match="#99 does not exist"):
        actions.get_action(db, 99)
    ghost = _action(today, id=99, ref="ACT-0099", version=1)
    with pytest.raises(NotFoundError, match="no longer exists"):
        actions.save_action(db, ghost, today)
    assert _counts(db) == (0, 0)


def test_refs_are_sequential(db: Database, today: date) -> None:
    refs = [actions.save_action(db, _action(today, title=f"Action {n}"), today).ref
            for n in range(3)]
    assert refs == ["ACT-0001", "ACT-0002", "ACT-0003"]
    edited = actions.get_action(db, 2)
    edited.owner = "QA"
    assert actions.save_action(db, edited, today).ref == "ACT-0002"  # an edit keeps its ref
    assert actions.save_action(db, _action(today), today).ref == "ACT-0004"


def test_refs_continue_after_a_gap(db: Database, today: date) -> None:
    with db.session() as session:
        session.add(Action(ref="ACT-0041", title="Imported", kind="corrective"))
    assert actions.save_action(db, _action(today), today).ref == "ACT-0042"


@pytest.mark.parametrize("new_status", ["open", "in progress"])
def test_reopening_clears_completion_and_check_and_is_in_the_audit_trail(
        db: Database, today: date, new_status: str) -> None:
    saved = _done(db, today)
    saved.status = new_status  # the editor still shows the old completion and check
    reopened = actions.save_action(db, saved, today)
    assert (reopened.status, reopened.version) == (new_status, 2)
    assert (reopened.completed_on, reopened.effectiveness, reopened.effectiveness_by,
            reopened.effectiveness_on) == (None, "", "", None)
    assert reopened.progress == 100  # kept: the editor moves it back if work remains

    status = _audit(db, "ACT-0001", "status")
    assert [(old, new) for _, old, new in status] == [("", "done"), ("done", new_status)]
    # the cleared values stay readable in the trail
    assert _audit(db, "ACT-0001", "completed_on")[-1][1:] == (YESTERDAY.isoformat(), "")
    assert _audit(db, "ACT-0001", "effectiveness")[-1][1:] == ("effective", "")
    assert _audit(db, "ACT-0001", "effectiveness_by")[-1][1:] == ("QM", "")
    assert _audit(db, "ACT-0001", "effectiveness_on")[-1][1:] == (today.isoformat(), "")


def test_reopening_a_cancelled_action(db: Database, today: date) -> None:
    saved = actions.save_action(db, _action(today, status="cancelled"), today)
    saved.status = "in progress"
    assert actions.save_action(db, saved, today).status == "in progress"
    assert [(old, new) for _, old, new in _audit(db, "ACT-0001", "status")] == [
        ("", "cancelled"), ("cancelled", "in progress")]


def test_reopening_is_named_reopen_in_the_audit_trail(db: Database, today: date) -> None:
    saved = _done(db, today)
    saved.status = "open"
    actions.save_action(db, saved, today)
    assert _audit(db, "ACT-0001", "status")[-1] == ("reopen", "done", "open")


def test_cancelling_a_done_action_is_not_a_reopening(db: Database, today: date) -> None:
    saved = _done(db, today)
    saved.status = "cancelled"  # the completion date is not cleared silently
    assert _errors_of(db, saved, today) == {
        "completed_on": "A completion date is entered only when the action is done.",
        "effectiveness": "The effectiveness check comes after the action is done."}


def test_count_open_actions_per_objective(db: Database, today: date) -> None:
    first, second, third = (_objective(db, ref=f"OBJ-2026-0{n}") for n in (1, 2, 3))
    party_id = _party(db, today)
    for objective_id, status in [(first, "open"), (first, "in progress"), (first, "done"),
                                 (first, "cancelled"), (second, "open")]:
        done = {"completed_on": today} if status == "done" else {}
        actions.save_action(db, _action(today, source="objective", objective_id=objective_id,
                                        status=status, **done), today)
    actions.save_action(db, _action(today, source="party", party_id=party_id), today)
    actions.save_action(db, _action(today), today)

    assert actions.count_open_actions(db, [first, second, third]) == {
        first: 2, second: 1, third: 0}
    assert actions.count_open_actions(db, [second]) == {second: 1}
    assert actions.count_open_actions(db, [second, second]) == {second: 1}
    assert actions.count_open_actions(db, []) == {}
    assert actions.count_open_actions(db, iter([first])) == {first: 2}


def test_count_open_actions_for_many_objectives(db: Database, today: date) -> None:
    objective_id = _objective(db)
    actions.save_action(db, _action(today, source="objective", objective_id=objective_id),
                        today)
    counts = actions.count_open_actions(db, range(1, 1201))  # more than one query's worth
    assert len(counts) == 1200
    assert counts[objective_id] == 1
    assert sum(counts.values()) == 1


def test_every_source_has_a_name_column() -> None:
    assert set(actions.SOURCE_NAMES) == set(rules.SOURCE_LINKS)
    for link in rules.LINK_FIELDS:
        assert hasattr(Action, link)


@pytest.mark.parametrize("link", rules.LINK_FIELDS)
def test_the_actions_of_every_linked_record_read_at_once_are_those_read_one_by_one(
        shared_demo: Database, today: date, link: str) -> None:
    by_record = actions.actions_by_link(shared_demo, today, link)
    with shared_demo.read() as session:
        linked = session.scalar(select(func.count()).where(getattr(Action, link).is_not(None)))
    assert sum(len(rows) for rows in by_record.values()) == linked
    if link == "supplier_review_id":
        assert len(by_record) > 3  # the demo raises actions from several reviews
    for record_id, rows in by_record.items():
        assert rows == actions.list_actions(shared_demo, today, **{link: record_id})
    with pytest.raises(TypeError):
        actions.actions_by_link(shared_demo, today, "supplier_id")


def test_the_actions_of_some_records_read_at_once_are_theirs_in_chunks_of_any_size(
        shared_demo: Database, today: date) -> None:
    """Asked for some records (a report's batch of supplier reviews), the actions of those
    records only, however many ids are asked for (more than one query's worth)."""
    every = actions.actions_by_link(shared_demo, today, "supplier_review_id")
    some = sorted(every)[::2]
    asked = [*some, *range(10_000, 10_600)]  # ids without actions: more than one chunk
    assert actions.actions_by_link(shared_demo, today, "supplier_review_id", asked) == {
        record_id: every[record_id] for record_id in some}
    assert actions.actions_by_link(shared_demo, today, "supplier_review_id", []) == {}
