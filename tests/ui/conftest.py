"""GUI fixtures: a main window on a small database, and a helper to drive modal dialogs."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from qmsdesk.models.db import open_database
from qmsdesk.services.parties import service
from qmsdesk.ui import register_table
from qmsdesk.ui.app import init_settings
from qmsdesk.ui.main_window import MainWindow

SAMPLE = [
    ("Müller Präzisionsteile GmbH", "customer", 5, 5),
    ("Łódź Logistics Sp. z o.o.", "supplier", 2, 4),
    ("株式会社サンプル精工", "customer", 4, 2),
    ("City Council", "regulator", 1, 1),
]


def make_sample_db(path: Path, today: date) -> None:
    db = open_database(path, user="setup", create=True)
    for name, category, influence, interest in SAMPLE:
        record = service.new_party(today)
        record.name, record.category = name, category
        record.influence, record.interest = influence, interest
        record.owner = "Anna Kowalska"
        service.save_party(db, record, today)
    db.close()


@pytest.fixture(autouse=True)
def register_reads_finish_in_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registers read their rows on a worker and wait a moment for them, so a small
    register shows them at once; a busy test machine may need longer than that moment.
    (tests/ui/test_register_loading.py drives the rows arriving later.)"""
    monkeypatch.setattr(register_table, "INLINE_WAIT_S", 30.0)


@pytest.fixture(autouse=True)
def dashboard_charts(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard's three charts are built and drawn on workers whenever a window opens
    a database: half a second a test, for charts most tests never look at. They are drawn
    in the tests marked ``dashboard_charts`` (tests/ui/test_dashboard_page.py)."""
    if request.node.get_closest_marker("dashboard_charts") is None:
        from qmsdesk.ui.pages.dashboard_page import DashboardPage

        monkeypatch.setattr(DashboardPage, "rebuild_charts", lambda self: None)


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample database made once per worker (a new file runs every migration)."""
    from tests.conftest import TODAY

    path = tmp_path_factory.mktemp("sample-template") / "sample.db"
    make_sample_db(path, TODAY)
    return path


@pytest.fixture
def sample_db(sample_template: Path, tmp_path: Path) -> Path:
    """A private copy of the sample database: tests change it."""
    path = tmp_path / "sample.db"
    shutil.copyfile(sample_template, path)
    return path


@pytest.fixture
def window(qtbot: Any, sample_db: Path, monkeypatch: pytest.MonkeyPatch,
           today: date) -> Iterator[MainWindow]:
    init_settings()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.open_database(sample_db)
    dashboard = win.page("dashboard")
    qtbot.waitUntil(lambda: not dashboard.loading, timeout=10000)  # read on a worker
    yield win
    QThreadPool.globalInstance().waitForDone(10000)  # reads and charts still on their way
    if win.db is not None:
        win.db.close()


def drive_dialog(trigger: Callable[[], Any], interact: Callable[[QWidget], None]) -> None:
    """Run ``trigger`` (which opens a modal dialog) and ``interact`` with that dialog.

    If ``interact`` leaves the dialog open, it is closed (rejected) so the test cannot hang.
    """
    failures: list[BaseException] = []

    def handle() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, handle)
            return
        try:
            interact(dialog)
        except BaseException as exc:
            failures.append(exc)
        if dialog.isVisible():
            dialog.done(0)  # type: ignore[attr-defined]

    QTimer.singleShot(0, handle)
    trigger()
    if failures:
        raise failures[0]
