"""Signed approvals on a real PostgreSQL server: the effectiveness check of an action is for
approvers (the app says so, and past the app the server refuses it and records its own
login), and signing re-confirms the login's password on a short connection of its own.

Runs when QMSDESK_TEST_POSTGRES_URL is set (tests/pg_support); the password tests also
start a cluster that asks for passwords (tests/pg_password_server), skipped without root.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from qmsdesk.models.db import open_database
from qmsdesk.models.objectives import Action
from qmsdesk.models.password_check import SignatureRefused
from qmsdesk.models.roles import APPROVER, EDITOR, VIEWER, set_up_server
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services import report_log, signoff
from qmsdesk.services.actions import service as actions
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.progress import run_task
from tests.conftest import TODAY
from tests.factories import make_action
from tests.pg_password_server import OWNER, password_server
from tests.pg_support import login_role, needs_server, scratch_database, url_for

pytestmark = needs_server


@pytest.fixture(scope="module")
def team_url() -> Iterator[str]:
    """A database set up by its owner (server-setup), with one done corrective action."""
    with scratch_database() as url:
        db = open_database(url, user="owner")
        try:
            set_up_server(db)
            actions.save_action(db, make_action(
                TODAY, kind="corrective", status="done", start_date=TODAY - timedelta(20),
                completed_on=TODAY - timedelta(10)), TODAY)
        finally:
            db.close()
        yield url


def _as(url: str, role: str) -> str:
    return url_for(url.rsplit("/", 1)[1], role)


def _checked(db, who: str = "Typed Name") -> actions.ActionRecord:
    record = actions.get_action(db, actions.list_actions(db, TODAY)[0].id)
    record.effectiveness, record.effectiveness_by, record.effectiveness_on = (
        "effective", who, TODAY)
    return record


def test_an_editor_login_cannot_sign_an_effectiveness_check(team_url: str):
    with login_role("editor", "x", EDITOR) as editor:
        db = open_database(_as(team_url, editor))
        try:
            with pytest.raises(ValidationError) as refused:
                actions.save_action(db, _checked(db), TODAY, "Effective as reviewer")
            assert "Ask your administrator for the approver role" in \
                refused.value.errors["effectiveness_by"]
        finally:
            db.close()
        engine = create_engine(_as(team_url, editor))  # past the app, the server refuses
        with pytest.raises(ProgrammingError, match="approving is for the approver role"), \
                engine.begin() as conn:
            conn.execute(text("UPDATE action SET effectiveness = 'effective', "
                              "effectiveness_by = 'Forged', effectiveness_on = CURRENT_DATE"))
        with engine.begin() as conn:  # the rest of the action stays theirs to edit
            conn.execute(text("UPDATE action SET owner = 'Anna Kowalska'"))
        engine.dispose()


def test_an_approver_signs_and_the_server_records_its_own_login(team_url: str):
    with login_role("approver", "x", APPROVER) as approver:
        db = open_database(_as(team_url, approver), user="Typed Name")
        try:
            # the checker's field is theirs on a server: left empty, it is their name
            signed = actions.save_action(db, _checked(db, ""), TODAY, "Effective as reviewer")
            assert signed.effectiveness_by == approver  # the login's name, not typed text
            assert signed.effectiveness_signature.startswith(
                f"\u201cEffective as reviewer\u201d, login {approver}, ")
        finally:
            db.close()
        engine = create_engine(_as(team_url, approver))
        with engine.begin() as conn:  # a client claiming another login is overruled
            conn.execute(text("UPDATE action SET effectiveness_login = 'somebody_else', "
                              "effectiveness_meaning = 'Re-signed'"))
            login = conn.execute(text(f"SELECT effectiveness_login FROM {Action.__tablename__}"
                                      )).scalar()
        engine.dispose()
        assert login == approver


def test_a_viewer_login_prints_a_report_that_is_not_logged(team_url: str, tmp_path: Path):
    with login_role("auditor", "x", VIEWER) as auditor:
        db = open_database(_as(team_url, auditor))
        try:
            assert db.identity().role == "viewer"
            issued = run_task(generate_report(db, "actions", tmp_path / "a.pdf",
                                              ReportRequest(TODAY, "Vera Auditor")))
            assert issued.log is None and Path(issued.path).stat().st_size > 0
            assert report_log.list_report_log(db) == []
        finally:
            db.close()


def test_a_server_that_asks_for_no_password_cannot_confirm_a_signature(team_url: str):
    with login_role("approver", "secret", APPROVER) as approver:
        db = open_database(_as(team_url, approver))
        try:
            assert signoff.needs_password(db)
            with pytest.raises(SignatureRefused) as refused:
                signoff.confirm(db, "secret")
            assert str(refused.value).startswith("The server at postgresql+psycopg://")
            assert f"lets login {approver} in without asking for a password" in \
                str(refused.value)
            with pytest.raises(SignatureRefused, match=r"^Enter the password of login "):
                signoff.confirm(db, "")
        finally:
            db.close()


@pytest.fixture(scope="module")
def password_db() -> Iterator[str]:
    """A QMS Desk database on a server that asks for passwords."""
    with password_server() as server:
        engine = create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE qms_signing"))
        engine.dispose()
        url = server.rsplit("/", 1)[0] + "/qms_signing"
        open_database(url, user="owner", create=True).close()
        yield url


def test_a_wrong_password_is_refused_in_one_sentence_and_the_right_one_signs(password_db):
    db = open_database(password_db)
    try:
        with pytest.raises(SignatureRefused) as refused:
            signoff.confirm(db, "not-the-password")
        message = str(refused.value)
        assert message == (f"That is not the password of login {OWNER}: nothing was "
                           "approved. Type it again.")
        assert "not-the-password" not in message and "owner-secret" not in message
        signoff.confirm(db, "owner-secret")  # the right one: no error
    finally:
        db.close()
