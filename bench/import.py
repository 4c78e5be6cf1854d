"""Importing 50 000 interested parties from an Excel workbook.

Prints the import's rows per second and, as its last line, the ratio of the import's time
to a baseline measured in the same run: openpyxl merely reading the same file (read-only,
every cell of every row). The import does that reading and then checks every row against
the register's rules and writes them all in one transaction.

    python bench/import.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 21)


def workbook(path: Path, rows: int) -> None:
    from qmsdesk.services.exchange.registers import REGISTERS
    from qmsdesk.services.exchange.spreadsheet_io import SheetOut
    from qmsdesk.services.exchange.spreadsheet_write import write_xlsx

    sheet = REGISTERS["parties"].main
    headers = ("Name", "Category", "Influence", "Interest", "Owner", "Next review")
    kinds = tuple(next(c.kind for c in sheet.columns if c.header == h) for h in headers)
    write_xlsx(path, [SheetOut("parties", headers, kinds, [
        (f"Party {i} GmbH", "customer", 1 + i % 5, 1 + (i // 5) % 5, f"Owner {i % 40}",
         TODAY + timedelta(days=1 + i % 700)) for i in range(rows)])])


def read_only(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    from qmsdesk.models.db import open_database
    from qmsdesk.services.exchange.importer import run_import
    from qmsdesk.services.progress import run_task

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "parties.xlsx"
        workbook(path, args.rows)
        start = time.perf_counter()
        read_only(path)
        baseline = time.perf_counter() - start
        db = open_database(Path(folder) / "bench.db", user="bench", create=True)
        start = time.perf_counter()
        result = run_task(run_import(db, "parties", path, TODAY))
        elapsed = time.perf_counter() - start
        db.close()
    print(f"openpyxl reading {args.rows} rows: {baseline:.2f} s")
    print(f"import of {len(result.created)} parties: {elapsed:.2f} s "
          f"({args.rows / elapsed:,.0f} rows/s)")
    print(f"ratio {elapsed / baseline:.2f} (import time / openpyxl reading time)")


if __name__ == "__main__":
    main()
