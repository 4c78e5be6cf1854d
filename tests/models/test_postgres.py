"""The same code on PostgreSQL (a team's shared server).

Runs when QMSDESK_TEST_POSTGRES_URL names a server where the user may create databases
(.ci/run starts a throwaway one); skipped otherwise.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from qmsdesk.models.audit import verify_chain
from qmsdesk.models.db import HEAD_REVISION, Database, DatabaseRefused, open_database
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from tests.factories import make_party

SERVER = os.environ.get("QMSDESK_TEST_POSTGRES_URL", "")
pytestmark = pytest.mark.skipif(not SERVER, reason="QMSDESK_TEST_POSTGRES_URL not set")


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"qms_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    db = open_database(pg_url, user="team member")
    yield db
    db.close()


def test_schema_is_created_and_records_round_trip(pg: Database, today: date):
    saved = parties.save_party(pg, make_party(today, name="株式会社サンプル精工"), today)
    assert saved.ref == "IP-0001"
    assert parties.get_party(pg, saved.id).name == "株式会社サンプル精工"
    with pg.session() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            == HEAD_REVISION


def test_conflicts_and_audit_chain_behave_as_on_sqlite(pg: Database, today: date):
    first = parties.save_party(pg, make_party(today), today)
    stale = parties.get_party(pg, first.id)
    first.owner = "Anna Kowalska"
    parties.save_party(pg, first, today)
    stale.owner = "Someone Else"
    with pytest.raises(ConflictError):
        parties.save_party(pg, stale, today)
    with pg.session() as session:
        assert verify_chain(session).intact
    assert verify_database(pg).ok


def test_newer_or_foreign_server_database_is_refused(pg_url: str):
    db = open_database(pg_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.close()
    with pytest.raises(DatabaseRefused, match="newer version"):
        open_database(pg_url)
    with create_engine(pg_url).begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    with pytest.raises(DatabaseRefused, match="another program"):
        open_database(pg_url)
