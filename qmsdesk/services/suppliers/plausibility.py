"""Supplier and review values the rules accept but that are probably wrong: warnings the
editors show by the field before saving and an import lists (field -> message)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import CertificateRecord, ReviewRecord, SupplierRecord


def supplier_warnings(record: SupplierRecord, before: SupplierRecord | None,
                      today: date) -> dict[str, str]:
    """An approved or preferred supplier with an expired certificate
    (:func:`rules.expired_while_approved`), at every save until it is resolved: the
    register, the dashboard and the report flag it too. ``before`` is unused (the state
    matters, not the change): the signature is every register's."""
    expired = rules.expired_while_approved(record.status, record.certificates, today)
    if not expired:
        return {}
    return {"status": f"{'; '.join(expired)}, yet the supplier is {record.status}: renew "
                      "the certificate, change the status (conditional or suspended, with the "
                      "reason), or raise an action to get it renewed."}


def review_warnings(record: ReviewRecord, certificates: Sequence[CertificateRecord],
                    bands: Sequence[rules.Band], today: date) -> dict[str, str]:
    """A decision the review does not explain: approved or preferred while one of the
    supplier's ``certificates`` has expired, or other than the band recommends with no
    comment saying why."""
    warnings: dict[str, str] = {}
    decision = record.decision
    if not decision or any(s.score is not None and not rules.is_number(s.score)
                           for s in record.scores):
        return warnings
    if expired := rules.expired_while_approved(decision, certificates, today):
        warnings["decision"] = (f"{'; '.join(expired)}: a decision of {decision} leaves "
                                "the supplier approved with an expired certificate. Decide "
                                "conditional, or raise an action to get it renewed.")
        return warnings
    try:
        band = rules.band_for(rules.weighted_score(record.scores).total, bands)
    except ValueError:  # a weight the rules refuse: Save says which
        return warnings
    suggested = rules.recommended_decision(band, rules.band_decisions(bands))
    if suggested and decision != suggested and not record.comments.strip():
        warnings["decision"] = (f"Band {band} recommends {suggested}, not {decision}: say in "
                                "the comments why the decision differs.")
    return warnings
