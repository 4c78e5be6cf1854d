"""A stand-in for the demo build, for tests about what happens around it (the first start,
the demo command): the session's demo, built once by tests/conftest.py, put in place the way
the build puts its file (a partial file moved into place). The build itself is tested in
tests/services/test_demo.py and test_demo_history.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Generator
from datetime import date
from pathlib import Path

from qmsdesk.services.progress import Progress

Build = Callable[[Path, date], Generator[Progress, None, Path]]


def copying(demo_file: Path) -> Build:
    """A create_demo_database (services.workspace) that copies ``demo_file``."""
    def create_demo_database(path: Path, _today: date) -> Generator[Progress, None, Path]:
        yield Progress(0, 2, "Creating demo data")
        partial = path.with_name(path.name + ".partial")
        shutil.copyfile(demo_file, partial)
        yield Progress(1, 2, "Demo data ready")
        partial.replace(path)
        return path

    return create_demo_database
