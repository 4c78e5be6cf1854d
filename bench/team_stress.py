"""Four QMS Desks on one team database at once, for a minute: creating parties and actions,
editing one shared record, importing parties and issuing reports, all at the same time.

Each client is its own process with its own connection pool, as on four desks. Every error
a client meets is counted: one a person would be shown (a sentence: a field message, a
conflict, a busy server) under "shown to users", anything else as a traceback (a defect).
Edits of the shared record increment a counter kept in its notes, reloading after a
conflict as a person would; lost updates = increments the clients saved minus the final
count. At the end the audit chain is verified and replayed against the records.

    python bench/team_stress.py --database-url postgresql+psycopg://qms@host/qms_stress \\
        [--clients 4] [--seconds 60] [--logins]

The database is created or upgraded as any client would; use a scratch one. With --logins
(the address's login must own the database and may create roles) the run is a real team:
server-setup, one login per client in the approver role, named in the staff table, and the
audit trail must name each client's person and login; the logins are dropped afterwards.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OPERATIONS = ("party", "edit", "action", "edit", "import", "party", "edit", "report")
IMPORT_ROWS = 5
EDIT_TRIES = 50  # a person reloads and saves again; 50 conflicts in a row would be a defect


def _first_sentence(text: str) -> str:
    return text.split(". ")[0][:140]


class Client:
    """One desk: runs the operations in turn until the deadline and counts what happened."""

    def __init__(self, url: str, me: int, counter_id: int, folder: Path) -> None:
        from qmsdesk import clock
        from qmsdesk.models.db import open_database

        self.db = open_database(url, user=f"Stress client {me}")
        self.me, self.counter_id, self.folder = me, counter_id, folder
        self.today = clock.today()
        self.done: Counter[str] = Counter()
        self.shown: Counter[str] = Counter()
        self.tracebacks: list[str] = []
        self.increments = self.conflicts = 0

    def party(self, n: int) -> None:
        from qmsdesk.services.parties import service as parties

        record = parties.new_party(self.today)
        record.name = f"Stress {self.me}-{n}"
        record.influence, record.interest = 3, 3
        parties.save_party(self.db, record, self.today)

    def action(self, n: int) -> None:
        from qmsdesk.services.actions import service as actions

        record = actions.new_action(self.today)
        record.title = f"Stress action {self.me}-{n}"
        actions.save_action(self.db, record, self.today)

    def edit(self, _n: int) -> None:
        from qmsdesk.services.errors import ConflictError
        from qmsdesk.services.parties import service as parties

        for _ in range(EDIT_TRIES):
            record = parties.get_party(self.db, self.counter_id)
            record.notes = str(int(record.notes or "0") + 1)
            try:
                parties.save_party(self.db, record, self.today)
            except ConflictError:
                self.conflicts += 1  # someone saved it meanwhile: reload, edit again
                continue
            self.increments += 1
            return
        raise RuntimeError(f"{EDIT_TRIES} conflicts in a row on the shared record")

    def import_(self, n: int) -> None:
        from qmsdesk.services.exchange import run_import
        from qmsdesk.services.progress import run_task

        path = self.folder / f"import-{self.me}-{n}.csv"
        path.write_text("Reference,Name,Next review\r\n" + "".join(
            f",Imported {self.me}-{n}-{row},2027-06-30\r\n" for row in range(IMPORT_ROWS)),
            encoding="utf-8")
        run_task(run_import(self.db, "parties", path, self.today))

    def report(self, n: int) -> None:
        from qmsdesk.reports.issue import ReportRequest, generate_report
        from qmsdesk.services.progress import run_task

        run_task(generate_report(self.db, "parties", self.folder / f"p-{self.me}-{n}.pdf",
                                 ReportRequest(self.today, f"Stress client {self.me}")))

    def run(self, until: float) -> dict[str, Any]:
        from qmsdesk.errors import UserFacingError

        steps = {"party": self.party, "action": self.action, "edit": self.edit,
                 "import": self.import_, "report": self.report}
        kinds = itertools.cycle(OPERATIONS[self.me % len(OPERATIONS):] +
                                OPERATIONS[:self.me % len(OPERATIONS)])
        for n in itertools.count():
            if time.time() >= until:
                break
            kind = next(kinds)
            self.done[kind] += 1
            try:
                steps[kind](n)
            except UserFacingError as exc:  # what a person is shown: one sentence
                report = getattr(exc, "report", None)  # an import's: its first problem too
                first = report().splitlines()[1:2] if callable(report) else []
                said = " ".join([_first_sentence(str(exc)), *(line.strip() for line in first)])
                self.shown[f"{kind}: {said}"] += 1
            except Exception:  # a traceback a person would see: a defect
                self.tracebacks.append(traceback.format_exc()[-600:])
        self.db.close()
        return {"done": self.done, "shown": self.shown, "tracebacks": self.tracebacks,
                "increments": self.increments, "conflicts": self.conflicts}


def _prepare(url: str) -> int:
    """Open (create or upgrade) the database and add the shared record; its id."""
    from qmsdesk import clock
    from qmsdesk.models.db import open_database
    from qmsdesk.services.parties import service as parties

    db = open_database(url, user="Stress set-up", create=True)
    try:
        record = parties.new_party(clock.today())
        record.name, record.notes = f"Shared counter {uuid.uuid4().hex[:8]}", "0"
        record.influence, record.interest = 3, 3
        saved = parties.save_party(db, record, clock.today())
        assert saved.id is not None
        return saved.id
    finally:
        db.close()


def _team(url: str, clients: int) -> list[str]:
    """server-setup, and one login per client in the approver role, named in the staff
    table by an administrator from the app (services.staff); their logins."""
    from sqlalchemy import text

    from qmsdesk.models.db import open_database
    from qmsdesk.models.roles import set_up_server
    from qmsdesk.services import staff

    run = uuid.uuid4().hex[:6]
    logins = [f"qmsstress_{run}_{me}" for me in range(clients)]
    db = open_database(url, user="Stress set-up")
    try:
        set_up_server(db)
        with db.engine.begin() as conn:
            for login in logins:
                conn.execute(text(f'CREATE ROLE "{login}" LOGIN'))
        for me, login in enumerate(logins):
            staff.save_member(db, staff.StaffRecord(login, f"Stress Person {me}", "approver"))
    finally:
        db.close()
    return logins


def _drop(url: str, logins: list[str]) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        for login in logins:
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    engine.dispose()


def _as(url: str, login: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=login).render_as_string(hide_password=False)


def _people(url: str) -> list[str]:
    """Who the audit trail names, by number of entries."""
    from sqlalchemy import func, select

    from qmsdesk.models.audit import AuditEntry
    from qmsdesk.models.db import open_database

    db = open_database(url, user="Stress check", readonly=True)
    try:
        with db.read() as session:
            rows = session.execute(select(AuditEntry.user, func.count()).group_by(
                AuditEntry.user).order_by(AuditEntry.user)).all()
        return [f"{user}: {count}" for user, count in rows]
    finally:
        db.close()


def _check(url: str, counter_id: int) -> dict[str, Any]:
    from qmsdesk.models.audit import verify_chain
    from qmsdesk.models.db import open_database
    from qmsdesk.models.trail_replay import replay_problems
    from qmsdesk.services.parties import service as parties

    db = open_database(url, user="Stress check", readonly=True)
    try:
        with db.read() as session:  # the whole chain, recomputed (no anchor remembered)
            chain = verify_chain(session)
            problems, _count = replay_problems(session)
        return {"count": int(parties.get_party(db, counter_id).notes),
                "chain": chain.intact, "entries": chain.entries, "replay": len(problems),
                "problem": chain.problem}
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--logins", action="store_true",
                        help="one server login per client, in the approver role")
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--counter", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--until", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    from qmsdesk import paths

    if args.client is not None:  # one desk, started by the run below
        paths.set_data_dir(Path(args.folder) / "data")  # its chart cache, not the user's
        desk = Client(args.database_url, args.client, args.counter, Path(args.folder))
        print(json.dumps(desk.run(args.until)))
        return 0
    scratch = tempfile.TemporaryDirectory(prefix="qms-stress-")
    paths.set_data_dir(Path(scratch.name) / "data")  # nothing in the user's data folder
    counter_id = _prepare(args.database_url)
    logins = _team(args.database_url, args.clients) if args.logins else []
    try:
        with tempfile.TemporaryDirectory(prefix="qms-stress-") as folder:
            until = time.time() + args.seconds
            processes = [subprocess.Popen(
                [sys.executable, __file__, "--client", str(me), "--database-url",
                 _as(args.database_url, logins[me]) if logins else args.database_url,
                 "--counter", str(counter_id), "--until", str(until), "--folder", folder],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for me in range(args.clients)]
            outputs = [process.communicate() for process in processes]
    finally:
        people = _people(args.database_url)
        if logins:
            _drop(args.database_url, logins)
    results, stderr = [], []
    for process, (out, err) in zip(processes, outputs, strict=True):
        if process.returncode or not out.strip():
            stderr.append(err.strip()[-800:] or f"exit {process.returncode}")
        else:
            results.append(json.loads(out))
    done = sum((Counter(r["done"]) for r in results), Counter())
    shown = sum((Counter(r["shown"]) for r in results), Counter())
    tracebacks = [t for r in results for t in r["tracebacks"]] + stderr
    increments = sum(r["increments"] for r in results)
    check = _check(args.database_url, counter_id)
    lost = increments - check["count"]
    print(f"{args.clients} clients, {args.seconds:g} s: {sum(done.values())} operations "
          f"({', '.join(f'{k} {v}' for k, v in sorted(done.items()))})")
    print(f"errors shown to users: {sum(shown.values())}")
    for message, times in shown.most_common():
        print(f"  {times} x {message}")
    print(f"tracebacks (defects): {len(tracebacks)}")
    for text in tracebacks[:3]:
        print("  " + text.replace("\n", "\n  "))
    print(f"shared record: {increments} increments saved, {sum(r['conflicts'] for r in results)} "
          f"conflicts reloaded and saved again, final count {check['count']}, "
          f"lost updates: {lost}")
    print(f"audit chain: {'intact' if check['chain'] else 'BROKEN: ' + check['problem']} "
          f"({check['entries']} entries), replay against the records: {check['replay']} "
          "problems")
    print("the audit trail names: " + "; ".join(people))
    scratch.cleanup()
    failed = tracebacks or lost or not check["chain"] or check["replay"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
