"""The interested-parties register in a spreadsheet: parties, requirements, engagements."""

from __future__ import annotations

from qmsdesk.services.exchange import columns as cols
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

SPEC = RegisterSpec("parties", "Interested parties", (
    SheetSpec(cols.PARTIES), SheetSpec(cols.REQUIREMENTS, "Party reference"),
    SheetSpec(cols.ENGAGEMENTS, "Party reference")))
