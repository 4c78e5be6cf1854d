"""A register of 100 000 parties: loading, showing, sorting and filtering it.

Prints each step's time and, as its last line, the ratio of the whole to a baseline
measured in the same run: reading the same rows with plain sqlite3 into tuples.

    python bench/register.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def fill(path: Path, rows: int) -> None:
    from qmsdesk.models.db import open_database

    open_database(path, create=True).close()
    today = date(2026, 11, 21)
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO party (ref, name, category, internal, description, contact_person, "
            "email, phone, influence, interest, owner, monitoring_method, "
            "monitoring_frequency, review_interval_months, next_review, focus, status, notes, "
            "created_at, updated_at, version) VALUES (?, ?, 'customer', 0, '', '', '', '', "
            "?, ?, ?, '', '', 12, ?, 'long-term', 'active', '', '2026-01-01', '2026-01-01', 1)",
            [(f"IP-{i:06d}", f"Party {i} GmbH", 1 + i % 5, 1 + (i // 5) % 5,
              f"Owner {i % 40}", (today + timedelta(days=i % 700 - 100)).isoformat())
             for i in range(1, rows + 1)])
        conn.executemany(
            "INSERT INTO party_engagement (party_id, on_date, kind, summary, satisfaction, "
            "follow_up) VALUES (?, '2026-05-01', 'survey', 'Survey', ?, '')",
            [(i, 1 + i % 5) for i in range(1, rows + 1, 3)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from qmsdesk.models.db import open_database
    from qmsdesk.services.parties.service import list_parties
    from qmsdesk.ui.pages.parties_page import COLUMNS
    from qmsdesk.ui.table_model import RecordFilterProxy, RecordTableModel

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        fill(path, args.rows)
        start = time.perf_counter()
        with sqlite3.connect(path) as conn:
            baseline_rows = conn.execute("SELECT * FROM party").fetchall()
        baseline = time.perf_counter() - start
        db = open_database(path)
        steps: dict[str, float] = {}
        t = time.perf_counter()
        rows = list_parties(db, date(2026, 11, 21))
        steps["list_parties"] = time.perf_counter() - t
        model = RecordTableModel(COLUMNS)
        proxy = RecordFilterProxy()
        proxy.setSourceModel(model)
        view = QTableView()
        view.setModel(proxy)
        view.resize(1000, 700)
        view.show()
        t = time.perf_counter()
        model.set_rows(rows)
        app.processEvents()
        steps["show in table"] = time.perf_counter() - t
        t = time.perf_counter()
        proxy.sort(6, Qt.SortOrder.AscendingOrder)
        app.processEvents()
        steps["sort by next review"] = time.perf_counter() - t
        t = time.perf_counter()
        proxy.set_search_text("party 9999")
        app.processEvents()
        steps["first search (builds index)"] = time.perf_counter() - t
        t = time.perf_counter()
        proxy.set_search_text("party 99")
        app.processEvents()
        steps["next keystroke"] = time.perf_counter() - t
        db.close()
    assert len(baseline_rows) == len(rows) == args.rows
    for name, seconds in steps.items():
        print(f"{name:30s} {seconds * 1000:8.0f} ms")
    print(f"{'baseline (sqlite3 fetchall)':30s} {baseline * 1000:8.0f} ms")
    print(f"ratio {sum(steps.values()) / baseline:.1f} (everything / raw fetch)")


if __name__ == "__main__":
    main()
