"""Rights enforced by the server: server-setup's group roles, a viewer who cannot write, an
editor who writes, and an audit trail nobody but its owner can rewrite.

Runs when QMSDESK_TEST_POSTGRES_URL is set (tests/pg_support); skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from qmsdesk import cli
from qmsdesk.models.db import PermissionRefused, open_database
from qmsdesk.models.roles import APPROVER, EDITOR, VIEWER, roles_of
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from tests.conftest import TODAY
from tests.factories import make_party
from tests.pg_support import login_role, needs_server, scratch_database, url_for

pytestmark = needs_server


@pytest.fixture(scope="module")
def team_url() -> Iterator[str]:
    """A database set up by its owner with server-setup, holding one party."""
    with scratch_database() as url:
        assert cli.main(["server-setup", "--database-url", url]) == 0
        db = open_database(url, user="owner")
        parties.save_party(db, make_party(TODAY, name="Set up by the owner"), TODAY)
        db.close()
        yield url


def _as(url: str, role: str) -> str:
    return url_for(url.rsplit("/", 1)[1], role)


def test_server_setup_says_what_it_did_and_can_run_again(team_url: str, capsys):
    assert cli.main(["server-setup", "--database-url", team_url]) == 0
    out = capsys.readouterr().out
    assert "qmsdesk_viewer read access" in out and "GRANT qmsdesk_editor TO" in out
    assert "refuses UPDATE, DELETE and TRUNCATE" in out


def test_a_viewer_reads_but_cannot_write(team_url: str):
    with login_role("auditor", "x", VIEWER) as role:
        db = open_database(_as(team_url, role), user=role)
        try:
            with db.read() as session:
                assert roles_of(session.connection()) == [VIEWER]
            assert [row.name for row in parties.list_parties(db, TODAY)] == \
                ["Set up by the owner"]
            with pytest.raises(PermissionRefused) as caught:
                parties.save_party(db, make_party(TODAY, name="Not by an auditor"), TODAY)
            message = str(caught.value)
            assert message.startswith("Your login may not change this in ")
            assert "permission denied for table party" in message
            assert message.endswith("nothing was saved.")
        finally:
            db.close()


def test_an_editor_writes_but_nobody_rewrites_the_audit_trail(team_url: str):
    with login_role("editor", "x", EDITOR) as editor, \
            login_role("overgranted", "x", EDITOR) as overgranted:
        db = open_database(_as(team_url, editor), user=editor)
        try:
            parties.save_party(db, make_party(TODAY, name="By an editor"), TODAY)
        finally:
            db.close()
        owner = create_engine(team_url)
        with owner.begin() as conn:  # rights someone granted by hand, past the roles
            conn.execute(text(f'GRANT UPDATE, DELETE, TRUNCATE ON audit_entry TO "{overgranted}"'))
        try:
            for login, refusal in ((editor, "permission denied for table audit_entry"),
                                   (overgranted, "the audit trail only grows")):
                engine = create_engine(_as(team_url, login))
                for statement in ("UPDATE audit_entry SET new_value = 'forged'",
                                  "DELETE FROM audit_entry", "TRUNCATE audit_entry"):
                    with pytest.raises(ProgrammingError, match=refusal), \
                            engine.begin() as conn:
                        conn.execute(text(statement))
                engine.dispose()
        finally:
            with owner.begin() as conn:
                conn.execute(text(f'REVOKE ALL ON audit_entry FROM "{overgranted}"'))
            owner.dispose()
    db = open_database(team_url)
    try:
        report = verify_database(db)
        assert report.ok and report.chain.entries > 0
    finally:
        db.close()


def test_only_the_approver_role_may_approve_a_report(team_url: str, tmp_path):
    from qmsdesk.reports.issue import ReportRequest, generate_report
    from qmsdesk.services import approvals
    from qmsdesk.services.progress import run_task

    owner = open_database(team_url, user="owner")
    try:
        run_task(generate_report(owner, "parties", tmp_path / "p.pdf",
                                 ReportRequest(TODAY, "Anna Kowalska")))
    finally:
        owner.close()
    with login_role("editor2", "x", EDITOR) as editor, \
            login_role("approver", "x", APPROVER) as approver:
        db = open_database(_as(team_url, editor), user=editor)
        try:
            with pytest.raises(ValidationError) as refused:  # the app says why first
                approvals.approve(db, "parties", 1, "Anna Kowalska", "Quality Manager", "")
            assert "Only an approver may approve" in refused.value.errors["approved_by"]
            assert approvals.approvals(db) == {}
        finally:
            db.close()
        engine = create_engine(_as(team_url, editor))  # and the server refuses a client
        with pytest.raises(ProgrammingError, match="permission denied for table "  # that
                           "report_approval"), engine.begin() as c:  # does not ask it
            c.execute(text("INSERT INTO report_approval (report_type, revision, approved_by, "
                           "approved_role, approved_at, change_note, version) VALUES "
                           "('parties', 1, 'Anna', '', now(), '', 1)"))
        engine.dispose()
        db = open_database(_as(team_url, approver), user=approver)
        try:
            approval = approvals.approve(db, "parties", 1, "Helen Whitfield", "", "")
            assert approval.revision == 1
        finally:
            db.close()
        engine = create_engine(_as(team_url, approver))
        with pytest.raises(ProgrammingError, match="permission denied"), engine.begin() as c:
            c.execute(text("UPDATE report_approval SET approved_by = 'Someone else'"))
        engine.dispose()


def test_an_upgrade_on_a_server_set_up_before_keeps_approvals_to_approvers():
    from qmsdesk.models.roles import set_up_roles

    with scratch_database() as url:
        open_database(url, user="owner", create=True, revision="0007").close()
        engine = create_engine(url)
        with engine.begin() as conn:
            set_up_roles(conn)  # set up at 0007: editors get every right on new tables
        open_database(url, user="owner").close()  # the upgrade adds report_approval
        with engine.connect() as conn:
            def may(role: str, right: str) -> bool:
                return bool(conn.execute(text(
                    "SELECT has_table_privilege(:role, 'report_approval', :right)"),
                    {"role": role, "right": right}).scalar())
            assert not may(EDITOR, "INSERT") and not may(EDITOR, "UPDATE")
            assert may(APPROVER, "INSERT") and not may(APPROVER, "DELETE")
            # 0012: an action's effectiveness check is guarded like the other approvals
            guarded = set(conn.execute(text(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE '%approver%'")).scalars())
            assert {"action_approver_insert", "action_approver_update",
                    "supplier_review_approver_update"} <= guarded, guarded
        engine.dispose()


def test_server_setup_by_a_login_that_may_not_is_one_sentence(team_url: str, capsys):
    with login_role("editor", "x", EDITOR) as editor:
        code = cli.main(["server-setup", "--database-url", _as(team_url, editor)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_FAILED and err.count("\n") == 1
    assert "run server-setup as the login that owns the database" in err
