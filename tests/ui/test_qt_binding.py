"""The Qt binding itself: a release that corrupts the interpreter is refused here."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_calls_keep_none_alive(qtbot):
    # PySide6 6.12.0 drops a reference to None on each call of a method returning void;
    # after a few thousand (a few minutes of use) Python aborts with "deallocating None".
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("x")
        QApplication.processEvents()
    assert sys.getrefcount(None) >= before - 50
