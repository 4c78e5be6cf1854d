"""Management-review inputs: each 9.3.2 section on small hand-built databases, judged on the
period's end, deterministic, and read with the same few queries whatever the data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import event, func, select, update

from qmsdesk.clock import freeze
from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.services import review_inputs as ri
from qmsdesk.services.actions.service import new_action, save_action
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.management_reviews import ReviewMeeting, save_meeting
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import EngagementRecord, RequirementRecord
from qmsdesk.services.suppliers import reviews as supplier_reviews
from qmsdesk.services.suppliers.records import CertificateRecord
from qmsdesk.services.suppliers.service import save_supplier
from tests.conftest import TODAY
from tests.factories import make_party, make_supplier

START, END = date(2026, 3, 1), date(2026, 6, 30)
Clock = Callable[..., None]


@pytest.fixture
def clock() -> Clock:
    """Sets the time the audit trail stamps on the changes that follow (UTC); the autouse
    frozen_clock fixture puts it back."""
    def set_clock(day: date, at: time = time(9, 30)) -> None:
        freeze(datetime.combine(day, at, tzinfo=UTC))
    return set_clock


def _inputs(db: Database, start: date = START, end: date = END,
            today: date = TODAY) -> ri.ReviewInputs:
    return ri.review_inputs(db, start, end, today)


# --- the period -------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, errors", [
    (None, END, {"period_from": "Period start is required."}),
    (START, None, {"period_to": "Period end is required."}),
    (None, None, {"period_from": "Period start is required.",
                  "period_to": "Period end is required."}),
    (END, START, {"period_to": "The period must end on or after its start."}),
    (START, TODAY + timedelta(days=1),
     {"period_to": "The period cannot end after today (2026-11-21)."}),
    (datetime(2026, 3, 1, 8, 0), END, {"period_from": "Period start is required."}),
])
def test_a_period_that_cannot_be_reviewed_is_refused(db, start, end, errors):
    with pytest.raises(ValidationError) as caught:
        ri.review_inputs(db, start, end, TODAY)
    assert caught.value.errors == errors


def test_an_empty_database_gives_empty_sections_with_every_count(db, today):
    assert ri.validate_period(today, today, today) == {}  # one day, ending today
    inputs = _inputs(db)
    assert inputs.previous_reviews == ri.PreviousReviews((), {
        "open": 0, "in progress": 0, "done": 0, "cancelled": 0}, 0)
    assert inputs.parties.added == inputs.parties.requirement_changes == ()
    assert list(inputs.parties.by_category) == list(parties.rules.CATEGORIES)
    assert list(inputs.parties.by_quadrant) == list(parties.rules.QUADRANTS)
    assert inputs.context.changes == () and set(inputs.context.by_swot.values()) == {0}
    assert inputs.satisfaction.overall == ri.SatisfactionTrend(None, 0, None, 0)
    assert inputs.satisfaction.overall.word == "no comparison"
    assert [m.month for m in inputs.satisfaction.monthly] == [
        date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert list(inputs.objectives.by_health) == [
        h for h in objective_rules.HEALTHS if h != objective_rules.NOT_TRACKED]
    assert inputs.providers.by_band == {"A": 0, "B": 0, "C": 0, "D": 0, "No data": 0}
    assert inputs.effectiveness.by_result == {"effective": 0, "partly": 0, "not effective": 0}
    assert inputs.opportunities == ()
    assert inputs.audit_status == "Audit trail verified: 0 entries, chain intact."


# --- 9.3.2 b: interested parties from the audit trail ------------------------------------

def _party_history(db: Database, clock: Clock) -> None:
    clock(date(2026, 2, 10))
    harland = parties.save_party(db, make_party(
        TODAY, name="Harland Automotive", influence=2, interest=4, requirements=[
            RequirementRecord("PPAP level 3 for new parts", source="Contract")]), TODAY)
    former = parties.save_party(db, make_party(TODAY, name="Former Customer"), TODAY)
    clock(date(2026, 3, 2))
    parties.save_party(db, make_party(TODAY, name="Health and Safety Executive",
                                      category="regulator", influence=4, interest=2), TODAY)
    clock(date(2026, 5, 4))
    record = parties.get_party(db, harland.id)
    record.influence = 4
    record.requirements[0].source = "Customer manual rev C"
    record.requirements.append(RequirementRecord("8D report within 10 working days"))
    harland = parties.save_party(db, record, TODAY)
    parties.archive_party(db, former.id, former.version, TODAY, "No longer relevant")
    clock(date(2026, 6, 30), time(23, 59))  # the last minute of the period (UTC) counts
    record = parties.get_party(db, harland.id)
    record.requirements = record.requirements[:1]
    record = parties.save_party(db, record, TODAY)
    clock(date(2026, 7, 1), time(0, 1))  # and the first minute after it does not
    record.requirements.append(RequirementRecord("Annual on-site process audit"))
    record.interest = 5
    parties.save_party(db, record, TODAY)


def test_party_and_requirement_changes_in_the_period_only(db, clock):
    _party_history(db, clock)
    section = _inputs(db).parties
    harland, hse = "Harland Automotive", "Health and Safety Executive"
    assert section.added == (
        ri.PartyEvent(date(2026, 3, 2), "IP-0003", hse, "regulator", "added"),)
    assert section.archived_or_restored == (
        ri.PartyEvent(date(2026, 5, 4), "IP-0002", "Former Customer", "customer", "archived"),)
    assert section.relevance_changes == (
        ri.PartyFieldChange(date(2026, 5, 4), "IP-0001", harland, "influence", "2", "4"),)
    assert section.requirement_changes == (
        ri.RequirementChange(date(2026, 5, 4), "IP-0001", harland, "added",
                             "8D report within 10 working days"),
        ri.RequirementChange(date(2026, 5, 4), "IP-0001", harland, "changed",
                             "PPAP level 3 for new parts", "source", "Contract",
                             "Customer manual rev C"),
        ri.RequirementChange(date(2026, 6, 30), "IP-0001", harland, "removed",
                             "8D report within 10 working days"))
    # the register as it stands: the archived party is not counted
    assert section.by_category["customer"] == 1 and section.by_category["regulator"] == 1
    assert sum(section.by_category.values()) == 2
    assert section.by_quadrant == {"Manage closely": 1, "Keep satisfied": 1,
                                   "Keep informed": 0, "Monitor": 0}
    assert section.grid == (ri.PartyPoint("IP-0001", harland, 4, 5),
                            ri.PartyPoint("IP-0003", hse, 4, 2))


def test_a_requirement_added_before_the_period_is_not_a_change_in_it(db, clock):
    _party_history(db, clock)
    section = _inputs(db, date(2026, 5, 5), date(2026, 6, 29)).parties
    assert section.added == section.relevance_changes == section.requirement_changes == ()
    earlier = _inputs(db, date(2026, 1, 1), date(2026, 2, 28)).parties
    assert [(c.change, c.requirement) for c in earlier.requirement_changes] == [
        ("added", "PPAP level 3 for new parts")]
    assert [e.ref for e in earlier.added] == ["IP-0001", "IP-0002"]


# --- 9.3.2 c 1: satisfaction ---------------------------------------------------------------

def _engagement(on: date, satisfaction: int | None, kind: str = "survey") -> EngagementRecord:
    return EngagementRecord(on, kind, f"{kind} of {on.isoformat()}", satisfaction)


def _feedback(db: Database) -> None:
    for name, category, scores in (
            ("Customer A", "customer", [(date(2025, 11, 15), 4), (date(2026, 1, 20), 5),
                                        (date(2026, 3, 10), 3), (date(2026, 4, 2), 2),
                                        (date(2026, 4, 20), None), (date(2026, 7, 5), 5)]),
            ("Supplier B", "supplier", [(date(2026, 2, 28), 2), (date(2026, 3, 1), 4),
                                        (date(2026, 6, 30), 5)]),
            ("Works council", "employee", [(date(2025, 10, 29), 1), (date(2026, 5, 15), 4)])):
        parties.save_party(db, make_party(TODAY, name=name, category=category, engagements=[
            _engagement(on, score) for on, score in scores]), TODAY)


def test_satisfaction_in_the_period_against_the_previous_one(db):
    _feedback(db)
    section = _inputs(db).satisfaction
    assert (section.previous_from, section.previous_to) == (date(2025, 10, 30),
                                                            date(2026, 2, 28))
    assert [(e.on, e.party_ref, e.satisfaction) for e in section.engagements] == [
        (date(2026, 3, 1), "IP-0002", 4), (date(2026, 3, 10), "IP-0001", 3),
        (date(2026, 4, 2), "IP-0001", 2), (date(2026, 4, 20), "IP-0001", None),
        (date(2026, 5, 15), "IP-0003", 4), (date(2026, 6, 30), "IP-0002", 5)]
    first = section.engagements[1]
    assert (first.party_name, first.category, first.kind, first.summary) == (
        "Customer A", "customer", "survey", "survey of 2026-03-10")
    assert section.overall == ri.SatisfactionTrend(3.6, 5, 11 / 3, 3)
    # 3.6 against 3.7: closer than 0.2, so unchanged
    assert (section.overall.arrow, section.overall.word) == ("→", "unchanged")
    assert section.customers == ri.SatisfactionTrend(2.5, 2, 4.5, 2)
    assert [(m.month.month, m.average, m.scored) for m in section.monthly] == [
        (3, 3.5, 2), (4, 2.0, 1), (5, 4.0, 1), (6, 5.0, 1)]
    assert [(m.average, m.scored) for m in section.customer_monthly] == [
        (3.0, 1), (2.0, 1), (None, 0), (None, 0)]
    # B improved (2 -> 4.5), the works council has nothing to compare with
    assert section.declined == (ri.PartySatisfaction("IP-0001", "Customer A", "customer",
                                                     2.5, 4.5),)
    assert ri.SatisfactionTrend(3.96, 5, 4.04, 5).arrow == "→"  # both print as 4.0
    assert ri.SatisfactionTrend(4.2, 5, 4.0, 3).word == "improved"


# --- 9.3.2 c 2: objectives ------------------------------------------------------------------

def _objective(db: Database, title: str, start: date, due: date, status: str = "active",
               values: tuple[tuple[date, float], ...] = (), direction: str = "increase",
               baseline: float = 80.0, target: float = 95.0, unit: str = "%") -> int:
    record = ObjectiveRecord(
        title=title, kpi_name=title, unit=unit, baseline=baseline, target=target,
        direction=direction, frequency="monthly", start_date=start, due_date=due,
        owner="Sofia Ricci", policy_commitment="Deliver on time", status=status,
        measurements=[MeasurementRecord(on, value) for on, value in values])
    saved = objectives.save_objective(db, record, TODAY)
    assert saved.id is not None
    return saved.id


def _objectives(db: Database) -> int:
    otif = _objective(db, "OTIF", date(2026, 1, 1), date(2026, 12, 31), values=(
        (date(2026, 1, 30), 81.5), (date(2026, 2, 27), 83.0), (date(2026, 3, 31), 84.0),
        (date(2026, 4, 30), 85.5), (date(2026, 5, 29), 86.5), (date(2026, 10, 30), 81.0)))
    _objective(db, "Draft idea", date(2026, 1, 1), date(2026, 12, 31), status="draft")
    _objective(db, "Closed last year", date(2025, 1, 1), date(2025, 12, 31),
               status="achieved", values=((date(2025, 12, 30), 96.0),))
    _objective(db, "Defect ppm", date(2025, 3, 1), date(2026, 2, 28), direction="decrease",
               baseline=10.0, target=5.0, unit="ppm", values=((date(2026, 2, 27), 7.0),))
    _objective(db, "Starts later", date(2026, 8, 1), date(2027, 7, 31))
    _objective(db, "Dropped", date(2026, 1, 1), date(2026, 12, 31), status="cancelled")
    return otif


def test_objectives_are_judged_on_the_period_end_not_today(db):
    otif = _objectives(db)
    for status in ("open", "done"):
        record = new_action(TODAY, objective_id=otif)
        record.title, record.status, record.start_date = f"Step {status}", status, START
        record.completed_on = date(2026, 4, 1) if status == "done" else None
        save_action(db, record, TODAY)
    today_row = next(r for r in objectives.list_objectives(db, TODAY) if r.ref == "OBJ-2026-01")
    assert today_row.health == objective_rules.OFF_TRACK  # the October value
    section = _inputs(db).objectives
    assert [o.ref for o in section.objectives] == ["OBJ-2025-02", "OBJ-2026-01"]
    ppm, result = section.objectives
    assert result == ri.ObjectiveResult(
        "OBJ-2026-01", "OTIF", "OTIF", "Sofia Ricci", "active", date(2026, 12, 31), "≥ 95 %",
        86.5, "86.5 %", date(2026, 5, 29), objective_rules.ON_TRACK, 1)
    # still active after its due date: it ran in the period, and missed its target
    assert (ppm.health, ppm.latest_text, ppm.target_text) == (
        objective_rules.OFF_TRACK, "7 ppm", "≤ 5 ppm")
    assert section.by_health == {"measurement overdue": 0, "off track": 1, "at risk": 0,
                                 "no data": 0, "on track": 1, "achieved": 0, "missed": 0}
    assert _inputs(db).opportunities[0] == ri.Opportunity(
        "OBJ-2025-02", "Defect ppm",
        "Off track on 2026-06-30: latest value 7 ppm (2026-02-27) against a target of ≤ 5 ppm.")


# --- 9.3.2 c 7: external providers ------------------------------------------------------------

FIRST = (90, 80, 70, 60, 100)  # 82.0 -> B
LOW = (50, 50, 50, 50, 50)  # 50.0 -> C
BEST = (95, 90, 80, 90, 100)  # 91.25 -> A
POOR = (20, 20, 20, 20, 20)  # 20.0 -> D


def _review(db: Database, supplier_id: int, on: date, scores: tuple[int, ...],
            decision: str | None) -> None:
    record = supplier_reviews.new_review(db, supplier_id, on)
    for item, score in zip(record.scores, scores, strict=True):
        item.score = score
    if decision is not None:
        record.decision, record.approved_by = decision, "Helen Whitfield"
        record.approved_on = on + timedelta(days=1)
    supplier_reviews.save_review(db, record, TODAY)


def _suppliers(db: Database) -> None:
    alpha = save_supplier(db, make_supplier(TODAY, name="Alpha Castings"), date(2025, 6, 1))
    _review(db, alpha.id, date(2025, 9, 10), FIRST, "approved")
    _review(db, alpha.id, date(2026, 3, 10), LOW, "conditional")
    _review(db, alpha.id, date(2026, 8, 10), BEST, "preferred")  # after the period
    beta = save_supplier(db, make_supplier(TODAY, name="Beta Anodising", certificates=[
        CertificateRecord("ISO 9001", "Q-1", "BSI", date(2026, 7, 20)),
        CertificateRecord("ISO 14001", "E-1", "BSI", date(2026, 6, 1)),
        CertificateRecord("IATF 16949", "I-1", "TÜV", date(2027, 6, 1))]), date(2026, 2, 1))
    _review(db, beta.id, date(2026, 4, 1), BEST, None)  # a draft is not a result
    gamma = save_supplier(db, make_supplier(TODAY, name="Gamma Foundry", certificates=[
        CertificateRecord("ISO 9001", "G-1", "LRQA", date(2026, 1, 1))]), date(2025, 1, 1))
    _review(db, gamma.id, date(2025, 3, 1), POOR, "disqualified")
    save_supplier(db, make_supplier(TODAY, name="Delta Tooling"), date(2026, 9, 1))


def test_providers_as_they_stood_on_the_period_end(db):
    _suppliers(db)
    inputs = _inputs(db, date(2026, 1, 1), END)
    section = inputs.providers
    assert section.reviews == (ri.ProviderReview(date(2026, 3, 10), "SUP-0001",
                                                 "Alpha Castings", "REV-0002", 50.0, "50.0",
                                                 "C", "conditional"),)
    # Alpha by its March review (not August's), Beta has no approved review, Gamma is
    # disqualified and Delta was not registered yet
    assert section.by_band == {"A": 0, "B": 0, "C": 1, "D": 0, "No data": 1}
    assert [(c.on, c.supplier_ref, c.from_status, c.to_status) for c in
            section.status_changes] == [(date(2026, 2, 1), "SUP-0002", "", "pending"),
                                        (date(2026, 3, 11), "SUP-0001", "approved",
                                         "conditional")]
    assert section.certificates == (
        ri.CertificateAlert(date(2026, 6, 1), "SUP-0002", "Beta Anodising", "ISO 14001",
                            "E-1", "expired", "ISO 14001 expired on 2026-06-01"),
        ri.CertificateAlert(date(2026, 7, 20), "SUP-0002", "Beta Anodising", "ISO 9001",
                            "Q-1", "expiring", "ISO 9001 expires in 20 days (2026-07-20)"))
    watch = section.conditional_or_disqualified
    assert [(s.supplier_ref, s.status, s.since, s.band, s.total_text) for s in watch] == [
        ("SUP-0001", "conditional", date(2026, 3, 11), "C", "50.0"),
        ("SUP-0003", "disqualified", date(2025, 3, 2), "D", "20.0")]
    assert section.lowest_bands == ("D", "C")
    assert [s.supplier_ref for s in section.low_band] == ["SUP-0001"]
    assert inputs.opportunities == (ri.Opportunity(
        "SUP-0001", "Alpha Castings",
        "Conditional since 2026-03-11; latest approved review in band C (total 50.0)."),)
    later = _inputs(db, date(2026, 1, 1), date(2026, 10, 31)).providers
    assert later.by_band == {"A": 1, "B": 0, "C": 0, "D": 0, "No data": 2}


# --- 9.3.2 a, c 4, e: previous reviews and the effectiveness of actions --------------------

def _meeting(db: Database, held_on: date, start: date, end: date) -> int:
    saved = save_meeting(db, ReviewMeeting(held_on, start, end, chair="Helen Whitfield",
                                           conclusions=f"Review of {end.year}"), TODAY)
    assert saved.id is not None
    return saved.id


def _act(db: Database, title: str, start: date = date(2026, 1, 5), status: str = "open",
         due: date | None = None, done: date | None = None, result: str = "",
         checked: date | None = None, kind: str = "corrective", **links: int) -> None:
    record = new_action(TODAY, **links)
    record.title, record.kind, record.owner, record.status = title, kind, "Anna", status
    record.start_date, record.due_date, record.completed_on = start, due, done
    if result:
        record.effectiveness, record.effectiveness_by, record.effectiveness_on = \
            result, "Helen Whitfield", checked
    save_action(db, record, TODAY)


def _action_log(db: Database) -> None:
    first = _meeting(db, date(2025, 12, 15), date(2025, 1, 1), date(2025, 11, 30))
    second = _meeting(db, date(2026, 6, 20), date(2025, 12, 1), date(2026, 5, 31))
    after = _meeting(db, date(2026, 8, 1), date(2026, 6, 1), date(2026, 7, 31))
    _act(db, "Second CMM operator", status="done", done=date(2026, 2, 1), result="effective",
         checked=date(2026, 4, 1), management_review_id=first)
    _act(db, "Risk register update", due=date(2026, 6, 1), management_review_id=first)
    _act(db, "Packaging specification", due=date(2026, 9, 1), management_review_id=first)
    _act(db, "SMED on the 5-axis cell", start=date(2026, 6, 22), status="in progress",
         due=date(2026, 12, 1), management_review_id=second)
    _act(db, "Calibration reminders", start=date(2026, 6, 22), status="done",
         done=date(2026, 6, 25), management_review_id=second)
    _act(db, "Quarterly reviews of critical suppliers", start=date(2026, 6, 22),
         status="cancelled", management_review_id=second)
    _act(db, "Not yet decided", start=date(2026, 8, 2), management_review_id=after)
    _act(db, "Gauge R&R on bore gauges", status="done", done=date(2026, 5, 1),
         result="partly", checked=date(2026, 7, 15))
    _act(db, "Collection cut-off 48 h", status="done", done=date(2026, 5, 2),
         result="not effective", checked=date(2026, 5, 20))
    _act(db, "Visual work instructions", kind="improvement", status="in progress",
         due=date(2026, 6, 15))


def test_actions_of_previous_reviews_are_overdue_as_of_the_period_end(db):
    _action_log(db)
    section = _inputs(db).previous_reviews
    assert [(r.ref, r.held_on, r.chair) for r in section.reviews] == [
        ("MR-2026-01", date(2026, 6, 20), "Helen Whitfield"),
        ("MR-2025-01", date(2025, 12, 15), "Helen Whitfield")]
    second, first = section.reviews
    assert (first.period_from, first.period_to, first.conclusions) == (
        date(2025, 1, 1), date(2025, 11, 30), "Review of 2025")
    assert isinstance(first.attendees, str)
    assert first.actions == (
        ri.ReviewAction("ACT-0001", "Second CMM operator", "Anna", None, "done", False,
                        "effective"),
        ri.ReviewAction("ACT-0002", "Risk register update", "Anna", date(2026, 6, 1), "open",
                        True, ""),
        # due 1 September: overdue today, not on 30 June
        ri.ReviewAction("ACT-0003", "Packaging specification", "Anna", date(2026, 9, 1),
                        "open", False, ""))
    assert [a.status for a in second.actions] == ["in progress", "done", "cancelled"]
    assert section.by_status == {"open": 2, "in progress": 1, "done": 2, "cancelled": 1}
    assert section.overdue == 1


def test_effectiveness_checked_in_the_period_and_checks_still_awaited(db):
    _action_log(db)
    inputs = _inputs(db)
    section = inputs.effectiveness
    assert section.checks == (
        ri.EffectivenessCheck(date(2026, 4, 1), "ACT-0001", "Second CMM operator",
                              "corrective", "management review", "MR-2025-01", "effective",
                              "Helen Whitfield"),
        ri.EffectivenessCheck(date(2026, 5, 20), "ACT-0009", "Collection cut-off 48 h",
                              "corrective", "none", "", "not effective", "Helen Whitfield"))
    assert section.by_result == {"effective": 1, "partly": 0, "not effective": 1}
    # checked after the period's end: still awaited on it
    assert section.awaiting == (
        ri.AwaitingCheck(date(2026, 5, 1), "ACT-0008", "Gauge R&R on bore gauges", "Anna",
                         "none", ""),
        ri.AwaitingCheck(date(2026, 6, 25), "ACT-0005", "Calibration reminders", "Anna",
                         "management review", "MR-2026-01"))
    assert inputs.opportunities == (
        ri.Opportunity("ACT-0009", "Collection cut-off 48 h",
                       "Checked not effective on 2026-05-20."),
        ri.Opportunity("ACT-0010", "Visual work instructions",
                       "Improvement action in progress, due 2026-06-15 and overdue."),
        # overdue whatever its kind or source: the review decides what to do about it
        ri.Opportunity("ACT-0002", "Risk register update",
                       "Corrective action overdue since 2026-06-01 (Anna, 0 % done)."))
    assert section.still_open == ()  # every open one here is an improvement or from a review


def test_open_corrective_and_preventive_actions_overdue_first(db):
    _action_log(db)
    _act(db, "Seal the coolant leak", kind="correction", due=date(2026, 9, 30))
    _act(db, "Poka-yoke on the press", kind="preventive", status="in progress",
         due=date(2026, 6, 1))
    _act(db, "Raised after the period", start=date(2026, 7, 15), due=date(2026, 8, 1))
    still_open = _inputs(db).effectiveness.still_open
    assert [(r.title, r.overdue) for r in still_open] == [
        ("Poka-yoke on the press", True), ("Seal the coolant leak", False)]


# --- the whole pack ------------------------------------------------------------------------

def _everything(db: Database, clock: Clock) -> None:
    _party_history(db, clock)
    _feedback(db)
    _objectives(db)
    _suppliers(db)
    _action_log(db)


def test_opportunities_come_in_register_order_and_the_pack_is_repeatable(db, clock):
    _everything(db, clock)
    inputs = _inputs(db)
    refs = [o.source_ref for o in inputs.opportunities]
    assert refs == ["OBJ-2025-02", "ACT-0009", "SUP-0001", "IP-0004", "ACT-0010", "ACT-0002"]
    assert all(o.what and o.why.endswith(".") for o in inputs.opportunities)
    # the same data and period give the same pack, whatever day it is made
    assert _inputs(db) == inputs
    assert _inputs(db, today=TODAY + timedelta(days=400)) == inputs
    assert inputs.audit_status.startswith("Audit trail verified: ")
    assert inputs.audit_status.endswith(" entries, chain intact.")


def test_a_tampered_audit_trail_is_named(db, clock):
    _party_history(db, clock)
    with db.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == 3)
                        .values(new_value="tampered"))
    status = _inputs(db).audit_status
    assert status.startswith("Audit trail broken: audit entry #3 (2026-02-10T09:30:00")
    assert status.endswith("was altered after it was written.")


def test_after_a_full_verify_the_pack_checks_only_the_entries_written_since(db, clock):
    from qmsdesk.services.integrity import verify_database

    _party_history(db, clock)
    verified = verify_database(db).chain  # remembered for this database on this computer
    assert verified is not None
    _feedback(db)
    with db.read() as session:
        total = session.scalar(select(func.count()).select_from(AuditEntry))
    assert _inputs(db).audit_status == (
        f"Audit trail: {total} entries, chain intact; the {total - verified.entries} written "
        f"since the last full verify on this computer ({verified.entries} entries) were "
        "checked now, 'qmsdesk verify' checks them all.")
    with db.session() as session:  # a rewrite and re-hash since that verify is still found
        session.execute(update(AuditEntry).where(AuditEntry.id == verified.entries)
                        .values(hash="0" * 64))
    assert "rewritten since that anchor was verified" in _inputs(db).audit_status


def _statements(db: Database) -> int:
    sql: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        sql.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        _inputs(db)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(sql)


def test_the_number_of_queries_does_not_grow_with_the_registers(db, clock):
    _everything(db, clock)
    before = _statements(db)
    clock(date(2026, 4, 1))
    for n in range(3):
        parties.save_party(db, make_party(TODAY, name=f"Extra {n}", engagements=[
            _engagement(date(2026, 4, 1), 3)],
            requirements=[RequirementRecord(f"Need {n}")]), TODAY)
        _objective(db, f"Extra objective {n}", date(2026, 1, 1), date(2026, 12, 31),
                   values=((date(2026, 1, 30), 82.0),))
        _act(db, f"Extra action {n}", status="done", done=date(2026, 3, 1),
             result="effective", checked=date(2026, 3, 2))
    assert _statements(db) == before


def test_party_and_supplier_reviews_overdue_at_the_period_end(db):
    from qmsdesk.services.parties.service import save_party

    for name, due in (("Late Customer", date(2026, 6, 1)),
                      ("On Time Customer", date(2026, 8, 1))):
        save_party(db, make_party(TODAY, name, next_review=due), TODAY)
    for name, due in (("Late Castings", date(2026, 5, 2)), ("Fine Fasteners", date(2026, 7, 1))):
        save_supplier(db, make_supplier(TODAY, name, next_review=due), TODAY)
    inputs = _inputs(db)
    assert [(r.ref, r.name, r.due) for r in inputs.party_reviews_overdue] == [
        ("IP-0001", "Late Customer", date(2026, 6, 1))]
    assert [(r.name, r.due) for r in inputs.supplier_reviews_overdue] == [
        ("Late Castings", date(2026, 5, 2))]


@pytest.mark.parametrize("average, previous, arrow", [
    (4.1, 3.9, "↑"), (1.0, 1.2, "↓"), (1.8, 2.0, "↓"), (4.0, 3.9, "→"), (3.94, 3.85, "→"),
    (3.95, 3.84, "↑"),  # as printed: 4.0 against 3.8
    (2.25, 2.0, "↑"), (None, 3.0, "")])
def test_a_change_of_0_2_or_more_counts_and_less_does_not(average, previous, arrow):
    from qmsdesk.services.review_inputs.feedback import satisfaction_arrow

    assert satisfaction_arrow(average, previous) == arrow
