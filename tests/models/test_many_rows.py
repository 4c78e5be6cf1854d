"""Rows inserted through the driver are stored as the ORM stores them, and a column whose
value only SQLAlchemy would fill in is refused by name rather than left empty."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.many_rows import insert_many
from qmsdesk.models.parties import Party

MOMENT = datetime(2026, 3, 1, 14, 30, tzinfo=timezone(timedelta(hours=2)))


def _values(ref: str, name: str) -> dict[str, object]:
    return {"ref": ref, "name": name, "category": "customer", "internal": True,
            "description": "", "contact_person": "", "email": "", "phone": "",
            "influence": 3, "interest": 4, "owner": "QA", "monitoring_method": "",
            "monitoring_frequency": "", "review_interval_months": 12, "last_review": None,
            "next_review": date(2026, 9, 1), "focus": "long-term", "status": "active",
            "notes": "", "archive_reason": "", "version": 1}


def test_values_are_bound_as_their_columns_bind_them(db: Database):
    rows = [_values("IP-0001", "Acme"), _values("IP-0002", "Beta")]
    keys = tuple(rows[0])
    with db.session() as session:
        insert_many(session.connection(), Party.__table__, keys,  # type: ignore[arg-type]
                    [[row[key] for key in keys] for row in rows],
                    {"created_at": MOMENT, "updated_at": MOMENT})
    with db.read() as session:
        stored = session.scalars(select(Party).order_by(Party.ref)).all()
        assert [(p.ref, p.name, p.internal, p.next_review) for p in stored] == [
            ("IP-0001", "Acme", True, date(2026, 9, 1)),
            ("IP-0002", "Beta", True, date(2026, 9, 1))]
        # The moment in UTC, as UTCDateTime stores what the ORM is given.
        assert stored[0].created_at == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def test_a_column_only_sqlalchemy_would_fill_in_is_refused_by_name(db: Database):
    row = _values("IP-0003", "Gamma")
    with db.session() as session, pytest.raises(ValueError, match="created_at, updated_at"):
        insert_many(session.connection(), Party.__table__, tuple(row),  # type: ignore[arg-type]
                    [list(row.values())])
