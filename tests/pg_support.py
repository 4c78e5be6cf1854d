"""A scratch database on the PostgreSQL server the tests are given, if any.

QMSDESK_TEST_POSTGRES_URL names a server where the user may create databases and roles
(.ci/run starts a throwaway one); without it the PostgreSQL tests are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

SERVER = os.environ.get("QMSDESK_TEST_POSTGRES_URL", "")
needs_server = pytest.mark.skipif(not SERVER, reason="QMSDESK_TEST_POSTGRES_URL not set")


def url_for(database: str, user: str | None = None, password: str | None = None) -> str:
    """The server's address for ``database``, as ``user`` (with ``password``) if given."""
    url = make_url(SERVER).set(database=database)
    if user is not None:
        url = url.set(username=user, password=password)
    return url.render_as_string(hide_password=False)


def admin() -> Engine:
    return create_engine(SERVER, isolation_level="AUTOCOMMIT")


@contextmanager
def scratch_database(prefix: str = "qms") -> Iterator[str]:
    """A new empty database with a random name (its address), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = admin()
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url_for(name)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@contextmanager
def login_role(name: str, password: str, *member_of: str) -> Iterator[str]:
    """A server login (a role that may log in) for the length of a test; ``name`` gets a
    random suffix, the actual name is returned."""
    role = f"{name}_{uuid.uuid4().hex[:8]}"
    engine = admin()
    try:
        with engine.connect() as conn:
            conn.execute(text(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{password}'"))
            for group in member_of:
                conn.execute(text(f'GRANT "{group}" TO "{role}"'))
        yield role
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        engine.dispose()
