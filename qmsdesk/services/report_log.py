"""The report log (ISO 9001 7.5): every issued report, its revision and its checksum.

A report type's revision goes up when what the report says changes. Issuing a report
whose content fingerprint matches an earlier issue of the same type reuses that issue's
revision and issue date, so regenerating from unchanged data reprints the same revision.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import IO

from sqlalchemy import and_, func, select

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.models.reviews import ReportApproval, ReportLogEntry
from qmsdesk.services import approvals
from qmsdesk.services.errors import ServiceError

AVAILABLE = "available"
MISSING = "missing"
CHANGED = "changed since issue"


class RevisionTaken(ServiceError):
    """Someone else logged the revision this issue was numbered with, for other content,
    between numbering and logging: number it again (nothing was logged)."""


@dataclass(frozen=True)
class Revision:
    number: int
    issue_date: date
    is_new: bool
    prepared_by: str = ""  # of an earlier issue: a copy of a revision names who prepared it


@dataclass(frozen=True)
class LoggedReport:
    """One line of the report log."""

    id: int
    report_type: str
    title: str
    document_number: str
    period: str
    revision: int
    issue_date: date
    generated_at: datetime
    generated_by: str
    pages: int
    fingerprint: str
    sha256: str
    path: str
    member: str = ""
    approved: str = ""  # "Helen Whitfield, Managing Director, 2026-12-02"; "" not yet

    @property
    def archive_member(self) -> tuple[Path, str] | None:
        """(zip file, member name) for a report issued inside an auditor pack."""
        return (Path(self.path), self.member) if self.member else None

    @property
    def location(self) -> str:
        """Where the report is, for people: the file, or "pack.zip › folder/reports/x.pdf"."""
        return f"{self.path} › {self.member}" if self.member else self.path

    @cached_property
    def file_present(self) -> bool:
        """A cheap look (no checksum), taken once: is the file, or its zip, still there?"""
        return Path(self.path).is_file()

    def file_state(self) -> str:
        """Whether the issued file is still there, unchanged (reads it to compare)."""
        try:
            return AVAILABLE if self.read_bytes_sha256() == self.sha256 else CHANGED
        except (OSError, KeyError, zipfile.BadZipFile):
            return MISSING

    def read_bytes_sha256(self) -> str:
        if not self.member:
            with open(self.path, "rb") as stream:
                return _sha256(stream)
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as stream:
            return _sha256(stream)


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    with open(path, "rb") as stream:
        return _sha256(stream)


def revision_for(db: Database, report_type: str, fingerprint: str, today: date) -> Revision:
    """The revision a report with this content gets: an earlier issue's, or the next one."""
    with db.session() as session:
        same = session.execute(
            select(ReportLogEntry.revision, ReportLogEntry.issue_date,
                   ReportLogEntry.generated_by)
            .where(ReportLogEntry.report_type == report_type,
                   ReportLogEntry.fingerprint == fingerprint)
            .order_by(ReportLogEntry.revision.desc(), ReportLogEntry.id).limit(1)).first()
        if same is not None:
            return Revision(same.revision, same.issue_date, is_new=False,
                            prepared_by=same.generated_by)
        last = session.scalar(select(func.max(ReportLogEntry.revision))
                              .where(ReportLogEntry.report_type == report_type))
    return Revision((last or 0) + 1, today, is_new=True)


def _row(entry: ReportLogEntry, approval: ReportApproval | None = None) -> LoggedReport:
    approved = approvals.as_approval(approval).printed() if approval is not None else ""
    return LoggedReport(
        entry.id, entry.report_type, entry.title, entry.document_number, entry.period,
        entry.revision, entry.issue_date, entry.generated_at, entry.generated_by,
        entry.pages, entry.fingerprint, entry.sha256, entry.path, entry.member, approved)


@dataclass(frozen=True)
class ReportIssue:
    """What the log records about one issued report: ``path`` is where the file lives (for
    a report inside an auditor pack, the zip, and ``member`` its name inside)."""

    report_type: str
    title: str
    document_number: str
    period: str
    revision: Revision
    generated_by: str
    pages: int
    fingerprint: str
    sha256: str
    path: str
    member: str = ""


def may_log(db: Database) -> bool:
    """Whether issuing a report here may log it: not on a database that may only be read,
    nor for a viewer (read and report only: their reports are written, not logged; on a
    team's server their login may not add to the log)."""
    return not db.readonly and db.identity().may("editor")


def record_reports(db: Database, issues: Sequence[ReportIssue]) -> list[LoggedReport]:
    """Log issued reports, all in one transaction.

    A new revision is allocated atomically: inside the writing transaction (writers take
    turns) the number must still be free, or taken by the same content (two people issuing
    the same report at once share its revision); otherwise RevisionTaken, nothing logged.
    """
    with db.session() as session:
        for i in issues:
            if not i.revision.is_new:
                continue
            taken = set(session.scalars(select(ReportLogEntry.fingerprint).where(
                ReportLogEntry.report_type == i.report_type,
                ReportLogEntry.revision == i.revision.number)))
            last = session.scalar(select(func.max(ReportLogEntry.revision))
                                  .where(ReportLogEntry.report_type == i.report_type)) or 0
            if taken - {i.fingerprint} or (not taken and last >= i.revision.number):
                raise RevisionTaken(
                    f"{i.title} revision {i.revision.number} was issued by someone else a "
                    "moment ago with other content; issue it again for the next revision "
                    "(this one was not logged).")
        entries = [ReportLogEntry(
            report_type=i.report_type, title=i.title, document_number=i.document_number,
            period=i.period, revision=i.revision.number, issue_date=i.revision.issue_date,
            generated_at=clock.now(), generated_by=i.generated_by, pages=i.pages,
            fingerprint=i.fingerprint, sha256=i.sha256, path=i.path,
            member=i.member) for i in issues]
        session.add_all(entries)
        session.flush()
        return [_row(entry) for entry in entries]


def list_report_log(db: Database, report_type: str | None = None) -> list[LoggedReport]:
    """Every issued report with its revision's approval, newest first (optionally of one
    type)."""
    query = (select(ReportLogEntry, ReportApproval)
             .outerjoin(ReportApproval, and_(
                 ReportApproval.report_type == ReportLogEntry.report_type,
                 ReportApproval.revision == ReportLogEntry.revision))
             .order_by(ReportLogEntry.generated_at.desc(), ReportLogEntry.id.desc()))
    if report_type is not None:
        query = query.where(ReportLogEntry.report_type == report_type)
    with db.read() as session:
        return [_row(entry, approval) for entry, approval in session.execute(query)]
