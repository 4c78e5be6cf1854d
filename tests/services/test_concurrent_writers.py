"""Four QMS Desks writing to one SQLite file at once: every create gets its own reference,
every save lands or is refused as a conflict, the audit chain stays whole."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from qmsdesk.models.db import open_database
from qmsdesk.models.trail_replay import replay_problems
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from tests.conftest import TODAY

ROOT = Path(__file__).resolve().parent.parent.parent
WRITERS, CREATES, EDITS = 4, 15, 10

# One writer: creates parties under its own names, and edits the shared first party (a
# conflict means someone saved it in between: reload and edit again, as a user would).
CHILD = """
import sys
from datetime import date
from qmsdesk.models.db import open_database
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.parties import service
path, me, creates, edits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
today = date(2026, 11, 21)
db = open_database(path, user=f"writer {me}")
conflicts = 0
for n in range(max(creates, edits)):
    if n < creates:
        record = service.new_party(today)
        record.name = f"Writer {me} party {n}"
        record.influence, record.interest = 3, 3  # a new party starts unrated
        service.save_party(db, record, today)
    if n < edits:
        while True:
            record = service.get_party(db, 1)
            record.notes = f"{record.notes}{me}"
            try:
                service.save_party(db, record, today)
                break
            except ConflictError:
                conflicts += 1
db.close()
print(conflicts)
"""


def test_four_writers_at_once_lose_nothing_and_collide_on_nothing(empty_file, tmp_path):
    path = tmp_path / "shared.db"
    shutil.copyfile(empty_file, path)
    seed = open_database(path, user="seed")
    first = parties.new_party(TODAY)
    first.name = "Shared party"
    first.influence, first.interest = 3, 3  # a new party starts unrated
    parties.save_party(seed, first, TODAY)
    seed.close()
    children = [subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(me), str(CREATES), str(EDITS)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for me in range(WRITERS)]
    results = [child.communicate(timeout=300) for child in children]
    for child, (_out, err) in zip(children, results, strict=True):
        assert child.returncode == 0 and not err, err  # no raw error, no traceback
    db = open_database(path, user="check")
    try:
        rows = parties.list_parties(db, TODAY)
        refs = sorted(row.ref for row in rows)
        assert refs == [f"IP-{n:04d}" for n in range(1, WRITERS * CREATES + 2)]
        shared = parties.get_party(db, 1)
        assert sorted(shared.notes) == sorted("".join(str(me) * EDITS
                                                      for me in range(WRITERS)))
        assert verify_database(db).ok
        with db.read() as session:
            assert replay_problems(session) == ([], 0)
    finally:
        db.close()
