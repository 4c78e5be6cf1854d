"""What a register's demo section is, and reading demo data from its JSON files into the
builders' frozen dataclasses."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from qmsdesk.models.db import Database
from qmsdesk.services.demo.history import Story

Builder = Callable[[Database, date, random.Random, Mapping[str, str]], Story]


@dataclass(frozen=True)
class DemoSection:
    """One register's share of the demo: how many steps it takes and how to build it.

    ``build`` yields the day of each write before making it and one short label per step
    (one record saved; see history.play). ``after`` names the sections whose records it
    refers to: on one day they are written first (``in_order``).
    """

    key: str
    title: str
    steps: int
    build: Builder
    after: tuple[str, ...] = ()


def in_order(sections: Sequence[DemoSection]) -> tuple[DemoSection, ...]:
    """The sections in the order given, except that each comes after those it needs: at
    each step the first section whose ``after`` are all placed (a stable topological
    order). A ValueError names a section that needs an unknown one, or sections that
    need each other."""
    keys = {section.key for section in sections}
    for section in sections:
        if unknown := set(section.after) - keys:
            raise ValueError(f"demo section {section.key!r} comes after unknown sections: "
                             f"{', '.join(sorted(unknown))}")
    placed: list[DemoSection] = []
    waiting = list(sections)
    while waiting:
        done = {section.key for section in placed}
        ready = next((s for s in waiting if set(s.after) <= done), None)
        if ready is None:
            raise ValueError("demo sections need each other in a circle: "
                             f"{', '.join(s.key for s in waiting)}")
        waiting.remove(ready)
        placed.append(ready)
    return tuple(placed)


def build_spec(cls: type, item: dict[str, Any], where: str, data_file: Path) -> Any:
    """``cls(**item)``, or a ValueError that names the file, the place and the problem."""
    unknown = set(item) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"{data_file.name}: {where}: unknown keys {', '.join(sorted(unknown))}")
    try:
        return cls(**item)
    except TypeError as exc:
        raise ValueError(f"{data_file.name}: {where}: {exc}") from exc
