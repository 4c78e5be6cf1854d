"""Where QMS Desk keeps its data, logs and settings, and where its bundled resources are."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "QMSDesk"
_data_dir_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Point the data folder elsewhere (``--data-dir`` and the tests use this)."""
    global _data_dir_override
    _data_dir_override = Path(path) if path else None


def _base_dir() -> Path | None:
    if _data_dir_override is not None:
        return _data_dir_override
    env = os.environ.get("QMSDESK_DATA_DIR")
    return Path(env) if env else None


def data_dir() -> Path:
    """The user's data folder: databases, backups, generated reports."""
    base = _base_dir()
    if base is None:
        from platformdirs import user_data_dir

        base = Path(user_data_dir(APP_NAME, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def log_dir() -> Path:
    base = _base_dir()
    if base is None:
        from platformdirs import user_log_dir

        path = Path(user_log_dir(APP_NAME, appauthor=False))
    else:
        path = base / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    base = _base_dir()
    if base is None:
        from platformdirs import user_config_dir

        path = Path(user_config_dir(APP_NAME, appauthor=False))
    else:
        path = base / "config"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    base = _base_dir()
    if base is None:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir(APP_NAME, appauthor=False))
    else:
        path = base / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def temp_dir() -> Path:
    """Working folders of long tasks (an auditor pack being assembled): in the app's cache,
    not the system's temporary folder, so that what a killed task leaves is found and
    cleaned (clean_stale_temp) instead of lying about with copies of the registers."""
    path = cache_dir() / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clean_stale_temp(older_than: float = 6 * 3600) -> list[Path]:
    """Remove what tasks left in temp_dir() more than ``older_than`` seconds ago (a task
    still running in another window is younger); returns what was removed."""
    import shutil
    import time

    removed = []
    for entry in temp_dir().iterdir():
        try:
            if time.time() - entry.stat().st_mtime < older_than:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            continue
    return removed


def new_file_mode() -> int:
    """The mode a new file gets by the user's umask (0644 with the usual 022): for a file
    written under a temporary name, which tempfile.mkstemp makes private (0600), before it
    is moved into place."""
    try:  # Linux says it without changing it (changing it races other threads' files)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def default_database_path() -> Path:
    return data_dir() / "qmsdesk.db"


def demo_database_path() -> Path:
    return data_dir() / "demo.db"


def reports_dir() -> Path:
    path = data_dir() / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource_path(*parts: str) -> Path:
    """A file under resources/, from the source tree or from inside a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)


def configure_matplotlib_cache() -> None:
    """Give matplotlib a persistent cache so a bundled app does not rebuild fonts each launch."""
    if "MPLCONFIGDIR" not in os.environ or getattr(sys, "frozen", False):
        path = cache_dir() / "matplotlib"
        path.mkdir(parents=True, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(path)
