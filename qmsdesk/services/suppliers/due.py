"""What is due in the suppliers register: reviews and certificates running out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.suppliers import Certificate, Supplier
from qmsdesk.services.due import DueItem, DueList, soonest
from qmsdesk.services.suppliers.rules import NOT_IN_USE

REVIEW = "Supplier review"
CERTIFICATE = "Supplier certificate"


def _find(session: Session, today: date, until: date, limit: int | None
          ) -> Iterator[DueItem]:
    # A disqualified or archived supplier is no longer used: nothing of it is due.
    for sid, ref, name, due in session.execute(soonest(
            select(Supplier.id, Supplier.ref, Supplier.name, Supplier.next_review)
            .where(Supplier.status.not_in(NOT_IN_USE), Supplier.next_review <= until),
            Supplier.next_review, Supplier.ref, limit)):
        assert due is not None  # ``<= until`` leaves out suppliers without a date
        yield DueItem(REVIEW, "suppliers", sid, ref, name, due, "", today)
    for sid, ref, name, standard, valid_until in session.execute(soonest(
            select(Supplier.id, Supplier.ref, Supplier.name, Certificate.standard,
                   Certificate.valid_until)
            .join(Certificate, Certificate.supplier_id == Supplier.id)
            .where(Supplier.status.not_in(NOT_IN_USE), Certificate.valid_until <= until),
            Certificate.valid_until, Supplier.ref, limit)):
        assert valid_until is not None
        yield DueItem(CERTIFICATE, "suppliers", sid, ref, f"{standard} — {name}",
                      valid_until, "", today)


DUE = DueList((REVIEW, CERTIFICATE), _find)
