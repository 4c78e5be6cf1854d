"""Which reports exist: names, titles, file names and where each is built.

Light on purpose (no reportlab, no matplotlib): the CLI, the GUI and the auditor pack
read it before any report module is imported.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportKind:
    key: str
    title: str
    module: str  # builds the report's content: ``content(db, request)``
    file_stem: str
    periodic: bool = False  # covers a period (--from/--to) rather than a snapshot

    def file_name(self, period: str) -> str:
        return f"{self.file_stem}-{period}.pdf"


REPORT_KINDS: dict[str, ReportKind] = {kind.key: kind for kind in (
    ReportKind("parties", "Interested parties register", "qmsdesk.reports.parties_report",
               "interested-parties"),
    ReportKind("objectives", "Quality policy and objectives",
               "qmsdesk.reports.objectives_report", "quality-objectives"),
    ReportKind("suppliers", "Approved supplier list and supplier evaluation",
               "qmsdesk.reports.suppliers_report", "suppliers"),
    ReportKind("management-review", "Management review input pack",
               "qmsdesk.reports.management_review_report", "management-review",
               periodic=True),
)}
