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


def test_the_window_s_modules_are_imported_without_the_binding_reading_their_source() -> None:
    """PySide6 reads the whole source of every module imported after it (its feature
    check); importing qmsdesk.ui switches that off before any module of the window is
    imported, and keeps the binding's own check for a measurement to put back."""
    import inspect

    import qmsdesk.ui
    from qmsdesk.ui import main_window

    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside(main_window) is False
    original = qmsdesk.ui.feature_source_scan
    assert original is not None and original is not feature._mod_uses_pyside
    assert "PySide6" in inspect.getsource(main_window)  # what the binding's check would read
    assert original(main_window) is True  # it would have answered from the source
