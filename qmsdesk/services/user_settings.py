"""Per-user preferences kept beside the data (the name written to the audit trail)."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

from qmsdesk import paths


def _file() -> Path:
    return paths.config_dir() / "settings.json"


def load() -> dict[str, Any]:
    try:
        return dict(json.loads(_file().read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def save(values: dict[str, Any]) -> None:
    target = _file()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(values, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)


def os_login() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def user_name() -> str:
    """The name recorded in the audit trail: the one set in settings, else the OS login."""
    return str(load().get("user_name") or os_login())


def set_user_name(name: str) -> None:
    values = load()
    values["user_name"] = name.strip()
    save(values)
