"""Which reports exist: names, titles, file names and where each is built.

Derived from the register catalogue (qmsdesk.registers), where each register names its
report. Light on purpose (no reportlab, no matplotlib): the CLI, the GUI and the auditor
pack read it before any report module is imported.
"""

from __future__ import annotations

from qmsdesk import registers as catalogue

ReportKind = catalogue.Report  # a report's key, title, building module, file name, number

REPORT_KINDS: dict[str, ReportKind] = {kind.key: kind for kind in catalogue.reports()}
