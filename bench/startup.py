"""Start-up time: QMS Desk's main window on the demo database vs a bare PySide6 window.

Both are measured in the same run, as fresh processes, from launch until the window has
been shown and painted. The last line printed is the ratio (target: 1.3 or less).

    python bench/startup.py [--runs 7]
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
QTimer.singleShot(0, lambda: (print("shown", time.time(), flush=True), app.quit()))
app.exec()
"""

APP = r"""
import sys
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import time
from qmsdesk.ui.main_window import MainWindow

original_show = MainWindow.show
def show(self):
    original_show(self)
    QTimer.singleShot(0, lambda: (print("shown", time.time(), flush=True), QApplication.quit()))
MainWindow.show = show
from qmsdesk.cli import main
main(["--data-dir", {data!r}, "--db", {db!r}])
"""


def time_process(code: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("shown "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"window never shown:\n{out.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", help="measure this database (a copy) instead of a new demo")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        if args.db:
            shutil.copyfile(args.db, db)
        else:
            subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", tmp, "demo",
                            "--db", str(db)], check=True, capture_output=True)
        app_code = APP.format(root=str(ROOT), data=tmp, db=str(db))
        time_process(BARE)  # warm the file cache for both
        time_process(app_code)
        bare, app = [], []
        for _ in range(args.runs):  # interleaved, so drift affects both alike
            bare.append(time_process(BARE))
            app.append(time_process(app_code))
    bare_s, app_s = statistics.median(bare), statistics.median(app)
    print(f"bare PySide6 window: median {bare_s * 1000:.0f} ms over {args.runs} runs")
    print(f"QMS Desk main window (demo database): median {app_s * 1000:.0f} ms")
    print(f"ratio {app_s / bare_s:.2f} (target <= 1.3)")


if __name__ == "__main__":
    main()
