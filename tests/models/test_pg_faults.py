"""A team's server misbehaving: it never answers, restarts, drops a client mid-write; a login
lacks rights; a password has characters an address cannot carry. Each is one sentence for
the person, without the password, and a write is all or nothing.

The tests that need a server run when QMSDESK_TEST_POSTGRES_URL is set (tests/pg_support).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from qmsdesk import cli
from qmsdesk.models.db import (
    ConnectionLost,
    Database,
    DatabaseUnreachable,
    PermissionRefused,
    open_database,
)
from qmsdesk.models.server import CONNECT_TIMEOUT_S, engine_options, safe_address, scrub
from qmsdesk.services import progress
from qmsdesk.services.demo.builder import create_demo
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.parties import service as parties
from tests.conftest import TODAY
from tests.factories import make_party
from tests.pg_support import admin, login_role, needs_server, scratch_database, url_for

PASSWORD = "p@ss/w0rd#42"  # as a person types it, not URL-encoded


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for conn in held:
        conn.close()


def test_a_server_that_accepts_but_never_answers_fails_within_the_timeout(silent_server):
    assert engine_options("postgresql+psycopg://qms@db/qms")["connect_args"][
        "connect_timeout"] == CONNECT_TIMEOUT_S
    url = f"postgresql+psycopg://qms:s3cretword@127.0.0.1:{silent_server}/qms?connect_timeout=1"
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachable) as caught:
        open_database(url)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert "timeout" in message and "s3cretword" not in message
    assert "\n" not in message


def test_a_password_that_is_not_url_encoded_is_explained_and_never_shown():
    url = f"postgresql+psycopg://anna:{PASSWORD}@db.example:5432/qms"
    with pytest.raises(DatabaseUnreachable) as caught:
        open_database(url)
    message = str(caught.value)
    assert message.startswith("postgresql+psycopg://anna:***@db.example:5432/qms: the password")
    assert "@ as %40" in message and "PGPASSWORD" in message and ".pgpass" in message
    for piece in ("p@ss", "w0rd", "ss/w0", "#42"):
        assert piece not in message
    # every trace of it is scrubbed from a driver's message too
    assert scrub("failed to resolve host 'ss/w0rd#42@db.example'", url) == \
        "failed to resolve host '***@db.example'"
    assert safe_address(url) == "postgresql+psycopg://anna:***@db.example:5432/qms"


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with scratch_database() as url:
        yield url


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    db = open_database(pg_url, user="team member")
    yield db
    db.close()


def _drop_clients(url: str) -> int:
    """What a server restart does to every client's connections: they are cut."""
    name = url.rsplit("/", 1)[1]
    engine = admin()
    with engine.connect() as conn:
        cut = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name}).scalar()
    engine.dispose()
    return int(cut or 0)


@needs_server
def test_a_correctly_encoded_password_works_and_is_never_shown(pg_url: str):
    with login_role("anna", PASSWORD) as role:
        encoded = pg_url.replace("qms@", f"{role}:p%40ss%2Fw0rd%2342@", 1)
        with pytest.raises(PermissionRefused) as caught:  # logged in; no QMS Desk role yet
            open_database(encoded)
    message = str(caught.value)
    assert f"{role}:***@127.0.0.1" in message
    assert "p%40ss" not in message and "w0rd" not in message


@needs_server
def test_the_first_save_after_a_server_restart_works(pg: Database, pg_url: str):
    parties.save_party(pg, make_party(TODAY, name="Before the restart"), TODAY)
    assert _drop_clients(pg_url) >= 1  # the pooled connection is dead now
    saved = parties.save_party(pg, make_party(TODAY, name="After the restart"), TODAY)
    assert saved.name == "After the restart"


@needs_server
def test_a_server_lost_mid_write_is_one_sentence_and_saves_nothing(pg: Database, pg_url: str):
    before = len(parties.list_parties(pg, TODAY))
    with pytest.raises(ConnectionLost) as caught, pg.session() as session:
        session.execute(text("SELECT 1"))
        _drop_clients(pg_url)
        session.execute(text("SELECT 1"))
    assert str(caught.value).startswith(f"The connection to {safe_address(pg_url)} was lost")
    assert str(caught.value).endswith("nothing was saved.")
    assert len(parties.list_parties(pg, TODAY)) == before


@needs_server
def test_the_cli_says_one_line_when_the_server_stops_mid_import(
        pg_url: str, tmp_path: Path, monkeypatch, capsys):
    rows = [",".join(["", f"Imported party {n}", "customer", "no", "", "", "", "", "3", "3",
                      "", "", "", "12", "", "2027-01-01", "long-term", "active", ""])
            for n in range(700)]
    source = tmp_path / "parties.csv"
    assert cli.main(["template", "parties", "--out", str(source)]) == 0
    source.write_text(source.read_text(encoding="utf-8-sig").splitlines()[0] + "\n"
                      + "\n".join(rows) + "\n", encoding="utf-8")
    original = progress.run_task

    def stop_server_mid_write(task, sink=None):
        def cut(step):
            if step.label.startswith("Saving") and step.done:  # in the open transaction
                _drop_clients(pg_url)
        return original(task, cut)
    monkeypatch.setattr(progress, "run_task", stop_server_mid_write)
    capsys.readouterr()
    code = cli.main(["import", "parties", str(source), "--database-url", pg_url])
    err = capsys.readouterr().err
    assert code == cli.EXIT_FAILED
    assert re.fullmatch(r"qmsdesk: error: The connection to \S+ was lost \(.+\): the server "
                        r"stopped or the network failed\. Try again once the server is back; "
                        r"nothing was saved\.\n", err), err
    db = open_database(pg_url)
    try:
        assert not any(row.name.startswith("Imported") for row in parties.list_parties(db, TODAY))
    finally:
        db.close()


@needs_server
def test_a_demo_cut_off_half_way_leaves_nothing_and_can_run_again(tmp_path: Path):
    with scratch_database() as url:
        db = open_database(url, user="demo")
        try:
            task = create_demo(db, TODAY)
            for step in task:
                if step.done > 20:  # well into the registers
                    _drop_clients(url)
                    with pytest.raises(ConnectionLost):
                        for _ in task:
                            pass
                    break
            assert parties.list_parties(db, TODAY) == []
            assert load_settings(db).organisation == ""
            again = create_demo(db, TODAY)  # not refused: it gets as far again, and on
            assert next(step.done > 20 for step in again if step.done > 20)
            again.close()  # stopped there: one transaction, so nothing is left again
            assert parties.list_parties(db, TODAY) == []
        finally:
            db.close()


@needs_server
def test_init_refuses_a_server_database_that_holds_a_qms(capsys):
    with scratch_database() as url:
        assert cli.main(["init", "--database-url", url, "--organisation", "First Ltd"]) == 0
        capsys.readouterr()
        assert cli.main(["init", "--database-url", url, "--organisation", "Second Ltd"]) == 1
        err = capsys.readouterr().err
        assert "already holds a QMS Desk database" in err and "nothing was changed" in err
        db = open_database(url)
        try:
            assert load_settings(db).organisation == "First Ltd"
        finally:
            db.close()


@needs_server
def test_a_login_without_rights_is_told_in_one_sentence(pg: Database, pg_url: str):
    with login_role("nobody", "x") as role:
        url = url_for(pg_url.rsplit("/", 1)[1], role)
        with pytest.raises(PermissionRefused) as caught:
            open_database(url)
        assert str(caught.value).startswith(f"Your login may not read {safe_address(url)}")
        assert "administrator" in str(caught.value)
    with scratch_database() as empty, login_role("noddl", "x") as role:
        url = url_for(empty.rsplit("/", 1)[1], role)
        with pytest.raises(PermissionRefused, match=r"may not change its tables.*administrator"):
            open_database(url)  # the schema must be created: PostgreSQL 15 grants no CREATE

