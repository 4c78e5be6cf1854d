"""A page's content compressed as soon as the page is finished.

reportlab keeps each page's drawing operators as one text until the document is saved, and
only then compresses them (through its ASCII85 encoder as well, by default). A register
page's operators are tens of kilobytes, so a report of 12 000 pages held most of a
gigabyte of them. ``seal_last_page`` compresses the page just added, and the page keeps
only that: the same Flate stream reportlab would write, without the ASCII85 step, which
only made it larger.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


def seal_last_page(canvas: Canvas) -> None:
    """Compress the content of the page ``canvas.showPage`` has just added."""
    page = canvas._doc.Pages.pages[-1]
    text = page.stream
    if not text or page.Contents is not None:
        return
    stream = PDFStream(content=zlib.compress(text.encode("utf-8") if isinstance(text, str)
                                             else text))
    # A filter named in the dictionary is one already applied: the writer adds none.
    stream.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
    stream.__Comment__ = "page stream"
    page.Contents = stream
    page.stream = None
