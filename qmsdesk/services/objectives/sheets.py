"""The objectives register in a spreadsheet: objectives and their measurements."""

from __future__ import annotations

from qmsdesk.services.exchange import columns as cols
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

SPEC = RegisterSpec("objectives", "Quality objectives", (
    SheetSpec(cols.OBJECTIVES), SheetSpec(cols.MEASUREMENTS, "Objective reference")))
