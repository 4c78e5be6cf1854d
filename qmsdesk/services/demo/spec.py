"""Reading demo data from its JSON files into the builders' frozen dataclasses."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any


def build_spec(cls: type, item: dict[str, Any], where: str, data_file: Path) -> Any:
    """``cls(**item)``, or a ValueError that names the file, the place and the problem."""
    unknown = set(item) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"{data_file.name}: {where}: unknown keys {', '.join(sorted(unknown))}")
    try:
        return cls(**item)
    except TypeError as exc:
        raise ValueError(f"{data_file.name}: {where}: {exc}") from exc
