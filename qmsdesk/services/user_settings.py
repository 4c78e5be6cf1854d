"""Every per-user setting, declared once: what it is called, its default and what a valid
stored value looks like. They live in one JSON file in the user's configuration folder
(``--data-dir`` and the tests move it), written whole and atomically.

The database's own settings, shared by everyone who opens it, are in services.db_settings.
Window layout (geometry, splitter positions) is kept here too, as text: the window encodes
Qt's state bytes, this module stays free of Qt.
"""

from __future__ import annotations

import copy
import getpass
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from qmsdesk import paths

T = TypeVar("T")


@dataclass(frozen=True)
class Preference(Generic[T]):
    """One per-user setting: its key in the file, its default, and the check a stored value
    must pass to be used (a hand-edited or older file falls back to the default)."""

    key: str
    default: T
    valid: Callable[[Any], bool]


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _keep(value: Any) -> bool:
    return (isinstance(value, list) and len(value) == 3
            and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
            and value[0] >= 1 and min(value) >= 0)


def _text_map(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _mappings(value: Any) -> bool:
    """register -> sheet -> layout key -> {column: field}."""
    def strings(mapping: Any) -> bool:
        return isinstance(mapping, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())

    return isinstance(value, dict) and all(
        isinstance(sheets, dict) and all(
            isinstance(layouts, dict) and all(strings(m) for m in layouts.values())
            for layouts in sheets.values())
        for sheets in value.values())


# Who the user is: written to the audit trail and printed as "Prepared by" with the role.
USER_NAME: Preference[str] = Preference("user_name", "", _text)
USER_ROLE: Preference[str] = Preference("user_role", "", _text)
# What a person may be in a small company's QMS (offered; any other text is kept as typed).
ROLES = ("Quality Manager", "Managing Director", "Operations Manager", "Internal Auditor",
         "Process Owner", "Quality Engineer")
# Automatic backups kept: days, weeks, months (services.backups).
BACKUP_KEEP: Preference[list[int]] = Preference("backups_keep", [7, 4, 12], _keep)
# The window: databases opened last (newest first), where files were exported last.
RECENT_DATABASES: Preference[list[str]] = Preference("recent_databases", [], _texts)
EXPORT_FOLDER: Preference[str] = Preference("export_folder", "", _text)
# Import: the column choices made for a file layout, offered again for the same headers.
IMPORT_MAPPINGS: Preference[dict[str, Any]] = Preference("import_mappings", {}, _mappings)
# Window layout, as base64 of Qt's saved state.
WINDOW_GEOMETRY: Preference[str] = Preference("window.geometry", "", _text)
PARTIES_SPLITTER: Preference[str] = Preference("window.parties_splitter", "", _text)
# Each register table's columns (widths, order, hidden, sort): table key -> header state.
TABLE_STATES: Preference[dict[str, str]] = Preference("window.table_states", {}, _text_map)

_lock = threading.Lock()  # the backup thread and the window may write at once


def _file() -> Path:
    return paths.config_dir() / "settings.json"


def _load() -> dict[str, Any]:
    try:
        values = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


def get(preference: Preference[T]) -> T:
    """The user's value, or (a copy of) the default when unset or not valid; the caller
    may change what it gets without changing the setting or the default."""
    value = _load().get(preference.key)
    return value if value is not None and preference.valid(value) else \
        copy.deepcopy(preference.default)


def put(preference: Preference[T], value: T) -> None:
    """Keep ``value`` (refused with ValueError when it is not valid for the setting)."""
    if not preference.valid(value):
        raise ValueError(f"not a valid value for {preference.key}: {value!r}")
    with _lock:
        values = _load()
        values[preference.key] = value
        target = _file()
        target.parent.mkdir(parents=True, exist_ok=True)
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
    return get(USER_NAME).strip() or os_login()


def set_user_name(name: str) -> None:
    put(USER_NAME, name.strip())


def has_identity() -> bool:
    """Whether the user has said who they are (else reports would name the OS login)."""
    return bool(get(USER_NAME).strip())


def set_identity(name: str, role: str) -> None:
    put(USER_NAME, name.strip())
    put(USER_ROLE, " ".join(role.split()))


def prepared_by() -> str:
    """"Anna Kowalska, Quality Manager": who prepares a report, as its control block says."""
    role = get(USER_ROLE).strip()
    return f"{user_name()}, {role}" if role else user_name()
