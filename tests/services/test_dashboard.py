"""The dashboard's list of what is due, across every register."""

from __future__ import annotations

from datetime import date

import pytest

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
