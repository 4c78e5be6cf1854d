"""The register catalogue: the one list of registers and the pages that show them.

Parts are named as import strings ("module:Class") so that reading the catalogue loads
nothing: the window imports a page when it builds it. Plain data, no Qt, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Register:
    """One register: its key, what the navigation calls it, its page, and the kinds of
    record (audit entity names) whose changes belong to it."""

    key: str
    label: str
    page: str  # "module:Class"; empty for a register without a page of its own
    icon: str  # a QStyle.StandardPixmap name
    entities: frozenset[str]
    shows: frozenset[str] = frozenset()  # other registers the page's rows depend on


def _entities(*names: str) -> frozenset[str]:
    return frozenset(names)


# Navigation order. "settings" has no page: the organisation's settings (supplier bands
# and criteria, document numbers) change what several pages show.
REGISTERS: tuple[Register, ...] = (
    Register("dashboard", "Dashboard", "qmsdesk.ui.pages.dashboard_page:DashboardPage",
             "SP_ComputerIcon", frozenset(),
             shows=frozenset({"parties", "objectives", "suppliers", "actions", "settings"})),
    Register("parties", "Interested parties", "qmsdesk.ui.pages.parties_page:PartiesPage",
             "SP_DirHomeIcon",
             _entities("party", "party requirement", "party engagement")),
    Register("objectives", "Objectives", "qmsdesk.ui.pages.objectives_page:ObjectivesPage",
             "SP_FileDialogDetailedView",
             _entities("quality policy", "objective", "measurement"),
             shows=frozenset({"parties", "actions"})),
    Register("suppliers", "Suppliers", "qmsdesk.ui.pages.suppliers_page:SuppliersPage",
             "SP_DriveNetIcon",
             _entities("supplier", "supplier certificate", "supplier status change",
                       "supplier review", "review score"),
             shows=frozenset({"parties", "actions", "settings"})),
    Register("actions", "Actions", "qmsdesk.ui.pages.actions_page:ActionsPage",
             "SP_DialogApplyButton", _entities("action"),
             shows=frozenset({"parties", "objectives", "suppliers", "reports"})),
    Register("reports", "Reports", "qmsdesk.ui.pages.reports_page:ReportsPage",
             "SP_FileDialogContentsView", _entities("management review"),
             shows=frozenset({"actions", "settings"})),
    Register("settings", "Settings", "", "", _entities("setting", "review criterion")),
)

BY_KEY = {register.key: register for register in REGISTERS}
_OWNER = {entity: register.key for register in REGISTERS for entity in register.entities}


def with_pages() -> tuple[Register, ...]:
    """The registers the navigation lists, in order."""
    return tuple(register for register in REGISTERS if register.page)


def registers_of(entities: Iterable[str]) -> frozenset[str]:
    """The registers that kinds of record belong to ({"party requirement"} -> {"parties"});
    a kind no register claims is ignored."""
    return frozenset(_OWNER[entity] for entity in entities if entity in _OWNER)


def watched_by(key: str) -> frozenset[str]:
    """The registers whose changes the page of ``key`` shows: its own and those it lists."""
    register = BY_KEY[key]
    return frozenset({key}) | register.shows
