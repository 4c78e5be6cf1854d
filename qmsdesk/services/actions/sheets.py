"""The action log in a spreadsheet: one sheet of actions."""

from __future__ import annotations

from qmsdesk.services.exchange import columns as cols
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

SPEC = RegisterSpec("actions", "Action log", (SheetSpec(cols.ACTIONS),))
