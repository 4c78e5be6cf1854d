"""The integrity check behind `verify`: the database's own checks, the audit chain against
an anchor, the records against the trail, and the anchor this machine last saw.

What is found and what is not is written down in the README ("What verify proves").
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from sqlalchemy import text

from qmsdesk import paths
from qmsdesk.models.audit import Anchor, ChainReport, chain_head, verify_chain
from qmsdesk.models.db import Database
from qmsdesk.models.trail_replay import replay_problems

CHECKPOINTS = "audit-anchors.json"  # in the data folder, outside every database file


@dataclass
class IntegrityReport:
    problems: list[str] = field(default_factory=list)
    chain: ChainReport | None = None
    checked_against: Anchor | None = None  # the anchor the chain had to extend, if any
    more: int = 0  # problems found beyond those listed

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            return self.problems[0]
        chain = self.chain or ChainReport(0)
        extends = (f" It extends the anchor {self.checked_against.entries}:"
                   f"{self.checked_against.head[:12]}…." if self.checked_against else "")
        return (f"Database intact; audit trail verified: {chain.entries} entries, chain intact, "
                f"every record as the trail last recorded it.{extends}\n"
                f"Anchor (write it down; 'verify --expect' checks the trail still extends "
                f"it): {chain.anchor}")


def _checkpoint_key(db: Database) -> str:
    if db.path is not None:
        return str(db.path.resolve())
    from sqlalchemy.engine import make_url

    return make_url(db.url).render_as_string(hide_password=True)


def _checkpoints() -> dict[str, str]:
    try:
        data = json.loads((paths.data_dir() / CHECKPOINTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_anchor(db: Database) -> Anchor | None:
    """The anchor the last successful verify of this database on this machine saw."""
    value = _checkpoints().get(_checkpoint_key(db))
    try:
        return Anchor.parse(value) if isinstance(value, str) else None
    except ValueError:
        return None


def remember_anchor(db: Database, anchor: Anchor | None) -> None:
    """Keep (or, with None, forget: a restored backup starts a new history) the anchor."""
    folder = paths.data_dir()
    stored = _checkpoints()
    if anchor is None:
        stored.pop(_checkpoint_key(db), None)
    else:
        stored[_checkpoint_key(db)] = str(anchor)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / (CHECKPOINTS + ".partial")
        temp.write_text(json.dumps(stored, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(temp, folder / CHECKPOINTS)
    except OSError:
        pass  # a read-only data folder: verify still works, it only cannot remember


def verify_database(db: Database, expect: Anchor | None = None) -> IntegrityReport:
    """Check the file, the chain (against ``expect``, else the anchor this machine last
    saw for this database), and every record against the trail. A successful check moves
    the machine's anchor on."""
    report = IntegrityReport()
    remembered = last_anchor(db) if expect is None else None
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
        report.checked_against = expect or remembered
        report.chain = verify_chain(session, expect=report.checked_against)
        replayed, count = replay_problems(session) if report.chain.intact else ([], 0)
    if not report.chain.intact:
        source = ("" if expect is not None or remembered is None else
                  " (compared with the anchor this computer saw at the last verify)")
        report.problems.append(f"Audit trail broken: {report.chain.problem}{source}")
    report.problems.extend(replayed)
    report.more = count - len(replayed)
    if report.ok:
        remember_anchor(db, report.chain.anchor)
    return report


def trail_anchor(db: Database) -> Anchor:
    """The trail's length and head as stored now: printed on every issued report."""
    with db.read() as session:
        return chain_head(session)
