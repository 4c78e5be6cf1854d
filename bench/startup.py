"""Start-up time: QMS Desk until its first page is usable, vs a bare PySide6 window.

Both run as fresh processes in the same session, interleaved. The bare baseline is a
QMainWindow with a QTableView, timed from launch until it has been shown and the event
loop has turned. QMS Desk is timed from launch until

- ``shown``: the main window has been shown (the database is not open yet),
- ``usable``: the first page shows its rows and the event loop has turned (it accepts
  input),
- ``charts``: every chart of the first page has been drawn.

With ``--switch`` each run then visits every page through the navigation, waiting for
its rows, and a heartbeat timer (5 ms) records the longest gap of the event loop during
start-up (shown -> charts) and during the page switches.

Prints min/median/max per step as ratios to the bare window's median; the last line is
the ratio for "usable" (target: 1.5 or less on the realistic org).

    python bench/startup.py [--runs 5] [--db FILE] [--switch]
                            [--keep-feature-scan]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = r"""
import sys
import time
from PySide6.QtCore import QTimer
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
table = QTableView()
table.setModel(QStandardItemModel(30, 7))
window.setCentralWidget(table)
window.resize(1280, 800)
window.show()
QTimer.singleShot(0, lambda: (print("usable", time.time(), flush=True), app.quit()))
app.exec()
"""

# Hooks only observe: the first non-empty set_rows on a visible table, every chart's draw.
APP = r"""
import sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import qmsdesk.ui
if {keep_scan!r}:  # measure the binding's per-module source scan left on
    sys.modules["shibokensupport.feature"]._mod_uses_pyside = qmsdesk.ui.feature_source_scan
from qmsdesk.ui.main_window import MainWindow
from qmsdesk.ui.register_table import RegisterTable
from qmsdesk.ui.chart_view import ChartView

SWITCH = {switch!r}
state = {{"usable": False, "charts": False, "last": None, "gap": 0.0, "window": None}}

def say(what, value=None):
    print(what, time.time() if value is None else value, flush=True)

def beat():
    now = time.perf_counter()
    if state["last"] is not None:
        state["gap"] = max(state["gap"], now - state["last"])
    state["last"] = now

heart = None
original_show = MainWindow.show
def show(self):
    global heart
    original_show(self)
    state["window"] = self
    say("shown")
    heart = QTimer()
    heart.setInterval(5)
    heart.timeout.connect(beat)
    heart.start()
MainWindow.show = show

original_set_rows = RegisterTable.set_rows
def set_rows(self, rows, *args, **kwargs):
    original_set_rows(self, rows, *args, **kwargs)
    if not state["usable"] and len(rows) and self.isVisible():
        state["usable"] = True
        QTimer.singleShot(0, lambda: say("usable"))
RegisterTable.set_rows = set_rows

def charts_pending(window):
    page = window.stack.currentWidget()
    views = page.findChildren(ChartView) if page is not None else []
    return not views or any(getattr(v, "drawn", False) is False for v in views)

original_set_figure = ChartView.set_figure
def set_figure(self, figure):
    self.drawn = False
    original_set_figure(self, figure)
    def drawn(_event, view=self):
        view.drawn = True
        window = state["window"]
        if not state["charts"] and window is not None and not charts_pending(window):
            state["charts"] = True
            say("charts")
            say("gap_startup", state["gap"])
            state["gap"] = 0.0
            QTimer.singleShot(0, switch_pages if SWITCH else QApplication.quit)
    self.canvas.mpl_connect("draw_event", drawn)
ChartView.set_figure = set_figure

def switch_pages():
    window = state["window"]
    rows = list(range(1, window.nav.count())) + [0]
    def visit():
        if not rows:
            say("gap_switch", state["gap"])
            QApplication.quit()
            return
        window.nav.setCurrentRow(rows.pop(0))
        QTimer.singleShot(300, visit)
    visit()

from qmsdesk.cli import main
main(["--data-dir", {data!r}, "--db", {db!r}])
"""

STEPS = ("shown", "usable", "charts")


def run_process(code: str) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # An installed program has its modules compiled once; without this, a shell that sets
    # PYTHONDONTWRITEBYTECODE would time compiling every module from source on each start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=600)
    found: dict[str, float] = {}
    for line in out.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in STEPS:
            found[name] = float(value) - start
        elif name.startswith("gap_"):
            found[name] = float(value)
    if "usable" not in found:
        raise RuntimeError(f"never usable:\n{out.stdout}\n{out.stderr}")
    return found


def make_demo(target: Path, tmp: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", tmp, "demo",
                    "--db", str(target)], check=True, capture_output=True)


def summary(values: list[float], baseline: float) -> str:
    ratios = sorted(v / baseline for v in values)
    return (f"median {statistics.median(values) * 1000:6.0f} ms   ratio min "
            f"{ratios[0]:5.2f} median {statistics.median(ratios):5.2f} max {ratios[-1]:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="measure this database (a copy) instead of building one")
    parser.add_argument("--switch", action="store_true",
                        help="then visit every page; print the longest event-loop gap")
    parser.add_argument("--keep-feature-scan", action="store_true",
                        help="leave PySide6's per-module source scan on (for comparison)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "org.db"
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            make_demo(db, tmp)
        app_code = APP.format(root=str(ROOT), data=tmp, db=str(db), switch=args.switch,
                              keep_scan=args.keep_feature_scan)
        run_process(BARE)  # warm the file cache for both
        run_process(app_code)
        bare: list[float] = []
        app: list[dict[str, float]] = []
        for _ in range(args.runs):  # interleaved, so drift affects both alike
            bare.append(run_process(BARE)["usable"])
            app.append(run_process(app_code))
    base = statistics.median(bare)
    label = Path(args.db).name if args.db else "demo"
    print(f"bare QMainWindow + QTableView: median {base * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(bare) * 1000:.0f}, max {max(bare) * 1000:.0f})")
    for step in STEPS:
        values = [run[step] for run in app if step in run]
        if values:
            print(f"QMS Desk {step:7} ({label}): {summary(values, base)}")
    for gap in ("gap_startup", "gap_switch"):
        values = [run[gap] for run in app if gap in run]
        if values:
            print(f"longest event-loop gap, {gap[4:]:7}: min {min(values) * 1000:.0f} ms, "
                  f"median {statistics.median(values) * 1000:.0f} ms, "
                  f"max {max(values) * 1000:.0f} ms")
    usable = statistics.median(run["usable"] for run in app)
    print(f"ratio {usable / base:.2f} (first page usable; target <= 1.5)")


if __name__ == "__main__":
    main()
