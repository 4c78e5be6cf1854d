"""Importing registers from Excel workbooks, against openpyxl merely reading the same file.

For each file, ``--runs`` rounds; each round reads the file with openpyxl (read-only, values
only, every cell of every row: the baseline) and imports it into a new database, each in a
process of its own, so that each says its own peak memory. Printed per file: seconds of
both (min/median/max), the import's rows per second, the ratio import time / reading time
of each round (min/median/max) and the import's peak RSS. Both clocks start in a process
that has not imported openpyxl (each pays for that); the import's starts with the database
open and the ORM's mappings configured, as in the window. The import reads the file, checks
every row against the register's rules and writes them all in one transaction, with one
audit entry per non-empty field of each new record.

The files: parties at the realistic org's size (300) and at 100x (30 000), six columns
(the issue's first measurement was 50 000 of these: --parties 50000); suppliers at 100x
(15 000, every supplier column, and one certificate each).

    python bench/import.py [--runs 5] [--files parties-realistic parties-100x suppliers-100x]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 21)
FILES = {"parties-realistic": ("parties", 300), "parties-100x": ("parties", 30_000),
         "suppliers-100x": ("suppliers", 15_000)}


def workbook(path: Path, rows: int) -> None:
    """``rows`` interested parties, six columns."""
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut
    from qmsdesk.services.exchange.spreadsheet_write import write_xlsx

    headers = ("Name", "Category", "Influence", "Interest", "Owner", "Next review")
    write_xlsx(path, [SheetOut("parties", headers, _kinds("parties", headers), [
        (f"Party {i} GmbH", "customer", 1 + i % 5, 1 + (i // 5) % 5, f"Owner {i % 40}",
         TODAY + timedelta(days=1 + i % 700)) for i in range(rows)])])


def suppliers_workbook(path: Path, rows: int) -> None:
    """``rows`` suppliers with every column of the sheet, and a certificate each."""
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut
    from qmsdesk.services.exchange.spreadsheet_write import write_xlsx

    headers = ("Reference", "Name", "Scope", "Category", "Criticality", "Contact person",
               "Email", "Phone", "Status", "Review interval (months)", "Next review", "Notes")
    certificate = ("Supplier reference", "Standard", "Certificate no.", "Issued by",
                   "Valid until")
    write_xlsx(path, [
        SheetOut("suppliers", headers, _kinds("suppliers", headers), [
            (f"SUP-{i:05d}", f"Supplier {i} AG", "Machined housings and brackets", "parts",
             ("critical", "major", "minor")[i % 3], f"Contact {i}", f"buyer{i}@example.com",
             f"+49 30 {i:07d}", "pending", 12, TODAY + timedelta(days=1 + i % 300),
             "Imported from the old supplier list") for i in range(1, rows + 1)]),
        SheetOut("certificates", certificate, _kinds("certificates", certificate), [
            (f"SUP-{i:05d}", "ISO 9001", f"C-{i}", "TÜV", TODAY + timedelta(days=30 + i % 900))
            for i in range(1, rows + 1)])])


def _kinds(sheet: str, headers: tuple[str, ...]) -> tuple[str, ...]:
    from qmsdesk.services.exchange.registers import REGISTERS

    spec = next(s for r in REGISTERS.values() for s in r.sheets if s.name == sheet)
    return tuple(next(c.kind for c in spec.columns if c.header == h) for h in headers)


def read_only(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
    book.close()
    return count


def _child(task: str, key: str, path: Path, database: Path) -> None:
    """One measurement in this process: prints seconds, rows and peak RSS as JSON."""
    if task == "read":
        start = time.perf_counter()
        rows = read_only(path)
    else:
        from sqlalchemy.orm import configure_mappers

        from qmsdesk.models.db import open_database
        from qmsdesk.services.exchange.importer import run_import
        from qmsdesk.services.progress import run_task

        db = open_database(database, user="bench", create=True)
        configure_mappers()  # done by the time a person imports: the window has read records
        start = time.perf_counter()
        rows = len(run_task(run_import(db, key, path, TODAY)).created)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "rows": rows, "peak_mb": peak}))


def _measure(task: str, key: str, path: Path, database: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", task, key, str(path),
                          str(database)], check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _spread(values: list[float], unit: str = "") -> str:
    return (f"{min(values):.2f}{unit} / {statistics.median(values):.2f}{unit} / "
            f"{max(values):.2f}{unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", nargs="+", default=list(FILES), choices=list(FILES))
    parser.add_argument("--parties", type=int, help="rows of the 100x parties file instead")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, key, path, database = args.child
        _child(task, key, Path(path), Path(database))
        return
    for name in args.files:
        key, rows = FILES[name]
        rows = args.parties if args.parties and name == "parties-100x" else rows
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"{name}.xlsx"
            (workbook if key == "parties" else suppliers_workbook)(path, rows)
            reads, imports, ratios, peaks = [], [], [], []
            for run in range(args.runs):
                read = _measure("read", key, path, Path(folder) / "unused.db")
                done = _measure("import", key, path, Path(folder) / f"run{run}.db")
                assert done["rows"] == rows, done
                reads.append(read["seconds"])
                imports.append(done["seconds"])
                ratios.append(done["seconds"] / read["seconds"])
                peaks.append(done["peak_mb"])
        print(f"{name}: {rows} {key}, {args.runs} runs (min / median / max)")
        print(f"  openpyxl reading: {_spread(reads, ' s')}")
        print(f"  import:           {_spread(imports, ' s')} "
              f"({rows / statistics.median(imports):,.0f} rows/s at the median)")
        print(f"  import peak RSS:  {_spread(peaks, ' MB')}")
        print(f"  ratio {_spread(ratios)} (import time / openpyxl reading time)")


if __name__ == "__main__":
    main()
