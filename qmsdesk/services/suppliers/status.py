"""A supplier's approval status: it changes only with a line in the supplier's history."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qmsdesk.models.suppliers import Supplier, SupplierStatusChange


def record_status_change(session: Session, supplier: Supplier, new_status: str, reason: str,
                         today: date, user: str, review_id: int | None = None) -> None:
    """Change the approval status and keep the change in the supplier's history."""
    old = supplier.status if supplier.id is not None else ""
    if old == new_status and supplier.id is not None:
        return
    supplier.history.append(SupplierStatusChange(
        changed_on=today, from_status=old, to_status=new_status, reason=reason.strip(),
        changed_by=user, review_id=review_id))
    supplier.status = new_status


def registered_on(session: Session, supplier_id: int) -> date | None:
    """The day the supplier was registered: where its status history starts (the app writes
    the first line on the day it is added; an import brings the line from the file)."""
    return session.scalar(select(func.min(SupplierStatusChange.changed_on))
                          .where(SupplierStatusChange.supplier_id == supplier_id))
