"""Every report and the auditor pack on the realistic org: time, pages, charts, peak memory.

Each run is a child process on a fresh copy of the org (bench/report_org.py, built through
the services and cached), so its peak RSS (wait4's ru_maxrss) is the report's own. Per
report it prints seconds (min/median/max over the runs), pages, charts (image XObjects in
the PDF), peak RSS, and the ratio to the same document typeset tables-only in the same
run (every chart replaced by a blank of its size, nothing drawn). ``--warm`` adds runs that
share one chart cache (an unchanged chart is not drawn again) after a first cold one.

The management-review pack is also timed against the spreadsheet a company would keep
instead (bench/spreadsheet_baseline.py: the same org as one workbook with a chart per
objective, printed to PDF by LibreOffice), run by run in the same session; that needs
``soffice``, and the bench says whether it is there.

    python bench/reports.py [--runs 3] [--kinds suppliers management-review] [--warm]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from spreadsheet_baseline import build_workbook, export_seconds, soffice  # noqa: E402

PACK = "auditor-pack"


def _count(pdf: Path | bytes) -> tuple[int, int]:
    """Pages and distinct image XObjects (charts, and a logo when one is set) of a PDF."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf)
    images: set[int] = set()
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            if ref.get_object().get("/Subtype") == "/Image":
                images.add(ref.idnum)
    return len(reader.pages), len(images)


def _blank_charts() -> None:
    """Tables-only: every chart becomes a blank of its size; no figure is built or drawn."""
    import inspect

    from reportlab.platypus import Spacer

    import qmsdesk.reports as package

    def size_of(builder: object, args: tuple, kwargs: dict) -> float:
        try:
            bound = inspect.signature(builder).bind(*args, **kwargs)  # type: ignore[arg-type]
            bound.apply_defaults()
            width, height = bound.arguments.get("width_in"), bound.arguments.get("height_in")
        except (TypeError, ValueError):
            width = height = None
        return (height / width) if width and height else 0.4

    class Blank:
        def __init__(self, ratio: float) -> None:
            self.ratio = ratio

    def blank_builder(builder: object):
        return lambda *args, **kwargs: Blank(size_of(builder, args, kwargs))

    def figure_image(fig: Blank, width: float = 493.0, **_: object) -> Spacer:
        return Spacer(width, width * fig.ratio)

    class BlankChart(Spacer):
        def spaced(self, space: float) -> BlankChart:
            self.spaceBefore = self.spaceAfter = space
            return self

    def chart_image(builder: object, *args: object, width: float = 493.0, **kwargs: object):
        return BlankChart(width, width * size_of(builder, args, kwargs))

    for name, module in list(sys.modules.items()):
        if not name.startswith(package.__name__ + ".") or ".charts" in name:
            continue
        for attr, value in list(vars(module).items()):
            if attr == "figure_image":
                setattr(module, attr, figure_image)
            elif attr == "chart_image":
                setattr(module, attr, chart_image)
            elif callable(value) and getattr(value, "__module__", "").startswith(
                    package.__name__ + ".charts"):
                setattr(module, attr, blank_builder(value))


def child(kind: str, db_path: Path, out: Path, tables_only: bool) -> None:
    """One run in this process; prints seconds, pages and charts as JSON."""
    import importlib

    from report_org import TODAY

    from qmsdesk.models.db import open_database
    from qmsdesk.reports.catalog import REPORT_KINDS
    from qmsdesk.reports.issue import ReportRequest, generate_report
    from qmsdesk.services.progress import run_task

    for report in REPORT_KINDS.values():  # imported before the clock starts, as in the app
        importlib.import_module(report.module)
    if tables_only:
        _blank_charts()
    db = open_database(db_path)
    request = ReportRequest(TODAY, "Bench", TODAY - timedelta(days=364), TODAY)
    start = time.perf_counter()
    if kind == PACK:
        from qmsdesk.reports.auditor_pack import write_auditor_pack

        pack = run_task(write_auditor_pack(db, out / "pack.zip", request))
        seconds = time.perf_counter() - start
        pages = charts = 0
        with zipfile.ZipFile(pack.path) as archive:
            for name in archive.namelist():
                if name.endswith(".pdf"):
                    p, c = _count(archive.read(name))
                    pages, charts = pages + p, charts + c
    else:
        run_task(generate_report(db, kind, out / f"{kind}.pdf", request))
        seconds = time.perf_counter() - start
        pages, charts = _count(out / f"{kind}.pdf")
    db.close()
    print(json.dumps({"seconds": seconds, "pages": pages, "charts": charts}))


def run_child(kind: str, org: Path, tables_only: bool, data_dir: Path | None) -> dict:
    from report_org import copy_of

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        db = copy_of(org, folder)
        env = dict(os.environ, QMSDESK_DATA_DIR=str(data_dir or folder / "data"),
                   QT_QPA_PLATFORM="offscreen")
        command = [sys.executable, __file__, "--child", kind, "--db", str(db), "--out", tmp]
        if tables_only:
            command.append("--tables-only")
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True)
        output = proc.stdout.read() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"{kind}: the child failed ({proc.returncode})")
        result = json.loads(output.strip().splitlines()[-1])
        # Kilobytes on Linux: the largest of the process and its reaped workers.
        result["rss_mb"] = usage.ru_maxrss / 1024
        result["cpu"] = usage.ru_utime + usage.ru_stime  # workers' included
        return result


SHEET_KIND = "management-review"
SHEET_CHARTS = 62


def _spreadsheet(org: Path, kinds: list[str]) -> Path | None:
    """The org as a workbook for LibreOffice to print, when soffice is here and wanted."""
    if SHEET_KIND not in kinds:
        return None
    if soffice() is None:
        print("spreadsheet baseline: no soffice/libreoffice on this machine; the "
              "tables-only typesetting time is the only baseline")
        return None
    workbook = Path(tempfile.mkdtemp(prefix="bench-sheet-")) / "qms-register.xlsx"
    charts = build_workbook(org, workbook)
    assert charts == SHEET_CHARTS, charts
    print(f"spreadsheet baseline: {soffice()} printing {workbook.name} ({charts} charts)")
    return workbook


def _spread(values: list[float]) -> str:
    return f"{min(values):6.1f} {statistics.median(values):6.1f} {max(values):6.1f}"


def main() -> None:
    from report_org import realistic_org

    from qmsdesk.reports.catalog import REPORT_KINDS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", nargs="*", default=[*REPORT_KINDS, PACK])
    parser.add_argument("--db", type=Path, help="an org file instead of the realistic org")
    parser.add_argument("--warm", action="store_true",
                        help="also time runs that reuse one chart cache")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--tables-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.out, args.tables_only)
        return
    org = args.db or realistic_org()
    print(f"org: {org.name}; {args.runs} runs each on {os.cpu_count()} cores; "
          "seconds min/median/max")
    workbook = _spreadsheet(org, args.kinds)
    print(f"{'report':<18} {'pages':>5} {'charts':>6} {'seconds':>20} "
          f"{'tables-only':>11} {'ratio':>5} {'peak RSS MB':>11} {'cpu s':>6}"
          + (f" {'warm seconds':>20}" if args.warm else ""))
    for kind in args.kinds:
        full, sheet = [], []
        for _ in range(args.runs):  # alternated, so both see the same machine
            full.append(run_child(kind, org, False, None))
            if workbook and kind == SHEET_KIND:
                sheet.append(export_seconds(workbook, workbook.parent)[0])
        bare = [run_child(kind, org, True, None) for _ in range(args.runs)]
        seconds = [r["seconds"] for r in full]
        base = statistics.median(r["seconds"] for r in bare)
        line = (f"{kind:<18} {full[0]['pages']:>5} {full[0]['charts']:>6} {_spread(seconds):>20}"
                f" {base:>11.1f} {statistics.median(seconds) / base:>5.2f}"
                f" {max(r['rss_mb'] for r in full):>11.0f}"
                f" {statistics.median(r['cpu'] for r in full):>6.1f}")
        if args.warm:
            with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
                run_child(kind, org, False, Path(cache))  # fills the chart cache
                warm = [run_child(kind, org, False, Path(cache))["seconds"]
                        for _ in range(args.runs)]
            line += f" {_spread(warm):>20}"
        print(line, flush=True)
        if sheet:
            pages = _count(workbook.with_suffix(".pdf"))[0]
            print(f"{'  spreadsheet':<18} {pages:>5} {SHEET_CHARTS:>6} {_spread(sheet):>20}"
                  f"   LibreOffice printing the same org; pack/spreadsheet "
                  f"{statistics.median(seconds) / statistics.median(sheet):.2f}", flush=True)


if __name__ == "__main__":
    main()
