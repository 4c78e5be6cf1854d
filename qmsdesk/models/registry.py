"""Imports every mapped module so the metadata is complete (for Alembic and for tests)."""

from qmsdesk.models import audit, objectives, parties, reviews, settings, suppliers
from qmsdesk.models.base import Base

metadata = Base.metadata
__all__ = ["audit", "metadata", "objectives", "parties", "reviews", "settings", "suppliers"]
