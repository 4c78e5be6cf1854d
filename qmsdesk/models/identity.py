"""Who is making the changes: on a team's server the server login (session_user), mapped
through the staff table to a display name and role; on a laptop the OS login with the name
given at first start.

The server login is the server's word, not the client's: a person cannot claim another's
name by typing it in Settings. The role on a server is the group role the server enforces
(models.roles); the staff table says which one the administrator meant to give.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from qmsdesk.models.staff import (
    ADMIN,
    APPROVER,
    EDITOR,
    GROUP_ROLES,
    STAFF_ROLES,
    VIEWER,
    StaffMember,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy.orm import Session

GROUP_ROLE = {"viewer": VIEWER, "editor": EDITOR, "approver": APPROVER,
              "administrator": ADMIN}
STAFF_ROLE = {group: role for role, group in GROUP_ROLE.items()}


@dataclass(frozen=True)
class Identity:
    """A person as the database knows them."""

    login: str
    name: str
    role: str  # one of STAFF_ROLES
    on_server: bool = False
    listed: bool = False  # an active member of the staff table

    @property
    def recorded(self) -> str:
        """What the audit trail names: "Anna Kowalska (anna)", or the login alone."""
        return self.login if self.name in ("", self.login) else f"{self.name} ({self.login})"

    def may(self, role: str) -> bool:
        """Whether this person has ``role`` or one above it."""
        return STAFF_ROLES.index(self.role) >= STAFF_ROLES.index(role)


def staff_row(conn: Connection, login: str) -> StaffMember | None:
    """The staff table's row for ``login`` (None when absent or the table is unreadable)."""
    query = select(StaffMember.display_name, StaffMember.role, StaffMember.active) \
        .where(StaffMember.login == login)
    if conn.dialect.name == "postgresql":
        try:  # a login without a role may not read it: a savepoint keeps the rest going
            with conn.begin_nested():
                row = conn.execute(query).first()
        except DBAPIError:
            return None
    else:
        row = conn.execute(query).first()
    if row is None:
        return None
    return StaffMember(login=login, display_name=row.display_name, role=row.role,
                       active=row.active)


def server_role(conn: Connection) -> str:
    """The role the server gives the connected login: the owner of the database (or a
    superuser) administers; otherwise its highest QMS Desk group role, viewer when it has
    none. A server where server-setup never ran has one shared login, which may do all."""
    owner = conn.execute(text(
        "SELECT pg_has_role(session_user, d.datdba, 'MEMBER') FROM pg_database d "
        "WHERE d.datname = current_database()")).scalar()
    set_up = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"),
                          {"r": APPROVER}).scalar()
    if owner or not set_up:
        return "administrator"
    held = [group for group in GROUP_ROLES if conn.execute(
        text("SELECT pg_has_role(session_user, :role, 'MEMBER')"), {"role": group}).scalar()]
    return STAFF_ROLE[held[-1]] if held else "viewer"


def server_identity(conn: Connection) -> Identity:
    """The connected login, its staff entry's name and the role the server gives it."""
    login = str(conn.execute(text("SELECT session_user")).scalar())
    row = staff_row(conn, login)
    listed = row is not None and row.active
    name = row.display_name if row is not None else login
    return Identity(login, name, server_role(conn), on_server=True, listed=listed)


def local_identity(conn: Connection, os_login: str, name: str) -> Identity:
    """A laptop's user: the OS login with the name they gave; their role is the staff
    table's for that login if it lists them, else administrator (the QMS is theirs)."""
    row = staff_row(conn, os_login)
    role = row.role if row is not None and row.active and row.role in STAFF_ROLES \
        else "administrator"
    return Identity(os_login, name or os_login, role, on_server=False,
                    listed=row is not None and row.active)


def os_login() -> str:
    """The operating system's name for the user ("unknown" when it has none)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def on_server(engine: Engine) -> Identity:
    """``server_identity`` read on a connection of its own."""
    with engine.connect() as conn:
        return server_identity(conn)


class IdentityMixin:
    """Database's part: who is making the changes (the dataclass holds the two values)."""

    given_user: str  # the name the user gave (Settings › You); a server's login wins
    server_identity: Identity | None  # on a server: the login, its staff name and role
    engine: Engine

    def read(self) -> AbstractContextManager[Session]:
        raise NotImplementedError

    @property
    def user(self) -> str:
        """The name of who is making the changes: the staff table's name for the server
        login on a team's server, else the name the user gave."""
        return self.server_identity.name if self.server_identity else self.given_user

    @user.setter
    def user(self, name: str) -> None:
        self.given_user = name

    @property
    def recorded_user(self) -> str:
        """Who the audit trail names: "Anna Kowalska (anna)" on a server, else the name."""
        return self.server_identity.recorded if self.server_identity else self.given_user

    def identity(self) -> Identity:
        """Who is making the changes, with their role: the server identity found at open
        (or refresh), or on a laptop the OS login with the name given (read each time:
        the staff table may have changed)."""
        if self.server_identity is not None:
            return self.server_identity
        with self.read() as session:
            return local_identity(session.connection(), os_login(), self.given_user)

    def refresh_identity(self) -> None:
        """Read the server login's name and role again (after the staff table changed)."""
        if self.server_identity is not None:
            self.server_identity = on_server(self.engine)
