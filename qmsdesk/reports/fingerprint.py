"""A report's content fingerprint: what a reader sees, without revision or times.

Two reports with the same fingerprint say the same thing, so they share a revision. The
fingerprint is taken from the story before layout: paragraph markup, table cells,
chart image bytes and the shape of spacers and breaks. Text that is expected to move
without changing what a register says (the "as of" date of a snapshot) is passed as
``volatile`` and replaced by a placeholder first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain

from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from qmsdesk.reports.long_table import LongTable

VOLATILE = "\x00volatile\x00"


def _parts(item: object) -> Iterator[str]:
    """The text parts of one story item, recursing into tables and containers."""
    if item is None or isinstance(item, str | int | float):
        yield repr(item)
    elif isinstance(item, list | tuple):
        yield "["
        for element in item:
            yield from _parts(element)
        yield "]"
    elif isinstance(item, Paragraph):
        yield f"P:{item.style.name}:{item.text}"
    elif isinstance(item, Table):
        yield "T"
        yield from _parts(item._cellvalues)
    elif isinstance(item, LongTable):  # read as the whole table it lays out
        yield "T"
        yield "["
        for row in item.cell_rows():
            yield from _parts(row)
        yield "]"
    elif isinstance(item, Spacer) and type(item) is Spacer:  # subclasses carry no width
        yield f"S:{item.width:.1f}x{item.height:.1f}"
    elif isinstance(item, Flowable):
        # A flowable that stands in for another (a chart for the PNG Image it replaced)
        # names that one, so the same content keeps its fingerprint.
        yield getattr(item, "fingerprint_kind", type(item).__name__)
        marker = getattr(item, "fingerprint", None)
        if marker is not None:
            yield str(marker)
        content = getattr(item, "_content", None)
        if content is not None:
            yield from _parts(content)
    else:
        yield repr(item)


def content_fingerprint(header: Sequence[str], story: Iterable[Flowable],
                        volatile: Sequence[str] = ()) -> str:
    """sha256 over ``header`` (document identity) and the story's visible content, read
    part by part as the story is made (a long register's is never held whole)."""
    digest = hashlib.sha256()
    for part in chain(header, (p for flowable in story for p in _parts(flowable))):
        for text in volatile:
            if text:
                part = part.replace(text, VOLATILE)
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()
