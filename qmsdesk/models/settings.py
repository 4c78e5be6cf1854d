"""Database-wide settings (organisation name, document numbers) as key/value rows."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qmsdesk.models.base import Audited, Base


class Setting(Audited, Base):
    __tablename__ = "setting"
    audit_entity = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False, default="")

    @property
    def audit_ref(self) -> str:
        return self.key
