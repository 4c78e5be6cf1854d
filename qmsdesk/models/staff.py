"""The staff table: who each login is (display name) and what they may do (role).

On a team's PostgreSQL server every person has their own server login; this table maps it
to the name records and reports print and to the QMS Desk role the administrator gave them
(the server's group roles enforce it, models.roles). On a laptop (SQLite) it may list the
team too; the one user there is the OS login with the name given at first start.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from qmsdesk.models.base import Audited, Base, VersionedMixin

# What a person may do, least first; each includes the one before it.
STAFF_ROLES = ("viewer", "editor", "approver", "administrator")
# The server's group roles for them (models.roles creates and grants them).
VIEWER, EDITOR, APPROVER, ADMIN = ("qmsdesk_viewer", "qmsdesk_editor", "qmsdesk_approver",
                                   "qmsdesk_admin")
GROUP_ROLES = (VIEWER, EDITOR, APPROVER, ADMIN)
LOGIN_LIMIT = 63  # PostgreSQL's longest role name


class StaffMember(Audited, VersionedMixin, Base):
    """One person of the team: their login, the name printed for them, their role."""

    __tablename__ = "staff"
    audit_entity = "staff member"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(LOGIN_LIMIT), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="editor")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    @property
    def audit_ref(self) -> str:
        return f"staff {self.login}"
