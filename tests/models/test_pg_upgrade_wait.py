"""A client that opens a team's database while another client upgrades it says so
("Another QMS Desk is upgrading the database; waiting…") instead of waiting in silence,
then opens the upgraded database once the other upgrade ends.

Runs when QMSDESK_TEST_POSTGRES_URL is set (tests/pg_support); skipped otherwise.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, text

from qmsdesk.models import upgrade_wait
from qmsdesk.models.db import HEAD_REVISION, UPGRADE_LOCK, Database, open_database
from tests.pg_support import needs_server, scratch_database

pytestmark = needs_server
ROOT = Path(__file__).resolve().parent.parent.parent
WAIT_S = 120  # a bound for a hung test only: nothing here is timed


@contextmanager
def another_client_upgrading(url: str) -> Iterator[Connection]:
    """Hold the upgrade lock as a client in the middle of an upgrade would."""
    engine = create_engine(url)
    conn = engine.connect()
    conn.begin()
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
    try:
        yield conn
    finally:
        conn.rollback()  # the upgrade ends: its transaction-scoped lock is released
        conn.close()
        engine.dispose()


def _revision(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())
    finally:
        engine.dispose()


def test_a_client_says_it_waits_for_another_upgrade_then_opens_the_upgraded_database():
    with scratch_database() as url:
        open_database(url, user="owner", create=True, revision="0009").close()
        heard: queue.Queue[str] = queue.Queue()
        opened: list[Database | BaseException] = []

        def open_it() -> None:
            try:
                opened.append(open_database(url, user="owner"))
            except BaseException as exc:  # handed to the test below
                opened.append(exc)

        before = upgrade_wait.set_notice(heard.put)
        try:
            with another_client_upgrading(url):
                client = threading.Thread(target=open_it)
                client.start()
                assert heard.get(timeout=WAIT_S) == upgrade_wait.UPGRADE_WAIT
                assert not opened  # still waiting for the lock the other client holds
            client.join(WAIT_S)
        finally:
            upgrade_wait.set_notice(before)
        assert len(opened) == 1 and isinstance(opened[0], Database), opened
        opened[0].close()
        assert heard.empty()  # said once
        assert _revision(url) == HEAD_REVISION


def test_the_command_line_prints_the_wait_on_stderr(data_dir: Path):
    with scratch_database() as url:
        open_database(url, user="owner", create=True, revision="0009").close()
        env = {**os.environ, "QMSDESK_CHART_WORKERS": "0"}
        with another_client_upgrading(url):
            process = subprocess.Popen(
                [sys.executable, str(ROOT / "main.py"), "init", "--database-url", url,
                 "--data-dir", str(data_dir)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
            lines: queue.Queue[str] = queue.Queue()
            assert process.stderr is not None
            threading.Thread(target=lambda: [lines.put(line) for line in process.stderr],
                             daemon=True).start()
            try:
                assert lines.get(timeout=WAIT_S).strip() == upgrade_wait.UPGRADE_WAIT
            except BaseException:
                process.kill()
                raise
        out, _ = process.communicate(timeout=WAIT_S)
        assert process.returncode == 0
        assert out.startswith("Created empty QMS Desk database")
        assert _revision(url) == HEAD_REVISION
