"""Shared fixtures: offscreen Qt, a private data folder and a fresh database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qmsdesk import paths
from qmsdesk.models.db import Database, open_database

TODAY = date(2026, 11, 21)


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


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "test.db", user="tester", create=True)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database built once per test run (as of TODAY), to copy from."""
    from qmsdesk.services.demo import create_demo
    from qmsdesk.services.progress import run_task

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    database = open_database(path, user="Helen Whitfield", create=True)
    run_task(create_demo(database, TODAY))
    database.close()
    return path


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database: tests may change it."""
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_file, copy)
    database = open_database(copy, user="Helen Whitfield")
    yield database
    database.close()
