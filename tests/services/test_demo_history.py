"""The demo's history: its audit trail tells the story on the story's days, in order, and a
management review of the past year finds the changes in interested parties it made."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from qmsdesk import clock
from qmsdesk.models.audit import AuditEntry
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.dates import add_months
from qmsdesk.services.demo import history
from qmsdesk.services.demo import parties as demo_parties
from qmsdesk.services.demo.builder import create_demo
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties.service import list_parties
from qmsdesk.services.progress import run_task
from qmsdesk.services.review_inputs.parties import party_changes
from qmsdesk.services.suppliers.reviews import get_review, list_reviews
from qmsdesk.services.suppliers.service import get_supplier, list_suppliers
from tests.conftest import NOW, TODAY


def _entries(db):
    with db.read() as session:
        return session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def _last_full_year(today):
    end = today.replace(day=1) - timedelta(days=1)
    return add_months(end + timedelta(days=1), -12), end


def test_the_trail_starts_years_ago_in_order_and_verifies(demo_db):
    entries = _entries(demo_db)
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments)  # chained in the order it happened
    assert moments[0].date() <= add_months(TODAY, -history.QMS_MONTHS) + timedelta(days=1)
    assert moments[-1] <= NOW  # nothing dated after the demo was made
    assert len({moment.date() for moment in moments}) > 250  # written over years, not a day
    by_year = {moment.year for moment in moments}
    assert by_year == set(range(TODAY.year - 3, TODAY.year + 1))
    report = verify_database(demo_db)
    assert report.ok, report.problems
    assert report.chain is not None and report.chain.entries == len(entries)


def _created_on(entries, entity, ref):
    return min(e.at.date() for e in entries if e.entity == entity and e.ref == ref
               and e.action == "create")


def test_parties_are_added_engaged_and_archived_on_their_days(demo_db):
    entries = _entries(demo_db)
    rows = {row.name: row for row in list_parties(demo_db, TODAY, include_archived=True)}
    founded = history.started_on(TODAY)
    harland = rows["Harland Automotive Systems Ltd"]
    assert _created_on(entries, "party", harland.ref) - founded < timedelta(days=14)
    (spec,) = [spec for spec in demo_parties.PARTIES if spec.archived]
    archived = [e for e in entries if e.ref == rows[spec.name].ref and e.action == "archive"]
    assert [e.at.date() for e in archived] == [demo_parties._weekday(
        add_months(TODAY, -spec.archived_months_ago))]
    late = [spec for spec in demo_parties.PARTIES if spec.added_months_ago is not None]
    assert late
    for spec in late:
        added = _created_on(entries, "party", rows[spec.name].ref)
        assert added == demo_parties._weekday(add_months(TODAY, -spec.added_months_ago))
    # each engagement logged on its own day: its "create" entries fall on its date
    engagement_days = {e.at.date() for e in entries
                       if e.entity == "party engagement" and e.action == "create"}
    logged = {e.new_value for e in entries
              if e.entity == "party engagement" and e.field == "on_date"
              and e.action == "create" and e.at.date().isoformat() == e.new_value}
    assert len(engagement_days) > 50 and len(logged) > 50


def test_supplier_approvals_and_status_history_are_on_their_dates(demo_db):
    entries = _entries(demo_db)
    for row in list_reviews(demo_db)[:10]:
        review = get_review(demo_db, row.id)
        written = _created_on(entries, "supplier review", review.ref)
        assert written == review.review_date
        approvals = [e.at.date() for e in entries if e.ref == review.ref
                     and e.field == "approved_on" and e.new_value]
        if review.approved_on is not None:
            assert approvals == [review.approved_on]
    supplier = get_supplier(demo_db, list_suppliers(demo_db, TODAY)[0].id)
    first = supplier.history[0].changed_on
    assert first < TODAY - timedelta(days=365)
    assert _created_on(entries, "supplier", supplier.ref) == first


def test_the_review_of_the_past_year_finds_changes_spread_over_it(demo_db):
    period_from, period_to = _last_full_year(TODAY)
    with demo_db.read() as session:
        changes = party_changes(session, period_from, period_to)
    # not the whole register "added today", but what happened in the year
    assert 2 <= len(changes.added) <= 4
    assert {e.event for e in changes.archived_or_restored} == {"archived"}
    assert len(changes.relevance_changes) >= 3
    assert len(changes.requirement_changes) >= 4
    days = [c.on for c in (*changes.added, *changes.archived_or_restored,
                           *changes.relevance_changes, *changes.requirement_changes)]
    assert all(period_from <= day <= period_to for day in days)
    assert len({(day.year, day.month) for day in days}) >= 6
    assert "Harland Automotive Systems Ltd" not in {e.name for e in changes.added}
    with demo_db.read() as session:  # the year before: the register was not set up then
        earlier = party_changes(session, add_months(period_from, -12),
                                period_from - timedelta(days=1))
    assert not earlier.added


@pytest.mark.parametrize("now", [datetime(2026, 2, 1, 23, 50, tzinfo=UTC)])  # Sunday night
def test_the_demo_holds_on_any_day(db, now):
    """Another day than the session's demo (TODAY): a demo takes seconds, so one more."""
    clock.freeze(now)
    run_task(create_demo(db, now.date()))
    assert clock.now() == now  # put back as it was found
    entries = _entries(db)
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments) and moments[-1] <= now
    assert moments[0] < now - timedelta(days=3 * 365)
    assert verify_database(db).ok
    with db.read() as session:
        changes = party_changes(session, *_last_full_year(now.date()))
    assert changes.added and changes.archived_or_restored and changes.relevance_changes


def test_play_interleaves_stories_by_day_and_restores_the_clock():
    started = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
    seen: list[tuple[str, datetime]] = []

    def story(name: str, days: list[date]):
        for day in days:
            yield day
            seen.append((name, clock.now()))
            yield f"{name} {day.isoformat()}"

    stories = [story("a", [date(2026, 1, 5), date(2026, 3, 1)]),
               story("b", [date(2026, 1, 5), date(2026, 2, 1), date(2026, 1, 10)]),
               story("c", [date(2026, 5, 7)])]
    labels = list(history.play(stories, started))
    assert labels == ["a 2026-01-05", "b 2026-01-05", "b 2026-02-01", "b 2026-01-10",
                      "a 2026-03-01", "c 2026-05-07"]
    moments = [at for _, at in seen]
    assert moments == sorted(moments)
    assert moments[:2] == [datetime(2026, 1, 5, 8, 30, tzinfo=UTC),
                           datetime(2026, 1, 5, 8, 33, tzinfo=UTC)]
    assert moments[3] == datetime(2026, 2, 1, 8, 33, tzinfo=UTC)  # never back in time
    assert moments[-1] == started  # today's writes are not dated after the start
    assert clock.now() == NOW


def test_play_restores_the_clock_after_an_error():
    def failing():
        yield date(2025, 1, 1)
        raise RuntimeError("a write failed")

    with pytest.raises(RuntimeError):
        list(history.play([failing()], NOW))
    assert clock.now() == NOW


def test_an_action_is_entered_as_it_went():
    final = ActionRecord(title="Fix", status="done", start_date=date(2026, 1, 5),
                         due_date=date(2026, 3, 1), completed_on=date(2026, 2, 10),
                         progress=100, effectiveness="effective", effectiveness_by="A",
                         effectiveness_on=date(2026, 5, 4), evidence="Report")
    stages = history.action_stages(final, TODAY)
    assert [day for day, _ in stages] == [date(2026, 1, 5), date(2026, 2, 10),
                                          date(2026, 5, 4)]
    assert [stage.status for _, stage in stages] == ["in progress", "done", "done"]
    assert stages[1][1].effectiveness == "" and stages[-1][1] == final
    cancelled = ActionRecord(title="Stop", status="cancelled", start_date=date(2026, 1, 1),
                             due_date=date(2026, 1, 31), evidence="Replaced")
    assert [day for day, _ in history.action_stages(cancelled, TODAY)] == [
        date(2026, 1, 1), date(2026, 1, 16)]
    open_action = ActionRecord(title="Go", status="open", start_date=date(2026, 4, 1))
    assert history.action_stages(open_action, TODAY) == [(date(2026, 4, 1), open_action)]


def test_story_time_holds_for_its_own_thread_only():
    import threading
    from datetime import UTC, datetime

    seen: list[datetime] = []
    story = datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    outside = clock.now()
    with clock.story_time(story):
        worker = threading.Thread(target=lambda: seen.append(clock.now()))
        worker.start()
        worker.join()
        assert clock.now() == story
        assert clock.today() == story.astimezone().date()
    assert seen == [outside]  # another thread (the window) keeps its own clock
    assert clock.now() == outside


def test_the_demo_shows_evidence_files_on_their_records(demo_db):
    from pypdf import PdfReader

    from qmsdesk.services import evidence

    found = evidence.evidence_by_ref(demo_db, evidence.record_models())
    names = sorted(f.file_name for files in found.values() for f in files)
    assert [n for n in names if n.endswith("minutes.pdf")] == [
        "MR-2025-01 minutes.pdf", "MR-2026-01 minutes.pdf"]
    assert any(n.startswith("ISO 9001 certificate SUP-") for n in names)
    assert any(n.startswith("8D report ACT-") for n in names)
    from qmsdesk.services.demo.builder import STAFF

    # filed by the people of the story, not by whoever's login built the demo
    assert {f.attached_by for files in found.values() for f in files} <= set(STAFF.values())
    item = next(f for files in found.values() for f in files if f.file_name.startswith("8D"))
    copy = evidence.save_copy(demo_db, item, Path(tempfile.mkdtemp()))
    assert "8D report" in PdfReader(copy).pages[0].extract_text()
    entries = _entries(demo_db)
    assert entries[-1].at <= clock.now()  # attached on their story days, in order
