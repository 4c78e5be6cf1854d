"""The team (Settings › Team): who each login is and what they may do, kept by an
administrator; on a team's server, saving a member also gives their login the group role.

A role on the server is a membership in a QMS Desk group role (models.roles); the staff
table says which one the administrator meant, with the name records print. When the app
cannot give the role itself (the login does not exist yet, or the administrator's login may
not grant it) it says the exact statements to run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from qmsdesk.models.db import Database
from qmsdesk.models.identity import GROUP_ROLE, Identity
from qmsdesk.models.roles import ROLES
from qmsdesk.models.staff import LOGIN_LIMIT, STAFF_ROLES, StaffMember
from qmsdesk.services.errors import ConflictError, NotFoundError, ServiceError, ValidationError
from qmsdesk.services.records import conflict_guard
from qmsdesk.services.validation import NAME_LIMIT, check_text

ROLE_LABELS = {"viewer": "Viewer (read and report)", "editor": "Editor (change records)",
               "approver": "Approver (also approves)",
               "administrator": "Administrator (also keeps the team)"}


@dataclass(frozen=True)
class StaffRecord:
    login: str
    display_name: str
    role: str = "editor"
    active: bool = True
    id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class StaffSaved:
    """The member as saved, and what was done on the server (or what to run there)."""

    record: StaffRecord
    message: str


SaveMember = Callable[[StaffRecord], StaffRecord]


class NotAnAdministrator(ServiceError):
    """Only an administrator keeps the team."""


def _record(row: StaffMember) -> StaffRecord:
    return StaffRecord(row.login, row.display_name, row.role, row.active, row.id, row.version)


def list_staff(db: Database) -> list[StaffRecord]:
    """The team, active members first, by name."""
    with db.read() as session:
        rows = session.scalars(select(StaffMember).order_by(
            StaffMember.active.desc(), StaffMember.display_name, StaffMember.login))
        return [_record(row) for row in rows]


def refusal(identity: Identity) -> str:
    """Why this person may not change the team, or ""."""
    if identity.may("administrator"):
        return ""
    return (f"Only an administrator may change the team; you ({identity.name}) are "
            f"{identity.role}.")


def validate(record: StaffRecord, me: Identity) -> dict[str, str]:
    errors: dict[str, str] = {}
    check_text(errors, "login", record.login, "The login", LOGIN_LIMIT, required=True)
    if "login" not in errors and (record.login != record.login.strip() or any(
            not ch.isprintable() for ch in record.login)):
        errors["login"] = "A login has no spaces at either end and no control characters."
    check_text(errors, "display_name", record.display_name, "The name", NAME_LIMIT,
               required=True)
    if record.role not in STAFF_ROLES:
        errors["role"] = f"Choose a role: {', '.join(STAFF_ROLES)}."
    elif record.login == me.login and (not record.active or record.role != "administrator"):
        errors["role"] = ("You cannot take the administrator role from yourself: ask another "
                          "administrator (so the team always has one).")
    return errors


def _tidy(record: StaffRecord) -> StaffRecord:
    return replace(record, login=record.login.strip() if record.id is None else record.login,
                   display_name=" ".join(record.display_name.split()))


def check_member(db: Database, record: StaffRecord,
                 others: Sequence[StaffRecord] = ()) -> StaffRecord:
    """The member tidied and checked, without saving: the rules ``save_team`` applies, and
    that no other entry (saved, or among ``others`` waiting to be saved) has the login.
    ValidationError or NotAnAdministrator when not."""
    me = db.identity()
    if reason := refusal(me):
        raise NotAnAdministrator(reason)
    record = _tidy(record)
    if errors := validate(record, me):
        raise ValidationError(errors)
    if record.id is None:
        saved = [m for m in list_staff(db) if all(o.id != m.id for o in others)]
        for other in (*saved, *others):
            if other.login == record.login and other is not record:
                raise ValidationError({"login": f"{record.login} is on the team already (as "
                                                f"{other.display_name}); change that entry."})
    return record


def save_member(db: Database, record: StaffRecord) -> StaffSaved:
    """Add or change a member in one transaction, on the audit trail; on a server also give
    their login the matching group role (or say what to run)."""
    record = check_member(db, record)
    return save_team(db, [record])[0]


def save_team(db: Database, records: Sequence[StaffRecord]) -> list[StaffSaved]:
    """Add or change these members all in one transaction, or none of them (Settings ›
    Team applies its changes with Settings' Save); on a server also give each login its
    group role (or say what to run). Each is checked as ``check_member`` does."""
    me = db.identity()
    checked = [check_member(db, record) for record in records]
    if not checked:
        return []
    with db.session() as session, conflict_guard("The team"):
        saved = [_store(session, record) for record in checked]
    if any(record.login == me.login for record in checked):
        db.refresh_identity()
    return saved


def _store(session: Session, record: StaffRecord) -> StaffSaved:
    row = _row_for(session, record)
    row.login, row.display_name = record.login, record.display_name
    row.role, row.active = record.role, record.active
    session.flush()
    message = _grant(session, record) if session.connection().dialect.name == \
        "postgresql" else f"{record.display_name} is on the team as {record.role}."
    return StaffSaved(_record(row), message)


def _row_for(session: Session, record: StaffRecord) -> StaffMember:
    taken = session.scalar(select(StaffMember).where(StaffMember.login == record.login))
    if record.id is None:
        if taken is not None:
            raise ValidationError({"login": f"{record.login} is on the team already (as "
                                            f"{taken.display_name}); change that entry."})
        new = StaffMember(login=record.login)
        session.add(new)
        return new
    found = session.get(StaffMember, record.id)
    if found is None:
        raise NotFoundError(f"Staff member {record.login} no longer exists; nothing was saved.")
    row = found
    if row.version != record.version:
        raise ConflictError(f"Staff member {row.login} was changed elsewhere since you opened "
                            "it. Reload; nothing was saved.")
    if row.login != record.login:
        raise ValidationError({"login": "A member's login cannot change; add the new login "
                                        "and make the old one inactive."})
    return row


def _quoted(login: str) -> str:
    return '"' + login.replace('"', '""') + '"'


def grant_statements(login: str, role: str, active: bool, held: list[str]) -> list[str]:
    """The SQL that makes ``login``'s QMS Desk group roles match ``role`` (none if not
    active), given the ones it holds directly."""
    wanted = GROUP_ROLE[role] if active else None
    statements = [f"REVOKE {group} FROM {_quoted(login)};" for group in held if group != wanted]
    if wanted is not None and wanted not in held:
        statements.append(f"GRANT {wanted} TO {_quoted(login)};")
    return statements


def _grant(session: Session, record: StaffRecord) -> str:
    conn = session.connection()
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :login AND "
                               "rolcanlogin"), {"login": record.login}).scalar()
    what = (f"{record.display_name} is on the team as {record.role}" if record.active
            else f"{record.display_name} is no longer active")
    if not exists:
        run = " ".join([f"CREATE ROLE {_quoted(record.login)} LOGIN PASSWORD '…';",
                        *grant_statements(record.login, record.role, record.active, [])])
        return (f"{what}, but the server has no login {record.login}: ask the server's "
                f"administrator to run {run}")
    held = list(conn.execute(text(
        "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :login AND "
        "g.rolname = ANY(:roles)"), {"login": record.login, "roles": list(ROLES)}).scalars())
    statements = grant_statements(record.login, record.role, record.active, held)
    if not statements:
        return f"{what}; the server's roles already match."
    try:  # a savepoint: a refused GRANT must not take the member's row with it
        with session.begin_nested():
            for statement in statements:
                session.connection().execute(text(statement.rstrip(";")))
    except DBAPIError:
        return (f"{what}, but your login may not change the server's roles: ask the "
                f"server's administrator to run {' '.join(statements)}")
    return f"{what}; the server now gives {record.login} " + (
        f"the {GROUP_ROLE[record.role]} role." if record.active else "no QMS Desk role.")
