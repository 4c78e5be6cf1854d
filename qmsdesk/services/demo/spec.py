"""What a register's demo section is, and reading demo data from its JSON files into the
builders' frozen dataclasses."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from qmsdesk.models.db import Database

Builder = Callable[[Database, date, random.Random, Mapping[str, str]], Iterator[str]]


@dataclass(frozen=True)
class DemoSection:
    """One register's share of the demo: how many steps it takes and how to build it.

    ``build`` yields one short label per step (one record saved).
    """

    key: str
    title: str
    steps: int
    build: Builder



def build_spec(cls: type, item: dict[str, Any], where: str, data_file: Path) -> Any:
    """``cls(**item)``, or a ValueError that names the file, the place and the problem."""
    unknown = set(item) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"{data_file.name}: {where}: unknown keys {', '.join(sorted(unknown))}")
    try:
        return cls(**item)
    except TypeError as exc:
        raise ValueError(f"{data_file.name}: {where}: {exc}") from exc
