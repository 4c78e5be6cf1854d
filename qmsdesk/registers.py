"""The register catalogue: the one list of registers, their pages, layouts and reports.

Parts are named as import strings ("module:Class") so that reading the catalogue loads
nothing: the window imports a page when it builds it, an import its adapter when it runs
(``load``). Plain data, no Qt, no SQLAlchemy. The other lists of registers derive from it:
the command line's choices, exchange.registers.REGISTERS and exchange.adapters.ADAPTERS,
the flat tables of the exports and the auditor pack (exchange.columns.all_tables),
reports.catalog.REPORT_KINDS, org_settings.DEFAULT_DOCUMENT_NUMBERS, the action log's
sources (actions.rules.SOURCE_LINKS, actions.service.SOURCE_NAMES, the editor's choices),
the mapped models (models.registry), the dashboard's due items and the demo's sections.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Report:
    """A register's controlled report: its key (the CLI's ``report KIND``), title, the
    module that builds its content (``content(db, request)``), file name and the default
    document number printed on it."""

    key: str
    title: str
    module: str
    file_stem: str
    document_number: str = ""
    periodic: bool = False  # covers a period (--from/--to) rather than a snapshot

    def file_name(self, period: str) -> str:
        return f"{self.file_stem}-{period}.pdf"


@dataclass(frozen=True)
class ActionSource:
    """A kind of record actions can be raised from (ISO 9001 6.1, 10.2): its name in the
    action log, the field on the action that links to it, the model and the attribute that
    names its records, and the service function listing the records an editor offers."""

    name: str  # "objective": the action's source
    link: str  # "objective_id": the Action column that links to it
    model: str  # "module:Class" of the linked record
    title: str  # the attribute that names a linked record ("title", "name", "ref")
    choices: str = ""  # "module:function" -> [(id, "REF — title")]; empty: not chosen by hand


@dataclass(frozen=True)
class Register:
    """One register: its key, what the navigation calls it, its page, the kinds of
    record (audit entity names) whose changes belong to it, and its optional parts."""

    key: str
    label: str
    page: str  # "module:Class"; empty for a register without a page of its own
    icon: str  # a QStyle.StandardPixmap name
    entities: frozenset[str]
    shows: frozenset[str] = frozenset()  # other registers the page's rows depend on
    # The parts a register may have, as import strings ("module:NAME"), or plain values:
    exchange: str = ""  # its spreadsheet layout, a RegisterSpec (export, template, import)
    importer: str = ""  # its import Adapter class (needs ``exchange`` too)
    # its controlled reports (reports.catalog.REPORT_KINDS), in the order they are listed
    reports: tuple[Report, ...] = ()
    action_sources: tuple[ActionSource, ...] = ()  # kinds of its records actions come from
    models: str = ""  # the module mapping its tables (models.registry imports it)
    tables: str = ""  # "module:TABLES", its flat tables (export, auditor pack)
    due: str = ""  # "module:NAME" of its DueList (services.due): what the dashboard lists
    demo: str = ""  # "module:function" filling its part of the demo organisation


def _entities(*names: str) -> frozenset[str]:
    return frozenset(names)


# Navigation order. "settings" has no page: the organisation's settings (supplier bands
# and criteria, document numbers) change what several pages show.
REGISTERS: tuple[Register, ...] = (
    Register("dashboard", "Dashboard", "qmsdesk.ui.pages.dashboard_page:DashboardPage",
             "SP_ComputerIcon", frozenset(),
             shows=frozenset({"parties", "context", "risks", "objectives", "suppliers",
                       "actions", "settings"})),
    Register("parties", "Interested parties", "qmsdesk.ui.pages.parties_page:PartiesPage",
             "SP_DirHomeIcon",
             _entities("party", "party requirement", "party engagement"),
             exchange="qmsdesk.services.parties.sheets:SPEC",
             importer="qmsdesk.services.parties.importing:PartiesAdapter",
             reports=(Report("parties", "Interested parties register",
                             "qmsdesk.reports.parties_report", "interested-parties",
                             "QMS-REG-4.2"),),
             action_sources=(ActionSource("party", "party_id", "qmsdesk.models.parties:Party",
                                          "name",
                                          "qmsdesk.services.parties.service:party_choices"),),
             models="qmsdesk.models.parties", tables="qmsdesk.services.parties.sheets:TABLES",
             due="qmsdesk.services.parties.due:DUE",
             demo="qmsdesk.services.demo.parties:section"),
    Register("context", "Context", "qmsdesk.ui.pages.context_page:ContextPage",
             "SP_FileDialogListView",
             _entities("context issue", "context issue party"),
             shows=frozenset({"parties", "risks"}),
             exchange="qmsdesk.services.context.sheets:SPEC",
             importer="qmsdesk.services.context.importing:ContextAdapter",
             models="qmsdesk.models.risks", tables="qmsdesk.services.context.sheets:TABLES",
             due="qmsdesk.services.context.due:DUE"),
    Register("risks", "Risks & opportunities", "qmsdesk.ui.pages.risks_page:RisksPage",
             "SP_MessageBoxWarning",
             _entities("risk", "risk source"),
             shows=frozenset({"context", "parties", "suppliers", "actions", "settings"}),
             exchange="qmsdesk.services.risks.sheets:SPEC",
             importer="qmsdesk.services.risks.importing:RisksAdapter",
             reports=(Report("risks", "Context, risks and opportunities",
                             "qmsdesk.reports.risks_report", "risks", "QMS-REG-6.1"),
                      Report("traceability", "Traceability matrix",
                             "qmsdesk.reports.traceability_report", "traceability",
                             "QMS-REC-6.1")),
             action_sources=(ActionSource(
                 "risk or opportunity", "risk_id", "qmsdesk.models.risks:Risk", "title",
                 "qmsdesk.services.risks.service:risk_choices"),),
             models="qmsdesk.models.risks", tables="qmsdesk.services.risks.sheets:TABLES",
             due="qmsdesk.services.risks.due:DUE",
             demo="qmsdesk.services.demo.risks:section"),  # the context's demo too
    Register("objectives", "Objectives", "qmsdesk.ui.pages.objectives_page:ObjectivesPage",
             "SP_FileDialogDetailedView",
             _entities("quality policy", "objective", "measurement", "objective risk"),
             shows=frozenset({"parties", "actions", "risks"}),
             exchange="qmsdesk.services.objectives.sheets:SPEC",
             importer="qmsdesk.services.objectives.importing:ObjectivesAdapter",
             reports=(Report("objectives", "Quality policy and objectives",
                             "qmsdesk.reports.objectives_report", "quality-objectives",
                             "QMS-REG-6.2"),),
             action_sources=(ActionSource(
                 "objective", "objective_id", "qmsdesk.models.objectives:Objective", "title",
                 "qmsdesk.services.objectives.service:objective_choices"),),
             models="qmsdesk.models.objectives",
             tables="qmsdesk.services.objectives.sheets:TABLES",
             due="qmsdesk.services.objectives.due:DUE",
             demo="qmsdesk.services.demo.objectives:section"),
    Register("suppliers", "Suppliers", "qmsdesk.ui.pages.suppliers_page:SuppliersPage",
             "SP_DriveNetIcon",
             _entities("supplier", "supplier certificate", "supplier status change",
                       "supplier review", "review score", "questionnaire round",
                       "questionnaire answer"),
             shows=frozenset({"parties", "actions", "settings"}),
             exchange="qmsdesk.services.suppliers.sheets:SPEC",
             importer="qmsdesk.services.suppliers.importing:SuppliersAdapter",
             reports=(Report("suppliers", "Approved supplier list and supplier evaluation",
                             "qmsdesk.reports.suppliers_report", "suppliers", "QMS-REG-8.4"),),
             action_sources=(ActionSource("supplier review", "supplier_review_id",
                                          "qmsdesk.models.suppliers:SupplierReview", "ref"),),
             models="qmsdesk.models.suppliers",
             tables="qmsdesk.services.suppliers.sheets:TABLES",
             due="qmsdesk.services.suppliers.due:DUE",
             demo="qmsdesk.services.demo.suppliers:section"),
    Register("actions", "Actions", "qmsdesk.ui.pages.actions_page:ActionsPage",
             "SP_DialogApplyButton", _entities("action"),
             shows=frozenset({"parties", "objectives", "suppliers", "reports"}),
             exchange="qmsdesk.services.actions.sheets:SPEC",
             importer="qmsdesk.services.actions.importing:ActionsAdapter",
             reports=(Report("actions", "Action log", "qmsdesk.reports.actions_report",
                             "action-log", "QMS-REC-10.2"),),
             models="qmsdesk.models.objectives", tables="qmsdesk.services.actions.sheets:TABLES",
             due="qmsdesk.services.actions.due:DUE"),
    Register("reports", "Reports", "qmsdesk.ui.pages.reports_page:ReportsPage",
             # documented information (7.5): meetings, report approvals, evidence files
             "SP_FileDialogContentsView",
             _entities("management review", "report approval", "evidence"),
             shows=frozenset({"actions", "settings"}),
             reports=(Report("management-review", "Management review input pack",
                             "qmsdesk.reports.management_review_report", "management-review",
                             "QMS-REC-9.3", periodic=True),),
             action_sources=(ActionSource(
                 "management review", "management_review_id",
                 "qmsdesk.models.reviews:ManagementReview", "ref",
                 "qmsdesk.services.management_reviews:meeting_choices"),),
             models="qmsdesk.models.reviews",
             tables="qmsdesk.services.management_reviews:TABLES",
             demo="qmsdesk.services.demo.reviews:section"),
    Register("settings", "Settings", "", "",
             _entities("setting", "review criterion", "staff member"),
             models="qmsdesk.models.settings"),
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


def load(name: str) -> Any:
    """What an import string names ("package.module:NAME"), importing the module now."""
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


def exportable() -> tuple[Register, ...]:
    """The registers that go to and from spreadsheets (export, template), in order."""
    return tuple(register for register in REGISTERS if register.exchange)


def importable() -> tuple[Register, ...]:
    """The exportable registers that can also be imported (they have an Adapter)."""
    return tuple(register for register in exportable() if register.importer)


def reports() -> tuple[Report, ...]:
    """The registers' reports, in navigation order (a register's own in its order)."""
    return tuple(report for register in REGISTERS for report in register.reports)


def action_sources() -> tuple[ActionSource, ...]:
    """Every kind of record actions can be raised from, in navigation order."""
    return tuple(source for register in REGISTERS for source in register.action_sources)


def model_modules() -> tuple[str, ...]:
    """The modules that map the registers' tables, each once."""
    return tuple(dict.fromkeys(register.models for register in REGISTERS if register.models))


def document_numbers() -> dict[str, str]:
    """Report key -> the default document number printed on it."""
    return {report.key: report.document_number for report in reports()
            if report.document_number}
