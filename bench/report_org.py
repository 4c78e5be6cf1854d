"""The realistic organisation of issue 16, built through the demo's own services and cached.

300 interested parties, 60 objectives with 36 monthly measurements each, 150 suppliers with
up to 8 reviews each and about 2 000 actions: the demo's records, copied with a numbered
suffix, saved by the demo builder (so every record passes the same services, rules and
audit trail as the demo's). The file is cached under the system temp folder, keyed by the
builder, the demo data and the schema, so a second bench run reuses it.

    python bench/report_org.py [--out FILE]    # build (or find) it and print its path
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 20)  # fixed, so the cached file and its reports never drift
PARTY_COPIES = 10        # x 32 demo parties ~ 300
OBJECTIVE_COPIES = 6     # x 10 demo objectives = 60
MONTHS = 36              # measurements per objective (monthly)
SUPPLIER_COPIES = 7      # x 23 demo suppliers, cut to 150
SUPPLIERS = 150
REVIEWS = 8              # per reviewed supplier
ACTION_COPIES = 100      # x 19 demo actions ~ 1 900, plus the suppliers' own


def _suffix(copy: int, sep: str = " ") -> str:
    return "" if copy == 0 else f"{sep}({copy})"


def _scale() -> None:
    """Replace the demo's specs by the realistic org's (module globals the builders read)."""
    from qmsdesk.services.demo import history, objectives, parties, suppliers

    # Eight reviews per supplier reach back before the demo's 45-month story: the
    # realistic org set up its QMS before the oldest of them, so every linked party exists
    # when its supplier is registered.
    history.QMS_MONTHS = (REVIEWS + 1) * 24  # a low-risk supplier is reviewed biennially

    parties.PARTIES = tuple(replace(p, name=p.name + _suffix(c))
                            for c in range(PARTY_COPIES) for p in parties.PARTIES)
    objectives.DURATION_MONTHS = MONTHS + 1
    objectives.OBJECTIVES = tuple(
        replace(o, key=o.key + _suffix(c, "#"), title=o.title + _suffix(c), frequency="monthly",
                months_ago=MONTHS - 1, events=())
        for c in range(OBJECTIVE_COPIES) for o in objectives.OBJECTIVES)
    objectives.ACTIONS = tuple(
        replace(a, title=a.title + _suffix(c),
                objective=a.objective + _suffix(c % OBJECTIVE_COPIES, "#") if a.objective
                else "")
        for c in range(ACTION_COPIES) for a in objectives.ACTIONS)
    scaled = []
    for c in range(SUPPLIER_COPIES):
        for s in suppliers.SUPPLIERS:
            reviews = s.reviews
            if reviews:  # older approved reviews before the demo's own, up to REVIEWS
                filler = replace(reviews[-1], draft=False, actions=(), decision="",
                                 strengths="", weaknesses="", comments="", gap=None)
                reviews = (filler,) * max(0, REVIEWS - len(reviews)) + reviews
            scaled.append(replace(s, name=s.name + _suffix(c), reviews=reviews))
    suppliers.SUPPLIERS = tuple(scaled[:SUPPLIERS])


def _key() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    # The schema, not the demo's data: a demo edit elsewhere must not force a rebuild.
    for source in sorted((ROOT / "qmsdesk/models/migrations/versions").glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def build(target: Path) -> None:
    from qmsdesk.services.progress import run_task
    from qmsdesk.services.workspace import create_demo_database

    _scale()
    run_task(create_demo_database(target, TODAY))


def realistic_org(cache_dir: Path | None = None) -> Path:
    """The realistic org's database file, built on first use (a minute or two)."""
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "qmsdesk-bench"
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"realistic-{_key()}.db"
    if not path.exists():
        build(path)
    return path


def copy_of(source: Path, folder: Path) -> Path:
    """A private copy to run reports on: each report logs its issue in the database."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="build into this file instead of the cache")
    args = parser.parse_args()
    if args.out:
        build(args.out)
        print(args.out)
    else:
        print(realistic_org())


if __name__ == "__main__":
    main()
