"""A document's bulk kept on disk until it is written, and written as it is formatted.

reportlab keeps each page's drawing operators as one text until the document is saved, and
only then compresses them (through its ASCII85 encoder as well, by default); it keeps every
embedded image's bytes until then too, and builds the whole file in memory before writing
it. A register page's operators are tens of kilobytes, a chart's picture about 50: a report
of 12 000 pages or 6 000 charts held most of a gigabyte.

* ``seal_last_page`` compresses the page just added (the same Flate stream reportlab would
  write, without the ASCII85 step, which only made it larger) and moves it to the
  document's spool, a temporary file beside the PDF; a chart's picture goes there too
  (``spool_of``);
* ``write_document`` writes the PDF object by object, each stream read back from the spool
  as it is written, instead of joining the whole file in memory first.
"""

from __future__ import annotations

import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


class Spool:
    """Bytes written to a temporary file and read back by their place in it."""

    def __init__(self, folder: str | None) -> None:
        # Open for the document's life, closed by close() (or when let go, as on a failure).
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115
            prefix=".qmsdesk-spool-", dir=folder)
        self._end = 0
        self._lock = threading.Lock()

    def put(self, data: bytes) -> Spooled:
        with self._lock:
            self._file.seek(self._end)
            self._file.write(data)
            at, self._end = self._end, self._end + len(data)
        return Spooled(self, at, len(data))

    def read(self, at: int, length: int) -> bytes:
        with self._lock:
            self._file.seek(at)
            return self._file.read(length)

    def close(self) -> None:
        self._file.close()


class Spooled:
    """Where one stream's bytes wait in a spool."""

    __slots__ = ("_at", "_spool", "length")

    def __init__(self, spool: Spool, at: int, length: int) -> None:
        self._spool, self._at, self.length = spool, at, length

    def read(self) -> bytes:
        return self._spool.read(self._at, self.length)


def spool_of(canvas: Canvas) -> Spool:
    """The spool of ``canvas``'s document, made beside the file it will write."""
    doc = canvas._doc
    spool = getattr(doc, "_qms_spool", None)
    if spool is None:
        target = getattr(canvas, "_filename", None)
        folder = str(Path(target).parent) if isinstance(target, str | Path) else None
        spool = doc._qms_spool = Spool(folder)
    return spool


# A filter named in a stream's dictionary is one already applied: the writer adds none.
# One dictionary for every page's stream (PDFStream.format works on a copy).
_FLATE = PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])})


class _SpooledStream(PDFStream):
    """A stream whose bytes, already Flate-compressed, wait in a spool until written."""

    def __init__(self, spooled: Spooled) -> None:
        super().__init__(_FLATE)
        self._spooled = spooled

    def format(self, document: Any) -> bytes:
        self.content: bytes | None = self._spooled.read()
        try:
            return super().format(document)
        finally:
            self.content = None


# What PDFPage.check_format reads of a page as attributes: kept, even when None.
_READ_WHEN_WRITTEN = frozenset(("MediaBox", "Rotate", "Annots", "Contents", "Resources",
                                "Parent", "XObjects", "ExtGState"))


class _SealedPage(pdfdoc.PDFPage):
    """A page put out (``seal_last_page``): once written, it keeps only the name that
    references to it are resolved by; what writing made of it (its resources, media box,
    references) went with it, instead of staying for every page until the file was done."""

    def format(self, document: Any) -> bytes:
        try:
            return super().format(document)
        finally:
            self.__dict__ = {key: value for key, value in self.__dict__.items()
                             if key == pdfdoc.__InternalName__}


def seal_last_page(canvas: Canvas) -> None:
    """Compress the content of the page ``canvas.showPage`` has just added and spool it,
    and leave the page only what the writing needs: every page waits in the document
    until the end, and at 30 000 pages each kilobyte is 30 MB."""
    doc = canvas._doc
    page = doc.Pages.pages[-1]
    text = page.stream
    if not text or page.Contents is not None:
        return
    data = zlib.compress(text.encode("utf-8") if isinstance(text, str) else text)
    stream = _SpooledStream(spool_of(canvas).put(data))
    stream.__Comment__ = "page stream"
    page.Contents, page.stream = stream, None
    if page.Trans is not None and not page.Trans.dict:  # no transition: none written
        page.Trans = None
    if page.XObjects is not None:  # the same forms as another page: the same dictionary
        shared: dict[tuple[str, ...], Any] = doc.__dict__.setdefault("_qms_xobjects", {})
        page.XObjects = shared.setdefault(tuple(page.XObjects.dict), page.XObjects)
    # None attributes read only if present, and the spooled text, left out (a smaller dict)
    page.__dict__ = {key: value for key, value in page.__dict__.items()
                     if value is not None or key in _READ_WHEN_WRITTEN}
    page.__class__ = _SealedPage


class _WrittenThrough(pdfdoc.PDFFile):
    """reportlab's output collector, writing each object to the file as it comes."""

    def __init__(self, out: IO[bytes], pdf_version: Any) -> None:
        super().__init__(pdf_version)  # its header, collected
        header: list[bytes] = self.strings
        for text in header:
            out.write(text)
        self.strings: list[bytes] = []
        self.write = out.write

    def format(self, document: Any) -> bytes:
        return b""  # all written


_writing = threading.Lock()


@contextmanager
def _output(target: Any) -> Iterator[IO[bytes]]:
    """The file to write: ``target`` when it is one (a buffer), else the path opened."""
    if hasattr(target, "write"):
        yield target
    else:
        with open(target, "wb") as out:
            yield out


def write_document(canvas: Canvas) -> None:
    """Write ``canvas``'s document to its file object by object (what ``Canvas.save``
    does, without the whole file in memory), then let its spool go."""
    doc, target = canvas._doc, canvas._filename
    if canvas._code:  # as Canvas.save: a page begun is put out
        canvas.showPage()
    doc._savedToFile = True
    try:
        with _output(target) as out, _writing:
            # reportlab's document makes its collector by this module-level name.
            collector = pdfdoc.PDFFile
            pdfdoc.PDFFile = lambda version: _WrittenThrough(out, version)
            try:
                doc.GetPDFData(canvas)
            finally:
                pdfdoc.PDFFile = collector
    finally:
        spool = getattr(doc, "_qms_spool", None)
        if spool is not None:
            spool.close()
