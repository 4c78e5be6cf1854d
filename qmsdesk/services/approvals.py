"""Approving a report revision (ISO 9001 7.5.2 c) and the revision history it prints.

An issued revision is "Not yet approved" until someone with the right to approve records
the approval: who, in which role, when, and what the revision changed in one line. The
approval is a record on the audit trail; every later issue of that revision prints it in
the control block, and every report prints its revision history.

Who may approve: the approvers the organisation names in Settings (anyone, while it names
none). On a team's server the database has the last word: only logins in the approver
role may add an approval (``models.roles``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qmsdesk import clock
from qmsdesk import registers as catalogue
from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.db import Database
from qmsdesk.models.reviews import ReportApproval, ReportLogEntry
from qmsdesk.services import signoff
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.validation import NAME_LIMIT, check_text

NOTE_LIMIT = 500  # one line of the revision history
HISTORY_ROWS = 8  # the revisions a control page lists; the report log has them all
NOT_APPROVED = "Not yet approved"
FIRST_ISSUE = "First issue"


@dataclass(frozen=True)
class Approval:
    report_type: str
    revision: int
    approved_by: str
    approved_role: str
    approved_at: datetime
    change_note: str
    approved_login: str = ""
    content_hash: str = ""  # the approved revision's content fingerprint
    meaning: str = ""  # what the approver meant by it ("Approved as reviewer")

    @property
    def who(self) -> str:
        """"Helen Whitfield, Managing Director"."""
        return f"{self.approved_by}, {self.approved_role}" if self.approved_role \
            else self.approved_by

    def printed(self) -> str:
        """"Helen Whitfield, Managing Director, 2026-12-02": the report log, the history."""
        return f"{self.who}, {self.approved_at.astimezone().date().isoformat()}"

    def signed(self) -> str:
        """What the control block says: ``printed`` and, for an approval signed by a login,
        "(“Approved as reviewer”, login hw, content sha256 …)": who exactly approved which
        content, and what they meant by it."""
        said = f"\u201c{self.meaning}\u201d" if self.meaning else ""
        if not self.approved_login:
            return f"{self.printed()} ({said})" if said else self.printed()
        content = f", content sha256 {self.content_hash}" if self.content_hash else ""
        login = f"login {self.approved_login}{content}"
        return f"{self.printed()} ({said + ', ' if said else ''}{login})"


@dataclass(frozen=True)
class RevisionLine:
    """One line of a report's revision history."""

    revision: int
    issue_date: date
    change: str
    approval: Approval | None


def as_approval(row: ReportApproval) -> Approval:
    return Approval(row.report_type, row.revision, row.approved_by, row.approved_role,
                    row.approved_at, row.change_note, row.approved_login, row.content_hash,
                    row.approved_meaning)


def approvers(db: Database) -> tuple[str, ...]:
    """The people the organisation names as report approvers (Settings), in its order."""
    return load_settings(db).approvers()


def refusal(db: Database, name: str) -> str:
    """Why ``name`` may not approve reports here, or "" when they may (the rule every
    approval shares: services.signoff)."""
    return signoff.approver_refusal(db, name)


def approval_of(db: Database, report_type: str, revision: int) -> Approval | None:
    with db.read() as session:
        row = session.scalar(select(ReportApproval).where(
            ReportApproval.report_type == report_type, ReportApproval.revision == revision))
        return as_approval(row) if row is not None else None


def approvals(db: Database) -> dict[tuple[str, int], Approval]:
    """Every approval, by (report type, revision): for the report log's Approval column."""
    with db.read() as session:
        return {(row.report_type, row.revision): as_approval(row)
                for row in session.scalars(select(ReportApproval))}


def latest_revision(db: Database, report_type: str) -> int:
    """The latest issued revision of a report type (ValidationError if never issued)."""
    with db.read() as session:
        latest = session.scalar(select(func.max(ReportLogEntry.revision))
                                .where(ReportLogEntry.report_type == report_type))
    if latest is None:
        raise ValidationError({"revision": "This report was never issued: issue it first, "
                                           "then approve the revision."})
    return int(latest)


def approve(db: Database, report_type: str, revision: int, name: str, role: str,
            change_note: str, meaning: str = "") -> Approval:
    """Record the approval of an issued revision, in one transaction, on the audit trail,
    with what the approver meant by it (``meaning``, optional).

    Refused (ValidationError) when the revision was never issued, is approved already, the
    person may not approve, or the note or meaning is too long; a server login without the
    approver role is refused by the server itself (PermissionRefused). On a team's server
    the caller has confirmed the password first (signoff.confirm).
    """
    me = db.identity()
    if me.on_server:  # the approver is the server login's staff name, not typed text
        name = db.user
    errors: dict[str, str] = {}
    if reason := refusal(db, name):
        errors["approved_by"] = reason
    login = me.login
    check_text(errors, "approved_by", name, "Approved by", NAME_LIMIT)
    check_text(errors, "approved_role", role, "Role", NAME_LIMIT)
    note = " ".join(change_note.split())
    check_text(errors, "change_note", note, "What changed", NOTE_LIMIT)
    meaning = signoff.tidy_meaning(errors, meaning)
    with db.session() as session:
        issued = session.scalar(select(func.count()).select_from(ReportLogEntry).where(
            ReportLogEntry.report_type == report_type, ReportLogEntry.revision == revision))
        if not issued:
            errors["revision"] = f"Revision {revision} of this report was never issued."
        taken = session.scalar(select(ReportApproval).where(
            ReportApproval.report_type == report_type, ReportApproval.revision == revision))
        if taken is not None:
            errors["revision"] = (f"Revision {revision} was approved already by "
                                  f"{as_approval(taken).printed()}.")
        if errors:
            raise ValidationError(errors)
        fingerprint = session.scalar(select(ReportLogEntry.fingerprint).where(
            ReportLogEntry.report_type == report_type, ReportLogEntry.revision == revision)
            .order_by(ReportLogEntry.id.desc()).limit(1)) or ""
        row = ReportApproval(report_type=report_type, revision=revision,
                             approved_by=" ".join(name.split()),
                             approved_role=" ".join(role.split()),
                             approved_at=clock.now(), approved_login=login,
                             content_hash=fingerprint, approved_meaning=meaning,
                             change_note=note or change_summary(session, report_type,
                                                                revision))
        session.add(row)
        session.flush()
        return as_approval(row)


def _entities(report_type: str) -> frozenset[str] | None:
    """The kinds of record a report draws on (None: all of them, as a periodic pack)."""
    for register in catalogue.REGISTERS:
        for report in register.reports:
            if report.key == report_type:
                if report.periodic:
                    return None
                keys = {register.key, *register.shows, "actions"} - {"settings", "reports"}
                return frozenset({"evidence"}).union(*(catalogue.BY_KEY[key].entities
                                                       for key in keys))
    return None


def _first_issues(session: Session, report_type: str) -> dict[int, tuple[datetime, date]]:
    """Revision -> (when it was first issued, its issue date)."""
    rows = session.execute(
        select(ReportLogEntry.revision, func.min(ReportLogEntry.generated_at),
               func.min(ReportLogEntry.issue_date))
        .where(ReportLogEntry.report_type == report_type)
        .group_by(ReportLogEntry.revision)).all()
    return {revision: (at, issued) for revision, at, issued in rows}


_WORDS = {"create": "added", "archive": "archived", "restore": "restored"}
_ORDER = ("added", "changed", "archived", "restored")
_STRONGER = {"added": 3, "archived": 2, "restored": 1, "changed": 0}


def _summary(entries: Iterable[tuple[str, str, str]]) -> str:
    """"Interested parties: 2 added, 3 changed; Actions: 1 archived" from (entity, action,
    ref) audit rows: each record counted once, under what most happened to it (a record
    added and then edited was added)."""
    words: dict[str, dict[str, str]] = defaultdict(dict)
    for entity, action, ref in entries:
        owners = catalogue.registers_of({entity})
        register = ("Evidence files" if entity == "evidence" else
                    catalogue.BY_KEY[min(owners)].label if owners else entity)
        word = _WORDS.get(action, "changed")
        if _STRONGER[word] >= _STRONGER[words[register].get(ref, "changed")]:
            words[register][ref] = word
    parts = []
    for register, per_record in sorted(words.items()):
        counts = Counter(per_record.values())
        parts.append(f"{register}: " + ", ".join(
            f"{counts[word]} {word}" for word in _ORDER if counts[word]))
    return "; ".join(parts)


def change_summary(session: Session, report_type: str, revision: int) -> str:
    """What changed in the records a report draws on between the first issue of the
    revision before and the first issue of this one (now, if it is being issued), in one
    line."""
    return _changes(session, report_type, revision, _first_issues(session, report_type))


def _changes(session: Session, report_type: str, revision: int,
             issues: dict[int, tuple[datetime, date]]) -> str:
    """``change_summary`` given the first issues of every revision (read once)."""
    if revision <= 1 or revision - 1 not in issues:
        return FIRST_ISSUE
    since = issues[revision - 1][0]
    end = issues.get(revision, (clock.now(), None))[0]
    query = (select(AuditEntry.entity, AuditEntry.action, AuditEntry.ref)
             .where(AuditEntry.at > since, AuditEntry.at <= end,
                    AuditEntry.entity != ReportApproval.audit_entity))
    entities = _entities(report_type)
    if entities is not None:
        query = query.where(AuditEntry.entity.in_(entities))
    summary = _summary((entity, action, ref) for entity, action, ref in session.execute(query))
    return summary or "Settings or wording changed (no register record changed)"


def revision_history(db: Database, report_type: str, current: int, current_date: date,
                     limit: int = HISTORY_ROWS) -> list[RevisionLine]:
    """The last ``limit`` revisions up to ``current`` (which may be being issued now),
    oldest first, each with what changed and its approval."""
    with db.read() as session:
        issues = _first_issues(session, report_type)
        issues.setdefault(current, (clock.now(), current_date))
        approved = {row.revision: as_approval(row) for row in session.scalars(
            select(ReportApproval).where(ReportApproval.report_type == report_type))}
        numbers = sorted(n for n in issues if n <= current)[-limit:]
        return [RevisionLine(
            n, issues[n][1],
            (approved[n].change_note if n in approved and approved[n].change_note
             else _changes(session, report_type, n, issues)),
            approved.get(n)) for n in numbers]


def earlier_revisions(lines: Sequence[RevisionLine]) -> int:
    """How many revisions came before the first line shown (0: the history is complete)."""
    return lines[0].revision - 1 if lines else 0
