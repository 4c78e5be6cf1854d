"""The dashboard's list of what is due, across every register."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmsdesk.services import dashboard
from qmsdesk.services.actions import service as actions
from qmsdesk.services.actions.due import ACTION
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.due import MEASUREMENT
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.due import REVIEW as PARTY_REVIEW
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.due import CERTIFICATE
from tests.factories import make_party

TODAY = date(2026, 11, 21)


@pytest.fixture
def demo(shared_demo):
    return shared_demo


def test_every_kind_of_due_item_is_listed_most_urgent_first(demo):
    items = dashboard.due_items(demo, TODAY)
    assert {i.kind for i in items} == set(dashboard.kinds())
    assert [i.due for i in items] == sorted(i.due for i in items)
    assert all(i.due <= date(2026, 12, 21) for i in items)
    assert any(i.overdue for i in items) and any(not i.overdue for i in items)
    overdue_actions = [i for i in items if i.kind == ACTION and i.overdue]
    assert {i.ref for i in overdue_actions} == {
        r.ref for r in actions.list_actions(demo, TODAY) if r.overdue}


def test_items_match_the_registers(db, today):
    due_soon = make_party(today, name="Due soon", next_review=date(2026, 12, 1))
    later = make_party(today, name="Later", next_review=date(2027, 6, 1))
    overdue = make_party(today, name="Overdue", last_review=date(2025, 1, 1),
                         next_review=date(2026, 1, 1))
    for record in (due_soon, later, overdue):
        parties.save_party(db, record, today)
    supplier = suppliers.new_supplier(today)
    supplier.name = "Anodiser"
    supplier.certificates = [suppliers.CertificateRecord("ISO 9001", valid_until=date(2026,
                                                                                      12, 5))]
    suppliers.save_supplier(db, supplier, today)
    items = dashboard.due_items(db, today)
    assert [(i.kind, i.title, i.days) for i in items] == [
        (PARTY_REVIEW, "Overdue", -324),
        (PARTY_REVIEW, "Due soon", 10),
        (CERTIFICATE, "ISO 9001 — Anodiser", 14)]


def test_next_measurement_is_due_after_the_last_measured_period(db, today):
    record = objectives.new_objective(today)
    for key, value in dict(title="OTIF", kpi_name="OTIF", unit="%", baseline=80.0,
                           target=95.0, start_date=date(2026, 1, 1),
                           due_date=date(2026, 12, 31), owner="Sofia",
                           policy_commitment="", status="draft").items():
        setattr(record, key, value)
    record.measurements = [objectives.MeasurementRecord(date(2026, 10, 30), 90.0)]
    saved = objectives.save_objective(db, record, today)
    assert dashboard.due_items(db, today) == []  # a draft is not tracked yet
    from sqlalchemy import update

    from qmsdesk.models.objectives import Objective

    with db.session() as session:
        session.execute(update(Objective).where(Objective.id == saved.id)
                        .values(status="active"))
    (item,) = dashboard.due_items(db, today)
    assert (item.kind, item.due) == (MEASUREMENT, date(2026, 12, 15))


def test_the_band_chart_counts_every_supplier_as_the_register_does(demo):
    from qmsdesk.services.suppliers import service as supplier_service

    overview = dashboard.overview(demo, TODAY)
    suppliers = supplier_service.list_suppliers(demo, TODAY)
    assert sum(overview.suppliers_by_band.values()) == len(suppliers)
    disqualified = [s for s in suppliers if s.status == "disqualified"]
    assert disqualified and overview.suppliers_by_band["D"] >= len(
        [s for s in disqualified if s.latest_band == "D"]) >= 1
    # the key figure: those still in use only
    assert overview.weak_suppliers == sum(
        1 for s in suppliers if s.status != "disqualified" and s.latest_band in ("C", "D"))


@pytest.mark.parametrize("day", [TODAY, date(2026, 12, 30), date(2027, 6, 18)],
                         ids=str)
def test_the_first_screenful_is_the_head_of_the_whole_list(demo, day):
    whole = dashboard.due_items(demo, day)
    assert len(whole) > 20
    for limit in (1, 7, 20, len(whole) + 5):
        assert dashboard.due_items(demo, day, limit=limit) == whole[:limit]


def _counts_from_the_registers(db, day) -> dashboard.Overview:
    """The figures worked out row by row from what the registers list and hold: what the
    dashboard counted before the database counted them."""
    from collections import Counter

    from sqlalchemy import select

    from qmsdesk.models.objectives import Action
    from qmsdesk.services.objectives import rules as objective_rules
    from qmsdesk.services.suppliers import rules as supplier_rules
    from qmsdesk.services.suppliers.reviews import load_bands

    health = Counter(row.health for row in objectives.list_objectives(db, day))
    standings = supplier_rules.ranked(load_bands(db))
    bands = Counter({band.name: 0 for band in standings} | {"No data": 0})
    weak = expired = 0
    for row in suppliers.list_suppliers(db, day):
        band = supplier_rules.current_band(row.latest_band, row.latest_total, standings)
        bands[band or "No data"] += 1
        weak += supplier_rules.in_use(row.status) and supplier_rules.is_weak_band(band,
                                                                                   standings)
        expired += bool(row.approved_expired)
    overview = dashboard.overview(db, day)
    months = [(int(label[-4:]) if "\n" in label else None, label[:3])
              for label in overview.flow_months]
    with db.read() as session:
        logged = session.scalars(select(Action)).all()
        statuses = Counter(a.status for a in logged if a.archived_on is None)

        def per_month(days) -> tuple[int, ...]:
            keys = Counter(f"{d:%b}" for d in days if d is not None
                           and d >= _first_of(overview.flow_months, day))
            return tuple(keys[name] for _, name in months)

        opened = per_month(a.start_date or a.created_at.date() for a in logged)
        closed = per_month(a.completed_on for a in logged)
    return dashboard.Overview(
        {w: health[w] for w in objective_rules.HEALTHS if w != objective_rules.NOT_TRACKED},
        dict(bands), {s: statuses[s] for s in overview.actions_by_status},
        overview.flow_months, opened, closed, overview.weak_bands, weak,
        overview.high_risks_without_action, expired)


def _first_of(labels: tuple[str, ...], day: date) -> date:
    from qmsdesk.services.dates import add_months

    return add_months(day.replace(day=1), 1 - len(labels))


@pytest.mark.parametrize("day", [TODAY, date(2026, 12, 30), date(2027, 6, 18)],
                         ids=str)
def test_the_counts_the_database_makes_agree_with_the_registers_rows(demo_db, day):
    from qmsdesk.services.suppliers import rules as supplier_rules
    from qmsdesk.services.suppliers.reviews import save_bands

    overview = dashboard.overview(demo_db, day)
    assert overview == _counts_from_the_registers(demo_db, day)
    assert sum(overview.opened) > 0 and sum(overview.closed) > 0
    # Bands renamed and redrawn since the reviews were approved: each result is placed by
    # its total under the bands set now.
    save_bands(demo_db, [supplier_rules.Band("Gold", 90), supplier_rules.Band("Silver", 75),
                         supplier_rules.Band("Watch", 40), supplier_rules.Band("Out", 0)])
    renamed = dashboard.overview(demo_db, day)
    assert set(renamed.suppliers_by_band) == {"Gold", "Silver", "Watch", "Out", "No data"}
    assert renamed == _counts_from_the_registers(demo_db, day)
    assert renamed.suppliers_by_band != {name: 0 for name in renamed.suppliers_by_band}


KINDS = ["Review", "Certificate", "Action"]


@given(st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 5), st.integers(1, 30)),
                max_size=40))
@settings(max_examples=200, deadline=None)
def test_the_order_is_by_date_then_kind_then_reference_whatever_order_items_come_in(rows):
    from qmsdesk.services.due import DueItem

    items = [DueItem(kind, "actions", n, f"REF-{ref:04d}", "", date(2026, 12, 1 + day), "",
                     TODAY) for n, (kind, day, ref) in enumerate(rows)]
    expected = sorted(items, key=lambda i: (i.due, KINDS.index(i.kind), i.ref))
    ordered = dashboard.most_urgent_first(items, KINDS)
    assert [(i.due, i.kind, i.ref) for i in ordered] == \
        [(i.due, i.kind, i.ref) for i in expected]
    assert sorted(ordered) == sorted(items)  # every item, once


def test_the_first_screenful_cuts_a_day_of_many_items_as_the_whole_list_does(db, today):
    """The soonest items are read by date and then by reference, as the whole list orders
    them: a screenful ending within a busy day is still the whole list's head."""
    from tests.factories import make_action

    due = today - timedelta(days=3)
    for n in range(12):  # every other one in progress: the database may meet them so
        action = make_action(today, title=f"Check {n}", start_date=due - timedelta(days=9),
                             due_date=due, status="in progress" if n % 2 else "open")
        actions.save_action(db, action, today)
    whole = dashboard.due_items(db, today)
    assert len(whole) == 12
    for limit in (1, 4, 7):
        assert dashboard.due_items(db, today, limit=limit) == whole[:limit]
