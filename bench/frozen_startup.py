"""Start-up of the installed program: the frozen QMS Desk vs a frozen bare PySide6 window.

Both are PyInstaller one-folder bundles: dist/qmsdesk from `make dist`, and a bare window
with a table (the same as bench/startup.py's baseline), frozen here into build/ with the
same PyInstaller. Each is launched as a fresh process, interleaved, until its window has
been shown and painted. Prints both bundles' sizes and, last, the ratio (target: 1.5 or
less).

    make dist && python bench/frozen_startup.py [--runs 7] [--bundle dist/qmsdesk]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "bench-frozen"

BARE = r"""
import os
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


def folder_mb(folder: Path) -> float:
    """Size on disk, counting each file once (PyInstaller links Qt's libraries)."""
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 1e6


def frozen_bare_window() -> Path:
    """The bare window as a one-folder bundle, rebuilt when its source changes."""
    source = WORK / "bare_window.py"
    program = WORK / "dist" / "bare_window" / "bare_window"
    stamp = WORK / "bare_window.sha256"
    digest = hashlib.sha256(BARE.encode()).hexdigest()
    if program.exists() and stamp.exists() and stamp.read_text() == digest:
        return program
    WORK.mkdir(parents=True, exist_ok=True)
    source.write_text(BARE, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir",
                    "--log-level", "WARN", "--distpath", str(WORK / "dist"),
                    "--workpath", str(WORK / "work"), "--specpath", str(WORK), str(source)],
                   check=True)
    stamp.write_text(digest)
    return program


def time_process(command: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               QMSDESK_EXIT_WHEN_SHOWN="1")
    start = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True,
                         timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("shown "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"window never shown:\n{out.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "qmsdesk")
    args = parser.parse_args()
    program = args.bundle / "qmsdesk"
    if not program.exists():
        sys.exit(f"{program} does not exist: run `make dist` first")
    bare = frozen_bare_window()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run([str(program), "--data-dir", tmp, "demo", "--db", str(db)], check=True,
                       capture_output=True)
        app_command = [str(program), "--data-dir", tmp, "--db", str(db)]
        time_process([str(bare)])  # warm the file cache for both
        time_process(app_command)
        bare_times, app_times = [], []
        for _ in range(args.runs):  # interleaved, so drift affects both alike
            bare_times.append(time_process([str(bare)]))
            app_times.append(time_process(app_command))
    bare_s, app_s = statistics.median(bare_times), statistics.median(app_times)
    print(f"frozen bare PySide6 window: median {bare_s * 1000:.0f} ms over {args.runs} runs "
          f"(bundle {folder_mb(bare.parent):.0f} MB)")
    print(f"frozen QMS Desk main window (demo database): median {app_s * 1000:.0f} ms")
    print(f"QMS Desk bundle size: {folder_mb(args.bundle):.0f} MB")
    print(f"ratio {app_s / bare_s:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
