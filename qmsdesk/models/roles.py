"""Roles on a PostgreSQL server: who may read, write, approve and administer, enforced there.

``server-setup`` runs as the login that owns the database. It creates four group roles,
each including the one before it, and grants them their rights:

- qmsdesk_viewer: connect and read every table (auditors: read and report);
- qmsdesk_editor: also insert, update and delete records, but the audit trail only grows:
  INSERT and SELECT on audit_entry, nothing else;
- qmsdesk_approver: an editor who may also approve: only it adds report approvals, approves
  a supplier review, issues a policy revision or records an action's effectiveness check (a
  trigger refuses anyone else, and records the server's login as the approver's);
- qmsdesk_admin: an approver who keeps the staff table (Settings › Team) and may give the
  viewer, editor and approver roles to logins.

A trigger on audit_entry refuses UPDATE, DELETE and TRUNCATE to everyone but the table's
owner, even a login someone granted more rights by hand. Only the owner creates or
upgrades tables (PostgreSQL 15 gives no one else CREATE in the public schema); tables a
later upgrade adds get the same grants through default privileges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from qmsdesk.models.db import (
    UPGRADE_LOCK,
    Database,
    DatabaseRefused,
    PermissionRefused,
)
from qmsdesk.models.server import classify, reason
from qmsdesk.models.staff import ADMIN, APPROVER, EDITOR, VIEWER

ROLES = (VIEWER, EDITOR, APPROVER, ADMIN)  # each includes the rights of the one before
APPEND_ONLY = ("audit_entry",)   # rows are added, never changed or removed
OWNER_ONLY = ("alembic_version",)  # the schema revision: changed by an upgrade only
APPROVER_ONLY = ("report_approval",)  # added by approvers, then never changed
ADMIN_ONLY = ("staff",)  # who is who and may do what: administrators maintain it
# The columns of an action's effectiveness check and its signature: changing any of them
# while a check is recorded is recording (or re-signing) a check.
_CHECK = ("effectiveness", "effectiveness_by", "effectiveness_on", "effectiveness_login",
          "effectiveness_at", "effectiveness_hash", "effectiveness_meaning")
_CHECK_CHANGED = (f"NEW.effectiveness_on IS NOT NULL AND "
                  f"ROW({', '.join('NEW.' + c for c in _CHECK)}) IS DISTINCT FROM "
                  f"ROW({', '.join('OLD.' + c for c in _CHECK)})")
# Tables whose rows are approvals: (table, the column the approver's login goes in, the
# trigger's WHEN for an INSERT, for an UPDATE).
SIGNED = (("supplier_review", "approved_login", "NEW.approved_on IS NOT NULL",
           "NEW.approved_on IS NOT NULL AND OLD.approved_on IS NULL"),
          ("quality_policy", "approved_login", "TRUE", None),
          ("report_approval", "approved_login", "TRUE", None),
          ("action", "effectiveness_login", "NEW.effectiveness_on IS NOT NULL",
           _CHECK_CHANGED))

# An approval by a login outside the approver role is refused by the server, whatever the
# client says; the approver's login is the server's (session_user), never the client's word,
# in the column the trigger names (approved_login when it names none).
# The table's owner writes rows as they are: a copy or an upgrade carries history.
_APPROVER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION qmsdesk_approver_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    login_column text := COALESCE(TG_ARGV[0], 'approved_login');
BEGIN
    IF pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                   'MEMBER') THEN
        RETURN NEW;
    END IF;
    IF NOT pg_has_role(session_user, '{APPROVER}', 'MEMBER') THEN
        RAISE EXCEPTION 'approving is for the approver role: % on % is refused for %',
            TG_OP, TG_TABLE_NAME, session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW := jsonb_populate_record(NEW, jsonb_build_object(login_column, session_user::text));
    RETURN NEW;
END $$
"""

_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION qmsdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID),
                   'USAGE') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'the audit trail only grows: % on % is refused for %',
        TG_OP, TG_TABLE_NAME, current_user USING ERRCODE = 'insufficient_privilege';
END $$
"""


def _quoted(conn: Connection, name: str) -> str:
    return str(conn.execute(text("SELECT quote_ident(:name)"), {"name": name}).scalar())


def _create_roles(conn: Connection) -> list[str]:
    done = []
    for role in ROLES:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"),
                              {"role": role}).scalar()
        if not exists:
            conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
            done.append(f"created group role {role}")
    for lower, higher in pairwise(ROLES):
        conn.execute(text(f"GRANT {lower} TO {higher}"))
    return done


def _grant(conn: Connection, database: str, tables: Sequence[str]) -> list[str]:
    db = _quoted(conn, database)
    conn.execute(text(f"GRANT CONNECT ON DATABASE {db} TO {VIEWER}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {VIEWER}"))
    conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {VIEWER}"))
    conn.execute(text(f"GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO {VIEWER}"))
    conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                      f"TO {EDITOR}"))
    conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {EDITOR}"))
    for table in (*APPEND_ONLY, *OWNER_ONLY):
        if table in tables:
            conn.execute(text(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM PUBLIC, "
                              f"{', '.join(ROLES)}"))
    for table in OWNER_ONLY:
        if table in tables:
            conn.execute(text(f"REVOKE INSERT ON {table} FROM PUBLIC, {', '.join(ROLES)}"))
    _approver_only(conn, tables)
    _admin_only(conn, tables)
    # Tables and sequences a later upgrade creates (as this owner) get the same rights.
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES "
                      f"TO {VIEWER}"))
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT INSERT, UPDATE, "
                      f"DELETE ON TABLES TO {EDITOR}"))
    conn.execute(text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, USAGE ON "
                      f"SEQUENCES TO {VIEWER}, {EDITOR}"))
    return [f"granted {VIEWER} read access, {EDITOR} changes to {len(tables)} tables "
            f"(the audit trail: add and read only; approvals: {APPROVER} adds them)"]


def _only(conn: Connection, tables: Sequence[str], restricted: Iterable[str], role: str,
          rights: str) -> None:
    """The ``restricted`` tables among ``tables`` are written by ``role`` alone (with
    ``rights``); every other role keeps reading them."""
    for table in restricted:
        if table in tables:
            conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM "
                              f"PUBLIC, {', '.join(ROLES)}"))
            conn.execute(text(f"GRANT {rights} ON {table} TO {role}"))


def _approver_only(conn: Connection, tables: Sequence[str]) -> None:
    _only(conn, tables, APPROVER_ONLY, APPROVER, "INSERT")


def _admin_only(conn: Connection, tables: Sequence[str]) -> None:
    _only(conn, tables, ADMIN_ONLY, ADMIN, "INSERT, UPDATE, DELETE")


def _set_up_before(conn: Connection) -> bool:
    """Whether server-setup ran on this server (its group roles exist)."""
    return conn.dialect.name == "postgresql" and bool(conn.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": APPROVER}).scalar())


def restrict_new_tables(conn: Connection, tables: Sequence[str]) -> None:
    """For an upgrade that creates approver- or administrator-only tables on a server
    already set up: the default privileges gave editors every right on them; take back
    what is not theirs."""
    if _set_up_before(conn):
        _approver_only(conn, tables)
        _admin_only(conn, tables)


def guard_approvals(conn: Connection) -> list[str]:
    """On a server set up with the group roles: triggers that refuse an approval (a
    supplier review approved, a policy revision issued, a report approved, an action's
    effectiveness checked) by a login outside the approver role and record the server's
    login as the approver's."""
    if not _set_up_before(conn):
        return []
    conn.execute(text(_APPROVER_FUNCTION))
    tables = set(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    for table, login, on_insert, on_update in SIGNED:
        if table not in tables or not conn.execute(text(
                "SELECT 1 FROM information_schema.columns WHERE table_name = :t AND "
                "column_name = :c"), {"t": table, "c": login}).scalar():
            continue  # a schema older than the one that signs these approvals (0010, 0012)
        for op, when in (("INSERT", on_insert), ("UPDATE", on_update)):
            name = f"{table}_approver_{op.lower()}"
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table}"))
            if when is not None:
                conn.execute(text(f"CREATE TRIGGER {name} BEFORE {op} ON {table} FOR EACH "
                                  f"ROW WHEN ({when}) EXECUTE FUNCTION "
                                  f"qmsdesk_approver_only('{login}')"))
    return [f"only {APPROVER} approves supplier reviews, issues policy revisions, approves "
            f"reports and checks the effectiveness of actions; only {ADMIN} changes the "
            "staff table"]


def _guard_audit_trail(conn: Connection) -> list[str]:
    conn.execute(text(_GUARD_FUNCTION))
    for table in APPEND_ONLY:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
        conn.execute(text(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "
                          f"{table} FOR EACH ROW EXECUTE FUNCTION qmsdesk_append_only()"))
        conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))
        conn.execute(text(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                          "FOR EACH STATEMENT EXECUTE FUNCTION qmsdesk_append_only()"))
    return ["the audit trail refuses UPDATE, DELETE and TRUNCATE to all but its owner"]


def set_up_roles(conn: Connection) -> list[str]:
    """Create the group roles, grant their rights and guard the audit trail, in the
    caller's transaction on a database at the head schema; return what was done."""
    database = str(conn.execute(text("SELECT current_database()")).scalar())
    tables = list(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    return [*_create_roles(conn), *_grant(conn, database, tables), *_guard_audit_trail(conn),
            *guard_approvals(conn), *_delegate(conn)]


def _delegate(conn: Connection) -> list[str]:
    """Administrators may give the viewer, editor and approver roles to logins (from the
    app's Team settings); making someone an administrator stays with the owner."""
    for role in (VIEWER, EDITOR, APPROVER):
        conn.execute(text(f"GRANT {role} TO {ADMIN} WITH ADMIN OPTION"))
    return [f"{ADMIN} may give {VIEWER}, {EDITOR} and {APPROVER} to logins"]


def roles_of(conn: Connection) -> list[str]:
    """The QMS Desk roles the connected login has (directly or through another role)."""
    return [role for role in ROLES if conn.execute(
        text("SELECT pg_has_role(session_user, :role, 'MEMBER')"), {"role": role}).scalar()]


def set_up_server(db: Database) -> list[str]:
    """``set_up_roles`` on an open server database (already at the head schema), under the
    upgrade lock; a login that may not do it gets one sentence, and nothing is changed."""
    if db.path is not None or db.engine.dialect.name != "postgresql":
        raise DatabaseRefused(f"{db.display_name} is not on a PostgreSQL server: roles and "
                              "rights are for a team's server (a file has one user).")
    try:
        with db.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": UPGRADE_LOCK})
            return set_up_roles(conn)
    except DBAPIError as exc:
        if classify(exc) == "denied":
            raise PermissionRefused(
                f"Your login may not set up roles on {db.display_name} "
                f"({reason(exc, db.url)}): run server-setup as the login that owns the "
                "database, with the right to create roles (CREATEROLE); nothing was "
                "changed.") from None
        raise db.fault(exc) from None
