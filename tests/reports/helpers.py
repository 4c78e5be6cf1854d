"""Running a report the way the CLI does, for tests that want the written PDF's path."""

from __future__ import annotations

from collections.abc import Generator
from datetime import date
from functools import partial
from pathlib import Path

from pypdf import PdfReader

from qmsdesk.models.db import Database
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services.progress import Progress


def report_task(kind: str, db: Database, out: Path, today: date, prepared_by: str,
                period_from: date | None = None,
                period_to: date | None = None) -> Generator[Progress, None, Path]:
    request = ReportRequest(today, prepared_by, period_from, period_to)
    issued = yield from generate_report(db, kind, out, request)
    return issued.path


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


parties_report = partial(report_task, "parties")
objectives_report = partial(report_task, "objectives")
suppliers_report = partial(report_task, "suppliers")
