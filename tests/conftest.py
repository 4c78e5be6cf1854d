"""Shared fixtures: offscreen Qt, a frozen clock, a private data folder and a fresh database
per test (copied from one built per run), the Hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

# The suite already runs a process per core: reports (and the programs the CLI tests start)
# draw their charts in-process instead of starting chart workers of their own.
os.environ.setdefault("QMSDESK_CHART_WORKERS", "0")
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qmsdesk import clock, paths
from qmsdesk.models.db import Database, open_database

TODAY = date(2026, 11, 21)
# Noon UTC: the local date is TODAY in every timezone from UTC-11 to UTC+11.
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, 0, tzinfo=UTC)

# Hypothesis. "dev" (the default) explores new examples every run and remembers failures in
# .hypothesis/. "ci" (when CI is set) is derandomized: the same examples every run, so a
# failure shows again on the next run and on a developer's machine; it does not shrink (up
# to five minutes), so a failure is reported at once. "shrink" is "ci" with shrinking, to
# turn a CI failure into the smallest example: pytest --hypothesis-profile=shrink.
# Examples that touch a database take up to a second on a busy machine: a deadline of
# 5 s per example catches a hang, not a slow runner.
_COMMON = {"suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
           "deadline": timedelta(seconds=5)}
_ALL_BUT_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target)
settings.register_profile("dev", max_examples=100, **_COMMON)
settings.register_profile("shrink", max_examples=100, derandomize=True, database=None,
                          **_COMMON)
settings.register_profile("ci", settings.get_profile("shrink"), phases=_ALL_BUT_SHRINK)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session", autouse=True)
def frozen_session_clock() -> Iterator[datetime]:
    """Shared databases and reports built once per run are made at NOW too."""
    clock.freeze(NOW)
    yield NOW
    clock.freeze(None)


@pytest.fixture(autouse=True)
def frozen_clock(frozen_session_clock: datetime) -> Iterator[datetime]:
    """Every test runs at NOW, whatever the machine's clock says: audit timestamps, "as of"
    dates and overdue counts are the same on any day. A test may move it; the next starts
    at NOW again."""
    clock.freeze(NOW)
    yield NOW
    clock.freeze(NOW)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """Every test gets its own data/config/log folder; nothing touches the real one."""
    folder = tmp_path / "data"
    paths.set_data_dir(folder)
    yield folder
    paths.set_data_dir(None)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture(scope="session")
def empty_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the current schema, migrated once per test run, to copy from."""
    path = tmp_path_factory.mktemp("empty-template") / "empty.db"
    open_database(path, user="setup", create=True).close()
    return path


@pytest.fixture
def db(empty_file: Path, tmp_path: Path) -> Iterator[Database]:
    copy = tmp_path / "test.db"
    shutil.copyfile(empty_file, copy)
    database = open_database(copy, user="tester")
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A demo database built once per test run (as of TODAY), to copy from: by the first
    worker that needs it, the others wait for it (a demo takes seconds to build)."""
    from filelock import FileLock

    from qmsdesk.services.demo.builder import create_demo
    from qmsdesk.services.progress import run_task

    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":  # the workers' folders share the run's folder
        root = root.parent
    path = root / "demo-template" / "demo.db"
    with FileLock(root / "demo-template.lock"):
        if not path.exists():
            building = root / "demo-building" / "demo.db"
            shutil.rmtree(building.parent, ignore_errors=True)
            building.parent.mkdir()
            database = open_database(building, user="Helen Whitfield", create=True)
            run_task(create_demo(database, TODAY))
            database.close()
            building.parent.rename(path.parent)
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database: tests may change it."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_file, copy)
    database = open_database(copy, user="Helen Whitfield")
    yield database
    database.close()


@pytest.fixture(scope="session")
def shared_demo(demo_file: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[Database]:
    """One copy of the demo for the tests that only read it; a test that writes takes
    demo_db instead."""
    copy = tmp_path_factory.mktemp("shared-demo") / "demo.db"
    shutil.copyfile(demo_file, copy)
    database = open_database(copy, user="Helen Whitfield")
    yield database
    database.close()
