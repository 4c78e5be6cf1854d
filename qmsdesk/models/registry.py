"""Imports every mapped module so the metadata is complete (for Alembic and for tests):
the audit trail's, the evidence files' and each register's, as the register catalogue
names them."""

import importlib

from qmsdesk import registers
from qmsdesk.models import audit, evidence, questionnaires, staff
from qmsdesk.models.base import Base

for _module in registers.model_modules():
    importlib.import_module(_module)

metadata = Base.metadata
__all__ = ["audit", "evidence", "metadata", "questionnaires", "staff"]
