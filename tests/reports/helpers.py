"""Running a report the way the CLI does, for tests that want the written PDF's path."""

from __future__ import annotations

import re
from collections.abc import Generator
from datetime import date
from functools import partial
from pathlib import Path

from pypdf import PageObject, PdfReader

from qmsdesk.models.db import Database
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services.progress import Progress


def report_task(kind: str, db: Database, out: Path, today: date, prepared_by: str,
                period_from: date | None = None,
                period_to: date | None = None) -> Generator[Progress, None, Path]:
    request = ReportRequest(today, prepared_by, period_from, period_to)
    issued = yield from generate_report(db, kind, out, request)
    return issued.path


def page_text(page: PageObject) -> str:
    """A page's text as it reads. "of y · Generated …" in the footer is a form (a PDF
    XObject written once the last page is known), and pypdf puts a form's text on a line of
    its own: it is joined back to "Page x"."""
    return FOOTER_BREAK.sub(r"\1 \2", page.extract_text())


FOOTER_BREAK = re.compile(r"(· Page \d+)\n(of \d+ · Generated)")
LEADER = re.compile(r"\s*(?:\.\s*)+")


def contents_lines(page: PageObject) -> list[str]:
    """The contents' entries as they read: "heading page". Each page number is a form
    drawn after its entry's dot leader; pypdf gives the entry, the leader and the number a
    line each (an entry that wraps, a line per line)."""
    lines = [line.strip() for line in page.extract_text().splitlines()]
    entries: list[str] = []
    title: list[str] = []
    for line in lines[lines.index("Contents") + 1:]:
        if line.isdigit() and title:
            entries.append(f"{' '.join(title)} {line}")
            title = []
        elif not LEADER.fullmatch(line):
            title.append(line)
    return entries


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    return reader, "\n".join(page_text(page) for page in reader.pages)


parties_report = partial(report_task, "parties")
objectives_report = partial(report_task, "objectives")
suppliers_report = partial(report_task, "suppliers")
