"""Real identities and approvals on a real PostgreSQL server: each person's login mapped
through the staff table to a name and role, the team kept by an administrator (who gives
logins their group role from the app), and approvals the server refuses to a login without
the approver role.

Runs when QMSDESK_TEST_POSTGRES_URL is set (tests/pg_support); skipped otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import ProgrammingError

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import open_database
from qmsdesk.models.roles import ADMIN, APPROVER, EDITOR, set_up_server
from qmsdesk.models.suppliers import SupplierReview
from qmsdesk.services import staff
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.objectives import policy
from qmsdesk.services.suppliers import reviews
from qmsdesk.services.suppliers import service as suppliers
from tests.conftest import TODAY
from tests.factories import make_supplier
from tests.pg_support import login_role, needs_server, scratch_database, url_for

pytestmark = needs_server


@pytest.fixture(scope="module")
def team_url() -> Iterator[str]:
    """A database set up by its owner (server-setup), with one supplier."""
    with scratch_database() as url:
        db = open_database(url, user="owner")
        try:
            set_up_server(db)
            suppliers.save_supplier(db, make_supplier(TODAY), TODAY)
        finally:
            db.close()
        yield url


def _as(url: str, role: str) -> str:
    return url_for(url.rsplit("/", 1)[1], role)


def _member_of(url: str, login: str, group: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT pg_has_role(:l, :g, 'MEMBER')"),
                                     {"l": login, "g": group}).scalar())
    finally:
        engine.dispose()


def test_an_administrator_gives_a_login_its_role_and_name_from_the_team(team_url: str):
    with login_role("boss", "x", ADMIN) as boss, login_role("anna", "x") as anna:
        db = open_database(_as(team_url, boss), user="typed in Settings")
        try:
            assert db.identity().role == "administrator" and db.user == boss
            saved = staff.save_member(db, staff.StaffRecord(anna, "Anna Kowalska", "editor"))
            assert saved.message == (f"Anna Kowalska is on the team as editor; the server now "
                                     f"gives {anna} the {EDITOR} role.")
            assert _member_of(team_url, anna, EDITOR)
            staff.save_member(db, staff.replace(saved.record, role="approver"))
            assert _member_of(team_url, anna, APPROVER)
        finally:
            db.close()
        db = open_database(_as(team_url, anna), user="Somebody Else")
        try:
            me = db.identity()
            assert (me.login, me.name, me.role, me.listed) == (anna, "Anna Kowalska",
                                                               "approver", True)
            suppliers.save_supplier(db, make_supplier(TODAY, name="Added by Anna"), TODAY)
            with db.read() as session:
                last = session.scalars(select(AuditEntry.user).order_by(
                    AuditEntry.id.desc()).limit(1)).one()
            assert last == f"Anna Kowalska ({anna})"  # the server's login, not typed text
            with pytest.raises(staff.NotAnAdministrator):
                staff.save_member(db, staff.StaffRecord(anna, "Anna", "administrator"))
        finally:
            db.close()
        engine = create_engine(_as(team_url, anna))  # nor past the app: the server says no
        with pytest.raises(ProgrammingError, match="permission denied for table staff"), \
                engine.begin() as conn:
            conn.execute(text("UPDATE staff SET role = 'administrator'"))
        engine.dispose()
        db = open_database(_as(team_url, boss))
        try:
            member = next(m for m in staff.list_staff(db) if m.login == anna)
            left = staff.save_member(db, staff.replace(member, active=False))
            assert left.message.endswith(f"the server now gives {anna} no QMS Desk role.")
            assert not _member_of(team_url, anna, EDITOR)
        finally:
            db.close()


def test_a_member_the_server_cannot_serve_gets_the_statements_to_run(team_url: str):
    with login_role("boss", "x", ADMIN) as boss, login_role("lead", "x") as lead:
        db = open_database(_as(team_url, boss))
        try:
            ghost = staff.save_member(db, staff.StaffRecord("ghost_no_login", "Ghost",
                                                            "viewer"))
            assert ghost.message.endswith(
                'the server has no login ghost_no_login: ask the server\'s administrator to '
                'run CREATE ROLE "ghost_no_login" LOGIN PASSWORD \'…\'; GRANT qmsdesk_viewer '
                'TO "ghost_no_login";')
            admin = staff.save_member(db, staff.StaffRecord(lead, "Team Lead",
                                                            "administrator"))
            assert admin.message.endswith(  # only the owner makes administrators
                f'your login may not change the server\'s roles: ask the server\'s '
                f'administrator to run GRANT {ADMIN} TO "{lead}";')
            assert {m.login for m in staff.list_staff(db)} >= {"ghost_no_login", lead}
        finally:
            db.close()


def test_the_server_refuses_an_approval_by_a_login_without_the_approver_role(team_url: str):
    with login_role("editor", "x", EDITOR) as editor, \
            login_role("approver", "x", APPROVER) as approver:
        db = open_database(_as(team_url, editor))
        try:
            supplier = suppliers.list_suppliers(db, TODAY)[0]
            record = reviews.new_review(db, supplier.id, TODAY)
            for item in record.scores:
                item.score = 80
            record.decision = "approved"
            draft = reviews.save_review(db, record, TODAY)  # an editor writes the review
            draft.approved_on = TODAY
            with pytest.raises(ValidationError) as refused:
                reviews.save_review(db, draft, TODAY)
            assert "Ask your administrator for the approver role" in \
                refused.value.errors["approved_on"]
            with pytest.raises(ValidationError):
                policy.revise_policy(db, "Right first time.", ["Meet requirements"], "Me",
                                     TODAY, TODAY)
        finally:
            db.close()
        engine = create_engine(_as(team_url, editor))  # past the app, the server refuses
        for statement in (
                f"UPDATE supplier_review SET approved_on = DATE '2026-11-21', approved_by = "
                f"'Forged' WHERE id = {draft.id}",
                "INSERT INTO quality_policy (revision, statement, commitments, approved_by, "
                "approved_on, created_at, updated_at) VALUES (9, 's', 'c', 'Forged', "
                "DATE '2026-11-21', now(), now())"):
            with pytest.raises(ProgrammingError, match="approving is for the approver role"), \
                    engine.begin() as conn:
                conn.execute(text(statement))
        engine.dispose()
        db = open_database(_as(team_url, approver), user="Typed Name")
        try:
            review = reviews.get_review(db, draft.id)
            review.approved_by, review.approved_on = "Someone Typed", TODAY
            approved = reviews.save_review(db, review, TODAY)
            assert approved.approved_by == approver  # the login's name, not the typed one
            assert approved.signature.startswith(f"login {approver}, ")
            revision = policy.revise_policy(db, "Right first time.", ["Meet requirements"],
                                            "Typed", TODAY, TODAY)
            assert revision.approved_by == approver
            assert revision.signature.startswith(f"login {approver}, ")
            with db.read() as session:
                row = session.get(SupplierReview, draft.id)
                assert row is not None and len(row.approved_hash) == 64
        finally:
            db.close()
