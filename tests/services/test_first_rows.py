"""A page opened on a big register shows the register's first rows while the rest are read:
each list read with a limit gives exactly the head of the whole list, links and derived
columns (scores, health, certificate warnings, open actions) included."""

from __future__ import annotations

import pytest

from qmsdesk.services.actions import service as actions
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.parties import service as parties
from qmsdesk.services.suppliers import service as suppliers

READS = {
    "parties": lambda db, today, **kw: parties.list_parties(db, today, **kw),
    "archived parties": lambda db, today, **kw: parties.list_parties(
        db, today, include_archived=True, **kw),
    "objectives": lambda db, today, **kw: objectives.list_objectives(db, today, **kw),
    "suppliers": lambda db, today, **kw: suppliers.list_suppliers(db, today, **kw),
    "actions": lambda db, today, **kw: actions.list_actions(db, today, **kw),
}


@pytest.mark.parametrize("register", list(READS))
@pytest.mark.parametrize("limit", [1, 7, 100_000])
def test_the_first_rows_are_the_head_of_the_whole_register(shared_demo, today, register,
                                                           limit):
    read = READS[register]
    whole = read(shared_demo, today)
    assert len(whole) > 7
    assert read(shared_demo, today, limit=limit) == whole[:limit]


def test_the_counts_a_head_looks_up_row_by_row_are_there_to_compare(shared_demo, today):
    """The counts a first screenful reads beside each row (parties' requirements, open
    actions of objectives) are not all zero in the demo's head, so the test above compares
    them."""
    assert any(row.requirement_count for row in parties.list_parties(shared_demo, today)[:7])
    assert any(row.open_actions for row in objectives.list_objectives(shared_demo, today)[:7])
