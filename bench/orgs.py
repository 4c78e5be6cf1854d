"""Organisations for the benches: the realistic org, 10x and 100x, built once and cached.

The realistic org is what issue 16 measured the demo as: 300 interested parties, 60
objectives with 36 monthly measurements each, 150 suppliers with 8 reviews each and 2 000
actions. ``scale`` multiplies every count (100x: 30 000 parties, 6 000 objectives,
15 000 suppliers, 120 000 reviews, 200 000 actions).

The rows are written with bulk inserts through the models' tables, not through the
services: saving 600 000 records one by one through the services (validation, one
transaction and audit entry each) would take hours at 100x. The values follow the
services' rules (vocabularies from each register's rules, unique references and active
party names, consecutive measurement periods, review totals and bands from the weighted
criteria, approved reviews behind each supplier's status), so the app reads the file as
it reads one it wrote itself; there is simply no audit trail for these rows.

A built file is kept in the system's temp folder, keyed by scale, schema revision and
this file's own text, so later runs copy it instead of building it again.

    python bench/orgs.py [--scale 1 10 100]   # builds (or finds) them and says where
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCALES = {"realistic": 1, "10x": 10, "100x": 100}
BASE = {"parties": 300, "objectives": 60, "measurements": 36, "suppliers": 150,
        "reviews": 8, "actions": 2_000}
CACHE = Path(tempfile.gettempdir()) / "qmsdesk-bench"
BATCH = 20_000
OWNERS = [f"{first} {last}" for first in ("Anna", "Ben", "Chloé", "Dariusz", "Emre", "Fatima",
                                          "Grace", "Hiro")
          for last in ("Meyer", "Okafor", "Nowak", "Silva", "Lindqvist")]
WORDS = ("calibration", "packaging", "welding", "audit", "training", "supplier", "delivery",
         "complaint", "inspection", "logistics", "software", "coating", "maintenance",
         "labelling", "storage", "safety", "energy", "scrap", "rework", "documentation")


def cache_path(scale: int) -> Path:
    from qmsdesk.models.db import HEAD_REVISION

    digest = hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:10]
    return CACHE / f"org-x{scale}-rev{HEAD_REVISION}-{digest}.db"


def org_copy(scale: int, target: Path) -> Path:
    """A fresh copy of the org at ``scale`` at ``target`` (built first if not cached)."""
    source = cache_path(scale)
    if not source.exists():
        build(scale, source)
    shutil.copyfile(source, target)
    return target


def build(scale: int, target: Path) -> None:
    """Write the org at ``scale`` to ``target`` (a new file; an old one is replaced)."""
    from qmsdesk.models.db import open_database

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = open_database(partial, create=True)
    today = date.today()
    try:
        with db.one_transaction() as session:
            connection = session.connection()
            for table, rows in _tables(scale, today, random.Random(scale)):
                _insert(connection, table, rows)
    finally:
        db.close()
    partial.replace(target)


def _insert(connection: Any, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def _tables(scale: int, today: date, rng: random.Random) -> Iterator[tuple[Any, Any]]:
    from qmsdesk.models.objectives import Action, Measurement, Objective
    from qmsdesk.models.parties import Engagement, Party, PartyRequirement
    from qmsdesk.models.suppliers import Certificate, ReviewScore, Supplier, SupplierReview

    n = {key: count * scale for key, count in BASE.items()}
    yield Party.__table__, _parties(n["parties"], today, rng)
    yield PartyRequirement.__table__, ({"party_id": i, "description": f"Needs {WORDS[i % 20]}",
                                        "kind": "requirement"}
                                       for i in range(1, n["parties"] + 1) for _ in range(i % 4))
    yield Engagement.__table__, ({"party_id": i, "on_date": today - timedelta(days=30 * k + i % 30),
                                 "kind": "survey", "summary": "Yearly survey",
                                 "satisfaction": 1 + (i + k) % 5}
                                for i in range(1, n["parties"] + 1, 2) for k in range(2))
    yield Objective.__table__, _objectives(n["objectives"], n["parties"], today, rng)
    yield Measurement.__table__, _measurements(n["objectives"], BASE["measurements"], today, rng)
    yield Supplier.__table__, _suppliers(n["suppliers"], today, rng)
    yield Certificate.__table__, ({"supplier_id": i, "standard": "ISO 9001",
                                   "number": f"C-{i}", "issuer": "TÜV",
                                   "valid_until": today + timedelta(days=i % 900 - 60)}
                                  for i in range(1, n["suppliers"] + 1))
    reviews: list[dict[str, Any]] = []
    yield SupplierReview.__table__, _reviews(n["suppliers"], BASE["reviews"], today, rng, reviews)
    yield ReviewScore.__table__, _scores(reviews)
    yield Action.__table__, _actions(n, today, rng)


def _parties(count: int, today: date, rng: random.Random) -> Iterator[dict[str, Any]]:
    from qmsdesk.services.parties.rules import CATEGORIES

    for i in range(1, count + 1):
        yield {"ref": f"IP-{i:04d}", "name": f"{rng.choice(WORDS).capitalize()} party {i}",
               "category": CATEGORIES[i % len(CATEGORIES)], "internal": i % 7 == 0,
               "influence": rng.randint(1, 5), "interest": rng.randint(1, 5),
               "owner": OWNERS[i % len(OWNERS)], "monitoring_method": "Survey",
               "monitoring_frequency": "yearly", "review_interval_months": 12,
               "last_review": today - timedelta(days=300 + i % 200),
               "next_review": today + timedelta(days=i % 400 - 100),
               "status": "archived" if i % 50 == 0 else "active", "version": 1}


def _objectives(count: int, parties: int, today: date,
                rng: random.Random) -> Iterator[dict[str, Any]]:
    start = today - timedelta(days=36 * 31)
    for i in range(1, count + 1):
        direction = ("increase", "decrease", "band")[i % 3]
        target = 95.0 if direction != "decrease" else 2.0
        yield {"ref": f"OBJ-{today.year - i % 3}-{(i + 2) // 3:02d}",
               "title": f"Improve {WORDS[i % 20]} {WORDS[(i // 20) % 20]} ({i})",
               "kpi_name": f"{WORDS[i % 20].capitalize()} rate", "unit": "%",
               "baseline": 80.0 if direction != "decrease" else 6.0, "target": target,
               "target_max": 99.0 if direction == "band" else None, "direction": direction,
               "frequency": "monthly", "start_date": start,
               "due_date": today + timedelta(days=90 + i % 400),
               "owner": OWNERS[i % len(OWNERS)],
               "segment_party_id": rng.randint(1, parties) if i % 5 == 0 else None,
               "status": "active" if i % 10 else "draft", "version": 1}


def _measurements(objectives: int, each: int, today: date,
                  rng: random.Random) -> Iterator[dict[str, Any]]:
    first = date(today.year, today.month, 1)
    months = [(first - timedelta(days=31 * k)).replace(day=1) for k in range(each, 0, -1)]
    for objective in range(1, objectives + 1):
        for month in months:
            yield {"objective_id": objective, "on_date": month + timedelta(days=27),
                   "period": f"{month.year}-{month.month:02d}",
                   "value": round(rng.uniform(70, 99), 1), "recorded_by": "Anna Meyer"}


def _suppliers(count: int, today: date, rng: random.Random) -> Iterator[dict[str, Any]]:
    from qmsdesk.services.suppliers.rules import CRITICALITIES

    for i in range(1, count + 1):
        yield {"ref": f"SUP-{i:04d}", "name": f"{rng.choice(WORDS).capitalize()} works {i}",
               "category": WORDS[i % 20], "criticality": CRITICALITIES[i % 3],
               "status": ("approved", "preferred", "conditional", "approved")[i % 4],
               "next_review": today + timedelta(days=i % 500 - 120), "version": 1}


def _reviews(suppliers: int, each: int, today: date, rng: random.Random,
             kept: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every supplier's reviews, half a year apart; ``kept`` gathers (id, scores) for the
    scores table."""
    from qmsdesk.services.suppliers.rules import DEFAULT_CRITERIA, band_for

    number = 0
    for supplier in range(1, suppliers + 1):
        for k in range(each):
            number += 1
            points = [rng.choice((50.0, 75.0, 100.0)) for _ in DEFAULT_CRITERIA]
            total = sum(c.weight * p for c, p in zip(DEFAULT_CRITERIA, points, strict=True)) / 100
            kept.append({"review_id": number, "points": points})
            on = today - timedelta(days=182 * (each - k) + supplier % 90)
            yield {"ref": f"REV-{number:04d}", "supplier_id": supplier, "review_date": on,
                   "period_from": on - timedelta(days=182), "period_to": on,
                   "reviewer": OWNERS[number % len(OWNERS)],
                   "kind": "initial" if k == 0 else "periodic",
                   "deliveries_total": 40, "deliveries_on_time": 36 + number % 5,
                   "total_score": total, "band": band_for(total) or "",
                   "decision": "approved", "approved_by": "Anna Meyer", "approved_on": on,
                   "version": 1}


def _scores(reviews: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    from qmsdesk.services.suppliers.rules import DEFAULT_CRITERIA

    for review in reviews:
        for criterion, points in zip(DEFAULT_CRITERIA, review["points"], strict=True):
            yield {"review_id": review["review_id"], "criterion": criterion.name,
                   "weight": criterion.weight, "score": points}


def _actions(n: dict[str, int], today: date, rng: random.Random) -> Iterator[dict[str, Any]]:
    from qmsdesk.services.actions.rules import KINDS, STATUSES

    links = (("objective_id", n["objectives"]), ("party_id", n["parties"]),
             ("supplier_review_id", n["suppliers"] * BASE["reviews"]), ("", 0))
    for i in range(1, n["actions"] + 1):
        link, top = links[i % len(links)]
        status = STATUSES[i % len(STATUSES)]
        due = today + timedelta(days=i % 300 - 150)
        row = {"ref": f"ACT-{i:04d}",
               "title": f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} check {i}",
               "kind": KINDS[i % len(KINDS)], "owner": OWNERS[i % len(OWNERS)],
               "start_date": due - timedelta(days=60), "due_date": due, "status": status,
               "progress": 100 if status == "done" else (i * 7) % 100,
               "completed_on": min(due, today) if status == "done" else None,
               "objective_id": None, "party_id": None, "supplier_review_id": None,
               "version": 1}
        if link:
            row[link] = rng.randint(1, top)
        yield row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--rebuild", action="store_true", help="build even if cached")
    args = parser.parse_args()
    for scale in args.scale:
        path = cache_path(scale)
        if args.rebuild or not path.exists():
            start = time.perf_counter()
            build(scale, path)
            print(f"x{scale}: built in {time.perf_counter() - start:.1f} s: {path}")
        else:
            print(f"x{scale}: cached: {path}")


if __name__ == "__main__":
    main()
