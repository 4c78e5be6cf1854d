"""Recreate tests/data/rev0001.db: a frozen QMS Desk database at schema revision 0001.

Run once from the repository root with ``.venv/bin/python tests/data/make_rev0001.py``.
The file is committed; tests/models/test_migrations.py upgrades a copy of it. Rerun this
only if the file is lost: revision 0001 must never change, so the result is equivalent.
"""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from qmsdesk.models.db import open_database
from qmsdesk.models.settings import Setting

TARGET = Path(__file__).resolve().parent / "rev0001.db"
ORGANISATION = "Präzision Müller GmbH"


def main() -> int:
    if TARGET.exists():
        print(f"{TARGET} exists; delete it first if you really mean to rebuild it.")
        return 1
    db = open_database(TARGET, user="fixture", create=True, revision="0001")
    with db.session() as session:
        session.add(Setting(key="organisation", value=ORGANISATION))
    db.close()  # the last connection closing checkpoints the WAL and removes -wal/-shm
    with closing(sqlite3.connect(TARGET)) as conn:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leftovers = [p.name for p in TARGET.parent.glob(TARGET.name + "-*")]
    if leftovers:
        print(f"unexpected sidecar files left: {leftovers}")
        return 1
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
