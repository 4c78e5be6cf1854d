"""The objectives register reads only each objective's latest measurement, not every one:
its health and latest value must still be what the whole record gives, on any day (the
points dated after that day ignored for the health, shown as the latest value)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from qmsdesk.services.objectives import service


@pytest.mark.parametrize("days", [-400, -200, -45, 0, 31, 400])
def test_the_table_judges_each_objective_as_its_whole_record_does(shared_demo, today, days):
    on = today + timedelta(days=days)
    rows = service.list_objectives(shared_demo, on, include_archived=True)
    assert len(rows) > 7
    for row in rows:
        record = service.get_objective(shared_demo, row.id)
        assert row.health == service.health_of(record, on), (row.ref, on)
        latest = max(record.measurements, key=lambda m: (m.on_date, m.id), default=None)
        assert (row.latest_date, row.latest_value) == (
            (latest.on_date, latest.value) if latest else (None, None)), row.ref

