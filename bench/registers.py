"""Registers at scale: opening a page, a filter keystroke, a sort, Ctrl+End, and the longest
time the GUI thread was blocked meanwhile, on the realistic org, 10x and 100x.

Each scale runs in the main window on a copy of its org (bench/orgs.py builds and caches
them). A run waits until the previous run's page has drawn its chart (as a page opened
for the first time finds the window), builds the page anew, opens it through the
navigation and waits for its first
rows, types a search one key at a time (the slowest key counts), clears it, sorts by the
second column (a text: the slowest kind) by clicking its header, and presses Ctrl+End. A
heartbeat timer (5 ms) records the longest gap of the event loop over the whole run. Before
the runs, every page is visited once, and the process's memory then printed (its peak
includes the smaller orgs measured before, in the same process).

The baseline, measured in the same process for the same row count: Qt's own C++ models
doing the same (a QStringListModel of that many rows behind a QSortFilterProxyModel in a
plain QTableView: shown, a fixed-string filter, a sort, Ctrl+End). Ratios are to its
median; absolute times are checked against issue 16's goals.

    python bench/registers.py [--runs 5] [--scale 1 10 100] [--pages parties actions ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PAGES = ("parties", "objectives", "suppliers", "actions")
# open: to the first rows shown (the page usable); all_rows: until every row is read, after
# which the keystroke, sort and Ctrl+End are measured on the whole register.
GOALS_MS: dict[str, float | None] = {"open": 300, "all_rows": None, "keystroke": 50,
                                     "sort": 200, "ctrl_end": 50, "gap": 100}
SEARCH = "ca"  # typed key by key; matches many rows of every register


class Heart:
    """The longest gap between 5 ms ticks of the event loop since ``reset``."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)
        self.last = time.perf_counter()
        self.gap = 0.0
        self.timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gap = max(self.gap, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last, self.gap = time.perf_counter(), 0.0


def settle(app: Any, until: Callable[[], bool] = lambda: True, timeout: float = 600) -> None:
    """Turn the event loop until ``until()`` holds, then once more (painted)."""
    end = time.perf_counter() + timeout
    app.processEvents()
    while not until():
        if time.perf_counter() > end:
            raise TimeoutError("the page never showed its rows")
        time.sleep(0.001)
        app.processEvents()
    app.processEvents()


def timed(app: Any, action: Callable[[], object],
          until: Callable[[], bool] = lambda: True) -> float:
    start = time.perf_counter()
    action()
    settle(app, until)
    return time.perf_counter() - start


def click_header(view: Any, column: int) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, QPoint(x, header.height() // 2))


def ctrl_end(view: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)


def type_search(app: Any, box: Any) -> float:
    """Type SEARCH into the box key by key; the slowest key's time."""
    from PySide6.QtTest import QTest

    return max(timed(app, lambda key=key: QTest.keyClicks(box, key)) for key in SEARCH)


def quiet(app: Any, page: Any) -> None:
    """Until the charts of ``page`` (the previous run's) are drawn: they are built on a
    worker, and the next run would otherwise open its page while the chart of a page about
    to go is still being drawn (at 100x the parties grid: about a second), which no one
    opening the page for the first time meets."""
    from qmsdesk.ui.chart_view import ChartView

    views = page.findChildren(ChartView) if page is not None else []
    settle(app, lambda: not any(view.building for view in views))


def measure_page(app: Any, window: Any, key: str, heart: Heart) -> dict[str, float]:
    from qmsdesk.ui.register_table import RegisterTable

    quiet(app, window.pages.get(key))
    old = window.pages.pop(key, None)
    window.show_page("context")  # empty in these orgs: nothing else draws meanwhile
    if old is not None:  # built anew each run: its first rows are read as on first use
        window.stack.removeWidget(old)
        old.deleteLater()
    settle(app)
    heart.reset()
    holder: dict[str, Any] = {}

    def shown() -> bool:
        page = window.pages.get(key)
        table = page.findChild(RegisterTable) if page is not None else None
        holder["table"], holder["page"] = table, page
        return table is not None and table.proxy.rowCount() > 0

    start = time.perf_counter()
    result = {"open": timed(app, lambda: window.show_page(key), shown)}
    table, page = holder["table"], holder["page"]
    settle(app, lambda: not table.loading)
    result["all_rows"] = time.perf_counter() - start
    rows = table.model.rowCount()
    page.search.setFocus()
    result["keystroke"] = type_search(app, page.search)
    result["keystroke"] = max(result["keystroke"], timed(app, page.search.clear))
    # Until the rows show in the new order (a large register orders on a worker).
    result["sort"] = timed(app, lambda: click_header(table.view, 1),
                           lambda: not table.model.sorting)
    table.view.setFocus()
    result["ctrl_end"] = timed(app, lambda: ctrl_end(table.view))
    result["gap"] = heart.gap
    result["rows"] = rows
    return result


def measure_baseline(app: Any, rows: int, heart: Heart) -> dict[str, float]:
    from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt
    from PySide6.QtWidgets import QTableView

    model = QStringListModel([f"ACT-{i:06d} calibration check {i}" for i in range(rows)])
    proxy = QSortFilterProxyModel()
    view = QTableView()
    view.resize(1000, 600)
    view.show()
    settle(app)
    heart.reset()
    result = {"open": timed(app, lambda: (proxy.setSourceModel(model), view.setModel(proxy)))}
    result["all_rows"] = result["open"]
    result["keystroke"] = max(timed(app, lambda n=n: proxy.setFilterFixedString(SEARCH[:n]))
                              for n in range(1, len(SEARCH) + 1))
    cleared = timed(app, lambda: proxy.setFilterFixedString(""))
    result["keystroke"] = max(result["keystroke"], cleared)
    result["sort"] = timed(app, lambda: proxy.sort(0, Qt.SortOrder.DescendingOrder))
    view.setFocus()
    result["ctrl_end"] = timed(app, lambda: ctrl_end(view))
    result["gap"] = heart.gap
    view.close()
    view.deleteLater()
    return result


MEMORY_GOAL_MB = 400  # issue 16: the GUI's peak at 100x after visiting every page


def memory_mb() -> tuple[float, float]:
    """This process's resident memory now and at its peak (Linux), in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text()
                  .splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def visit_every_page(app: Any, window: Any) -> str:
    """Open every page in the navigation's order as a user would, each until its rows
    (and the dashboard's charts) have arrived; the memory after, as a line."""
    from qmsdesk import registers
    from qmsdesk.ui.tasks import READS, wait_for

    for register in registers.with_pages():
        page = window.show_page(register.key)
        settle(app, lambda page=page: not getattr(page, "loading", False))
        wait_for(READS)
        settle(app)
    now, peak = memory_mb()
    return f"after visiting every page: RSS {now:.0f} MB, peak {peak:.0f} MB"


def summary(name: str, values: list[float], base: float, goal: float | None) -> str:
    """One metric's line: milliseconds and ratios to the baseline, min/median/max."""
    ms = sorted(v * 1000 for v in values)
    ratios = sorted(v / base for v in values) if base > 0 else [float("nan")]
    verdict = "" if goal is None else ("  ok" if ms[len(ms) // 2] < goal else "  OVER")
    goal_text = f"goal < {goal:.0f}" if goal else ""
    return (f"    {name:10s} ms min {ms[0]:7.1f} med {statistics.median(ms):7.1f} "
            f"max {ms[-1]:7.1f}   ratio med {statistics.median(ratios):6.2f} "
            f"(min {ratios[0]:.2f} max {ratios[-1]:.2f})   {goal_text}{verdict}")


def run_scale(app: Any, scale: int, runs: int, pages: list[str], tmp: Path) -> None:
    from orgs import org_copy

    from qmsdesk import paths
    from qmsdesk.ui.app import init_settings, keep_gui_responsive
    from qmsdesk.ui.main_window import MainWindow

    paths.set_data_dir(tmp / f"data-{scale}")
    init_settings()
    keep_gui_responsive()  # as the application sets them at start
    db = org_copy(scale, tmp / f"org-{scale}.db")
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    assert window.open_database(db)
    dashboard = window.page("dashboard")
    settle(app, lambda: not dashboard.loading)
    heart = Heart()
    label = {1: "realistic", 10: "10x", 100: "100x"}.get(scale, f"x{scale}")
    print(f"\n== {label} org ({db.stat().st_size / 1e6:.0f} MB) ==", flush=True)
    visited = visit_every_page(app, window)
    goal = f" (goal: peak < {MEMORY_GOAL_MB} MB)" if scale == 100 else ""
    print(f"  {visited}{goal}", flush=True)
    for key in pages:
        measured = [measure_page(app, window, key, heart) for _ in range(runs)]
        rows = int(measured[0]["rows"])
        base = [measure_baseline(app, rows, heart) for _ in range(runs)]
        print(f"  {key}: {rows} rows; baseline (QStringListModel + QSortFilterProxyModel) "
              "median ms: " + ", ".join(
                  f"{m} {statistics.median(b[m] for b in base) * 1000:.1f}" for m in GOALS_MS),
              flush=True)
        for metric, goal in GOALS_MS.items():
            baseline = statistics.median(b[metric] for b in base)
            print(summary(metric, [m[metric] for m in measured], baseline, goal), flush=True)
    from qmsdesk.ui.tasks import READS, wait_for

    wait_for(READS)
    window.close()
    window.deleteLater()
    settle(app)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--pages", nargs="+", default=list(PAGES), choices=PAGES)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scale:
            run_scale(app, scale, args.runs, args.pages, Path(tmp))
    print(f"\nmin/median/max over {args.runs} runs; 'ok' when the median is under the goal")


if __name__ == "__main__":
    main()
