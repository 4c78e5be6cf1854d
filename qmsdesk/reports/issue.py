"""Issuing a report: content -> fingerprint -> revision -> controlled PDF -> report log.

Every report module offers ``content(db, request)``, a task that yields Progress and
returns a ReportContent (its body, without the title block). Issuing it works out the
revision from the content fingerprint, adds the document-control block, writes the PDF
and records it in the report log with its sha256.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from reportlab.platypus import Flowable

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.reports import chart_images
from qmsdesk.reports.catalog import REPORT_KINDS
from qmsdesk.reports.control import title_block
from qmsdesk.reports.document import build_pdf
from qmsdesk.reports.document_control import DocumentControl, HistoryLine
from qmsdesk.reports.fingerprint import content_fingerprint
from qmsdesk.reports.story import Body, StoryStream, flowables_of, read_ahead
from qmsdesk.services import approvals
from qmsdesk.services.integrity import trail_anchor
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.progress import Progress, run_task
from qmsdesk.services.report_log import (
    LoggedReport,
    ReportIssue,
    RevisionTaken,
    file_sha256,
    may_log,
    record_reports,
    revision_for,
)

ISSUE_ATTEMPTS = 3  # another user's issue may take the revision meanwhile: number it again


@dataclass(frozen=True)
class ReportRequest:
    """What the user asked for: as of when, by whom, for which period (periodic reports)."""

    today: date
    prepared_by: str
    period_from: date | None = None
    period_to: date | None = None


@dataclass
class ReportContent:
    """A report's own part: the body that follows the title block, and how to label it.

    ``volatile`` lists phrases that may change without the report saying anything new (the
    "as of" date of a register snapshot); they do not count towards the revision.
    """

    report_type: str
    subject: str
    period: str
    body: Body  # a long register's is made as it is read (reports.story)
    volatile: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IssuedReport:
    path: Path
    issue: ReportIssue
    log: LoggedReport | None  # None until recorded (see ``issue(record=False)``)

    @property
    def revision(self) -> int:
        return self.issue.revision.number

    @property
    def new_revision(self) -> bool:
        return self.issue.revision.is_new

    @property
    def pages(self) -> int:
        return self.issue.pages


ContentTask = Generator[Progress, None, ReportContent]


def as_of(today: date) -> str:
    return f"As of {today.isoformat()}"


def as_of_phrases(today: date) -> tuple[str, ...]:
    """The "as of" wording of a snapshot, as volatile text: the phrases, not the bare date,
    so a record dated today still counts as content."""
    return (as_of(today), f"as of {today.isoformat()}")


def issue(db: Database, content: ReportContent, out_path: Path, request: ReportRequest,
          generated_at: datetime | None = None, in_archive: tuple[Path, str] | None = None,
          record: bool = True) -> IssuedReport:
    """Number, write and log one report (see the module docstring).

    The layout consumes ``content.body``: each flowable is let go once its page is written.
    RevisionTaken when another user's issue took the revision meanwhile; nothing is logged
    and the caller builds the content again (``generate_report``).

    ``in_archive`` is (zip, name inside) when the file is written first and then packed;
    ``record=False`` leaves logging to the caller (an auditor pack logs its reports only
    once the zip exists).
    """
    kind = REPORT_KINDS[content.report_type]
    settings = load_settings(db)
    control = DocumentControl(
        title=kind.title, document_number=settings.document_number(kind.key), revision="",
        organisation=settings.organisation, prepared_by=request.prepared_by,
        approved_by=settings.approved_by, issue_date=request.today, period=content.period,
        subject=content.subject, logo=settings.logo, audit_trail=str(trail_anchor(db)))
    # Who prepares, who approves and the history are not content: a copy of a revision
    # names the person who prepared it, and approving must not make a new revision.
    identity = (kind.key, control.title, control.document_number, control.organisation,
                control.period, control.subject, hashlib.sha256(control.logo or b"").hexdigest())
    fingerprint = content_fingerprint(identity, read_ahead(flowables_of(content.body)),
                                      content.volatile)
    revision = revision_for(db, kind.key, fingerprint, request.today)
    control = with_approval(db, replace(
        control, revision=str(revision.number), issue_date=revision.issue_date,
        prepared_by=revision.prepared_by or request.prepared_by), kind.key,
        settings.approvers())
    story: list[Flowable] | StoryStream
    if isinstance(content.body, list):
        story = [*title_block(control), *content.body]
        content.body.clear()
    else:
        story = StoryStream(title_block(control), content.body())

    def remake() -> list[Flowable]:
        """The story read again, for a second layout of its contents (rare); numbered
        anew if the records changed meanwhile."""
        again = run_task(content_builder(kind.key)(db, request))
        if content_fingerprint(identity, read_ahead(flowables_of(again.body)),
                               again.volatile) != fingerprint:
            raise RevisionTaken(f"The records changed while {kind.title} was written.")
        return [*title_block(control), *flowables_of(again.body)]

    built = build_pdf(out_path, control, story, generated_at, remake)
    issued = ReportIssue(
        report_type=kind.key, title=kind.title, document_number=control.document_number,
        period=control.period, revision=revision, generated_by=request.prepared_by,
        pages=built.pages, fingerprint=fingerprint, sha256=file_sha256(built.path),
        path=str(in_archive[0] if in_archive else built.path.resolve()),
        member=in_archive[1] if in_archive else "")
    # A database that may only be read (or a viewer) cannot log the issue; the report is
    # issued all the same (the caller says it was not logged).
    log = record_reports(db, [issued])[0] if record and may_log(db) else None
    return IssuedReport(built.path, issued, log)


def _approval_record(approval: approvals.Approval | None, revision: str,
                     approvers: tuple[str, ...]) -> str:
    if approval is not None:
        return (f"Approved in QMS Desk on {clock.stamp(approval.approved_at.astimezone())} "
                f"by {approval.who}; the approval is on the audit trail.")
    by = f" by {' or '.join(approvers)}" if approvers else ""
    return (f"Revision {revision} awaits approval{by}: until it is approved in QMS Desk "
            "(Reports › Report log › Approve), this document is not approved.")


def with_approval(db: Database, control: DocumentControl, report_type: str,
                  approvers: tuple[str, ...]) -> DocumentControl:
    """The control block's approval and revision history for ``control.revision``."""
    number = int(control.revision)
    lines = approvals.revision_history(db, report_type, number, control.issue_date)
    current = next((line.approval for line in lines if line.revision == number), None)
    return replace(
        control, approved_by=current.signed() if current else approvals.NOT_APPROVED,
        approval=_approval_record(current, control.revision, approvers),
        history=tuple(HistoryLine(str(line.revision), line.issue_date.isoformat(),
                                  line.change,
                                  line.approval.printed() if line.approval
                                  else approvals.NOT_APPROVED) for line in lines),
        earlier_revisions=approvals.earlier_revisions(lines))


def content_builder(report_type: str) -> Callable[[Database, ReportRequest], ContentTask]:
    """The ``content`` task of a report type; its module is imported only now."""
    return importlib.import_module(REPORT_KINDS[report_type].module).content


def generate_report(db: Database, report_type: str, out_path: Path, request: ReportRequest,
                    in_archive: tuple[Path, str] | None = None,
                    record: bool = True) -> Generator[Progress, None, IssuedReport]:
    """Build, issue and log one report: the task the CLI, the GUI and the auditor pack run.

    When another user's issue takes the revision meanwhile, the content is read again and
    numbered anew (the first layout consumed it)."""
    with chart_images.one_report():
        for attempt in range(1, ISSUE_ATTEMPTS + 1):
            content = yield from content_builder(report_type)(db, request)
            try:
                return issue(db, content, Path(out_path), request, in_archive=in_archive,
                             record=record)
            except RevisionTaken:
                if attempt == ISSUE_ATTEMPTS:
                    raise
    raise AssertionError("unreachable")
