"""One active interested party per name, enforced by the database too: a partial unique
index (SQLite 3.8 and PostgreSQL both have them), so two people saving the same name at the
same moment cannot both succeed, whatever the application checked before.

A database from before may already hold such twins (a race the application could not
stop). The upgrade keeps the oldest one active and archives the others, each change on the
audit trail like any other ("archive" by "QMS Desk upgrade"), so nothing is lost and the
chain still verifies.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from qmsdesk import clock
from qmsdesk.models.audit import GENESIS_HASH, entry_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")
UPGRADER = "QMS Desk upgrade"

party = sa.table("party", sa.column("id", sa.Integer), sa.column("ref", sa.String),
                 sa.column("name", sa.String), sa.column("status", sa.String),
                 sa.column("version", sa.Integer))
audit = sa.table("audit_entry", *(sa.column(name) for name in (
    "at", "user", "action", "entity", "record_id", "ref", "field", "old_value", "new_value",
    "prev_hash", "hash")), sa.column("id", sa.Integer))


def _archive_twins(conn: sa.Connection) -> None:
    rows = conn.execute(sa.select(party.c.id, party.c.ref, party.c.name)
                        .where(party.c.status == "active").order_by(party.c.id)).all()
    seen: set[str] = set()
    twins = []
    for row in rows:
        if row.name in seen:
            twins.append(row)
        seen.add(row.name)
    if not twins:
        return
    prev = conn.execute(sa.select(audit.c.hash).order_by(audit.c.id.desc()).limit(1)
                        ).scalar() or GENESIS_HASH
    at = clock.now()
    for row in twins:
        conn.execute(party.update().where(party.c.id == row.id)
                     .values(status="archived", version=party.c.version + 1))
        entry = {"at": at, "user": UPGRADER, "action": "archive", "entity": "party",
                 "record_id": str(row.id), "ref": row.ref, "field": "status",
                 "old_value": "active", "new_value": "archived", "prev_hash": prev}
        entry["hash"] = prev = entry_hash(entry)
        conn.execute(audit.insert().values(entry | {"at": at.replace(tzinfo=None)}))


def upgrade() -> None:
    _archive_twins(op.get_bind())
    op.create_index("uq_party_active_name", "party", ["name"], unique=True,
                    sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade() -> None:
    op.drop_index("uq_party_active_name", table_name="party")
