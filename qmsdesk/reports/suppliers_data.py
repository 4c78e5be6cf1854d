"""What the suppliers report prints of each supplier, read a batch of suppliers at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from qmsdesk.models.db import Database
from qmsdesk.services.actions.records import ActionRow
from qmsdesk.services.actions.service import actions_by_link
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import ReviewRecord, ReviewRow, SupplierRecord, SupplierRow
from qmsdesk.services.suppliers.reviews import ReviewSummary, get_reviews, list_reviews, summarise
from qmsdesk.services.suppliers.service import get_suppliers

LOAD_BATCH = 500  # suppliers read at once: a few queries a batch, not several a supplier


def load_suppliers(db: Database, rows: Sequence[SupplierRow], bands: list[rules.Band],
                   today: date) -> list[SupplierData]:
    """The evaluation data of ``rows``: their records, reviews, latest approved review and
    the actions raised from their reviews, each kind read once for all of them."""
    ids = [row.id for row in rows]
    records = get_suppliers(db, ids)
    reviews_of: dict[int, list[ReviewRow]] = {supplier_id: [] for supplier_id in ids}
    for review in list_reviews(db, supplier_ids=ids):
        reviews_of[review.supplier_id].append(review)
    actions_of = actions_by_link(db, today, "supplier_review_id",
                                 [r.id for reviews in reviews_of.values() for r in reviews])
    loaded = []
    for row in rows:
        reviews = reviews_of[row.id]
        actions = [a for r in reviews for a in actions_of.get(r.id, ())]
        loaded.append(SupplierData(row, records[row.id], reviews, None, None, actions))
    latest = get_reviews(db, [d.charted[-1].id for d in loaded if d.charted])
    for data in loaded:
        if data.charted:
            data.latest = latest[data.charted[-1].id]
            data.summary = summarise(data.latest, bands)
    return loaded


@dataclass
class SupplierData:
    """Everything one supplier's section prints, loaded in one pass."""

    row: SupplierRow
    record: SupplierRecord
    reviews: list[ReviewRow]
    latest: ReviewRecord | None
    summary: ReviewSummary | None
    actions: list[ActionRow]

    @property
    def results(self) -> list[ReviewRow]:
        """The approved reviews, oldest first: a draft is not yet a result."""
        return [r for r in self.reviews if r.approved_on is not None]

    @property
    def charted(self) -> list[ReviewRow]:
        """The reviews the trend and scorecard show: the approved ones, else the drafts."""
        return self.results or self.reviews
