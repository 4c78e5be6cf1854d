"""The integrity check behind `verify`: the database's own checks plus the audit chain."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from qmsdesk.models.audit import ChainReport, verify_chain
from qmsdesk.models.db import Database


@dataclass
class IntegrityReport:
    problems: list[str] = field(default_factory=list)
    chain: ChainReport | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            return self.problems[0]
        entries = self.chain.entries if self.chain else 0
        return f"Database intact; audit trail verified: {entries} entries, chain intact."


def verify_database(db: Database) -> IntegrityReport:
    report = IntegrityReport()
    with db.read() as session:
        if session.bind is not None and session.bind.dialect.name == "sqlite":
            result = [row[0] for row in session.execute(text("PRAGMA integrity_check"))]
            if result != ["ok"]:
                report.problems.append(f"Database integrity check failed: {result[0]}")
            broken_fk = session.execute(text("PRAGMA foreign_key_check")).first()
            if broken_fk is not None:
                report.problems.append(
                    f"Database integrity check failed: a row of {broken_fk[0]} "
                    f"(rowid {broken_fk[1]}) points to a missing {broken_fk[2]}")
        report.chain = verify_chain(session)
    if not report.chain.intact:
        report.problems.append(f"Audit trail broken: {report.chain.problem}")
    return report
