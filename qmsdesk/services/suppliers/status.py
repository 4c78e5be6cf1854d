"""A supplier's approval status: it changes only with a line in the supplier's history."""

from __future__ import annotations

from datetime import date

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
