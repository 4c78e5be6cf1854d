"""Drawn charts kept by the hash of their data and style: in memory, and in the app's cache
folder so that a report issued again (from the GUI, the CLI or an auditor pack) draws only
the charts whose data changed. Both are bounded; a cache file that cannot be read is
simply drawn again."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from qmsdesk import __version__, paths

FORMAT = 1  # of a cache file; part of every key
# Drawn charts kept in memory (~60-100 KB each): the charts of a report issued again in the
# same session. A long report reads each chart twice, the whole report apart (its content
# fingerprint, then its layout), so memory never held the second reading's anyway: the
# 20x suppliers report kept 50 MB of them to its end.
MEMORY_BYTES = 16 * 1024 * 1024
DISK_FILES = 5000  # charts kept on disk, the least recently stored go first, beyond those
# of a report being issued
# What draws a chart: a change to any of these may change every picture.
CHART_SOURCES = ("charts.py", "charts_dashboard.py", "charts_risks.py", "charts_suppliers.py",
                 "font_stack.py", "chart_images.py", "chart_fit.py")


@dataclass(frozen=True)
class RenderedChart:
    """A drawn chart: its PNG's sha256 (the content fingerprint), the figure's size in
    inches, its size in pixels and its RGB rows, Flate-compressed, ready for a PDF."""

    png_sha256: str
    size_in: tuple[float, float]
    pixels: tuple[int, int]
    rgb_flate: bytes


@lru_cache(maxsize=1)
def style_version() -> str:
    """A hash of the chart code and the libraries that draw: the "style" part of a key."""
    digest = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    for package in ("matplotlib", "pillow"):
        with suppress(metadata.PackageNotFoundError):
            digest.update(f"{package}={metadata.version(package)}".encode())
    here = Path(__file__).parent
    for name in CHART_SOURCES:
        with suppress(OSError):  # a frozen bundle may ship no sources: the version stands
            digest.update((here / name).read_bytes())
    return digest.hexdigest()


_memory: OrderedDict[str, RenderedChart] = OrderedDict()
_memory_bytes = 0
_lock = threading.Lock()
_stored = 0
# The charts of each report being issued: kept on disk until it is done. A report of a long
# register draws its charts for the fingerprint and reads them back for the layout; 6 000
# objectives' charts must all still be there.
_in_use: list[set[str]] = []


@contextmanager
def kept_while_issuing() -> Iterator[None]:
    """Within: every chart looked up or stored is kept on disk, whatever ``DISK_FILES``."""
    keys: set[str] = set()
    with _lock:
        _in_use.append(keys)
    try:
        yield
    finally:
        with _lock:
            _in_use[:] = [other for other in _in_use if other is not keys]


def _use(key: str) -> None:
    with _lock:
        for keys in _in_use:
            keys.add(key)


def _folder() -> Path:
    folder = paths.cache_dir() / "charts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remember(key: str, chart: RenderedChart) -> None:
    global _memory_bytes
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return
        _memory[key] = chart
        _memory_bytes += len(chart.rgb_flate)
        while _memory_bytes > MEMORY_BYTES and len(_memory) > 1:
            _, old = _memory.popitem(last=False)
            _memory_bytes -= len(old.rgb_flate)


def lookup(key: str) -> RenderedChart | None:
    """The chart drawn for ``key`` before, from memory or disk; None when not cached."""
    _use(key)
    with _lock:
        chart = _memory.get(key)
        if chart is not None:
            _memory.move_to_end(key)
            return chart
    try:
        raw = (_folder() / f"{key}.chart").read_bytes()
        head, _, rows = raw.partition(b"\n")
        info = json.loads(head)
        chart = RenderedChart(str(info["png_sha256"]), tuple(info["size_in"]),
                              tuple(info["pixels"]), rows)
        if len(rows) != info["length"]:
            return None  # cut short (a full disk): draw it again
    except (OSError, ValueError, KeyError, TypeError):
        return None
    _remember(key, chart)
    return chart


def store(key: str, chart: RenderedChart) -> None:
    """Keep ``chart`` in memory and on disk (written whole, then moved into place)."""
    global _stored
    _use(key)
    _remember(key, chart)
    head = json.dumps({"png_sha256": chart.png_sha256, "size_in": list(chart.size_in),
                       "pixels": list(chart.pixels), "length": len(chart.rgb_flate)})
    try:
        folder = _folder()
        fd, temp = tempfile.mkstemp(prefix=".chart-", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(head.encode() + b"\n" + chart.rgb_flate)
        os.replace(temp, folder / f"{key}.chart")
    except OSError:
        return  # a cache that cannot be written only costs drawing the chart again
    _stored += 1
    if _stored % 100 == 1:
        prune(folder)


def prune(folder: Path, keep: int = DISK_FILES) -> None:
    """Delete all but the ``keep`` most recently stored charts and those of a report being
    issued, and partial files an hour old (left by a process killed while writing)."""
    with _lock:
        in_use = set().union(*_in_use)
    files = sorted(folder.glob("*.chart"), key=lambda p: p.stat().st_mtime, reverse=True)
    stale = [p for p in folder.glob(".chart-*") if time.time() - p.stat().st_mtime > 3600]
    for old in [*(p for p in files[keep:] if p.stem not in in_use), *stale]:
        with suppress(OSError):
            old.unlink()


def clear_memory() -> None:
    """Forget the charts kept in memory (tests; the disk cache stays)."""
    global _memory_bytes
    with _lock:
        _memory.clear()
        _memory_bytes = 0
