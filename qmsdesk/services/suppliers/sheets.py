"""The suppliers register in a spreadsheet: suppliers, certificates, status history,
reviews and their scores."""

from __future__ import annotations

from qmsdesk.services.exchange import columns as cols
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

SPEC = RegisterSpec("suppliers", "Suppliers", (
    SheetSpec(cols.SUPPLIERS), SheetSpec(cols.CERTIFICATES, "Supplier reference"),
    SheetSpec(cols.STATUS_HISTORY, "Supplier reference"),
    SheetSpec(cols.REVIEWS, "Supplier reference"),
    SheetSpec(cols.REVIEW_SCORES, "Review reference")))
