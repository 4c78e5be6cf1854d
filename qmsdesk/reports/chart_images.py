"""Charts in a PDF: drawn once per data and style (cached), in worker processes when there
are many, and embedded as Flate-compressed RGB without reportlab's pure-Python ASCII85.

A report asks for a chart with ``chart_image(builder, *data, width=...)``: plain data and
the chart builder, not a Figure. The request's hash (builder, data, size, resolution, the
chart code's version) names the drawn chart in a cache (in memory and in the app's cache
folder), so an unchanged chart is never drawn again. A chart not in the cache is drawn in
this process or, once a report has asked for enough of them, by a pool of worker
processes (one per core) while the report goes on building its tables.

The image is the PNG matplotlib writes at ``DPI``, as before: its sha256 stays the chart's
content fingerprint, so reissuing unchanged data keeps its revision. What goes into the
PDF is that picture's RGB rows, compressed once by whoever drew it; the main process only
writes the bytes out (no PNG decoding, no re-compression, no ASCII85 text encoding).
"""

from __future__ import annotations

import hashlib
import importlib
import pickle
import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from reportlab.pdfbase.pdfdoc import PDFImageXObject
from reportlab.platypus import Flowable

from qmsdesk.reports import chart_cache, chart_pool
from qmsdesk.reports.chart_cache import RenderedChart
from qmsdesk.reports.page_stream import Spooled, spool_of

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from reportlab.pdfgen.canvas import Canvas

DPI = 200  # the PNG's resolution: sharp in print, ~60-100 KB a chart compressed
POOL_FROM = 8  # charts a report asks for before drawing moves to worker processes


@dataclass(frozen=True)
class ChartJob:
    """A chart to draw: the builder (module and name) and its plain-data arguments."""

    module: str
    name: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]
    dpi: int = DPI

    @property
    def key(self) -> str:
        """The cache key: a hash of what is drawn and how (chart_cache.style_version)."""
        payload = (chart_cache.style_version(), self.module, self.name, self.args,
                   self.kwargs, self.dpi)
        return hashlib.sha256(pickle.dumps(payload, protocol=5)).hexdigest()


def render_figure(fig: Figure, dpi: int = DPI) -> RenderedChart:
    """Draw ``fig`` as PNG (for the fingerprint) and as compressed RGB rows (for the PDF),
    then clear it: its artists, text and pixel buffers are let go at once, not when the
    garbage collector next finds the figure's reference cycles.

    The rows are the pixels the PNG was encoded from, taken from the Agg canvas that drew
    them (not decoded from the PNG again)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    buffer = BytesIO()
    # No "Software" stamp: the same chart gives the same bytes, and so the same fingerprint.
    fig.savefig(buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    rgba = np.asarray(canvas.buffer_rgba())  # as drawn at ``dpi`` for the PNG
    height, width = rgba.shape[:2]
    # Opaque white background: the alpha says nothing.
    rows = zlib.compress(np.ascontiguousarray(rgba[..., :3]).tobytes())
    width_in, height_in = (float(v) for v in fig.get_size_inches())
    del rgba
    fig.clear()
    fig.canvas = None  # type: ignore[assignment]  # drops the Agg renderer and its buffer
    png = buffer.getvalue()
    return RenderedChart(hashlib.sha256(png).hexdigest(), (width_in, height_in),
                         (width, height), rows)


def draw_job(job: ChartJob) -> RenderedChart:
    """Build and draw one chart (in a worker process or in this one)."""
    builder = getattr(importlib.import_module(job.module), job.name)
    return render_figure(builder(*job.args, **dict(job.kwargs)), job.dpi)


class _Drawing:
    """One chart being drawn or waiting to be: ``result()`` gives it, drawing it here if
    it was never handed to the pool."""

    def __init__(self, job: ChartJob) -> None:
        self.job = job
        self.future: Future[RenderedChart] | None = None
        self._chart: RenderedChart | None = None
        self._lock = threading.Lock()

    def result(self) -> RenderedChart:
        with self._lock:
            if self._chart is None:
                try:
                    self._chart = self.future.result() if self.future else None
                except BrokenProcessPool:  # a worker died (killed, out of memory): draw here
                    chart_pool.shutdown()
                if self._chart is None:
                    self._chart = draw_job(self.job)
                chart_cache.store(self.job.key, self._chart)
                _forget(self.job.key)
            return self._chart


_waiting: dict[str, _Drawing] = {}  # asked for, not yet drawn (by key)
_lock = threading.Lock()
_asked = 0  # charts not cached that the report being issued has asked for


@contextmanager
def one_report() -> Iterator[None]:
    """The charts of one report being issued: counted from none for ``POOL_FROM`` (a long
    register's report asks for its charts a few at a time, as it reads its sections), and
    kept in the disk cache until it is issued (its layout reads them back)."""
    global _asked
    with _lock:
        _asked = 0
    with chart_cache.kept_while_issuing():
        yield


def _forget(key: str) -> None:
    with _lock:
        _waiting.pop(key, None)


def request(job: ChartJob) -> Callable[[], RenderedChart]:
    """What gives the drawn chart: from the cache, or a drawing under way or waiting."""
    key = job.key
    cached = chart_cache.lookup(key)
    if cached is not None:
        return lambda: cached
    global _asked
    with _lock:
        drawing = _waiting.get(key)
        if drawing is None:
            drawing = _waiting[key] = _Drawing(job)
            _asked += 1
            if chart_pool.started() or _asked >= POOL_FROM:
                for waiting in _waiting.values():  # these, and every later one, to workers
                    if waiting.future is None and waiting._chart is None:
                        waiting.future = chart_pool.submit(draw_job, waiting.job)
    return drawing.result


class _ChartXObject(PDFImageXObject):
    """An image XObject whose stream is already Flate-compressed RGB: written as it is,
    read back from the document's spool (page_stream) when the document is written."""

    def __init__(self, name: str, chart: RenderedChart, spooled: Spooled) -> None:
        self.name = name
        self.width, self.height = chart.pixels
        self.bitsPerComponent = 8
        self.colorSpace = "DeviceRGB"
        self._filters = ("FlateDecode",)
        self._spooled = spooled
        self.streamContent: bytes | None = None
        self.mask = None

    def format(self, document: Any) -> bytes:
        self.streamContent = self._spooled.read()
        try:
            return super().format(document)
        finally:
            self.streamContent = None


class ChartImage(Flowable):
    """A drawn chart, ``width`` points wide with its aspect ratio kept."""

    # Fingerprinted as the PNG Image flowable it replaces, so revisions stay as they were.
    fingerprint_kind = "Image"

    def __init__(self, chart: Callable[[], RenderedChart], width: float) -> None:
        super().__init__()
        self._chart = chart
        self.draw_width = width
        self.hAlign = "CENTER"
        self.spaceBefore = self.spaceAfter = 0.0

    def spaced(self, space: float) -> ChartImage:
        """The same chart with ``space`` points kept clear above and below it."""
        self.spaceBefore = self.spaceAfter = space
        return self

    @property
    def chart(self) -> RenderedChart:
        return self._chart()

    @property
    def fingerprint(self) -> str:
        """The sha256 of the chart's PNG, as the report fingerprint has always used."""
        return self.chart.png_sha256

    def draw_height(self) -> float:
        width_in, height_in = self.chart.size_in
        return self.draw_width * height_in / width_in

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.draw_width, self.draw_height()
        return self.width, self.height

    def draw(self) -> None:
        embed(self.canv, self.chart, self.draw_width, self.draw_height())


def embed(canvas: Canvas, chart: RenderedChart, width: float, height: float) -> None:
    """Draw ``chart`` at the origin, ``width`` x ``height`` points; the image is stored once
    per document however often it is drawn (as Canvas.drawImage does)."""
    doc = canvas._doc
    name = f"chart{chart.png_sha256[:32]}"
    registered = doc.getXObjectName(name)
    if doc.idToObject.get(registered) is None:
        xobject = _ChartXObject(name, chart, spool_of(canvas).put(chart.rgb_flate))
        canvas._setXObjects(xobject)
        doc.Reference(xobject, registered)
        doc.addForm(name, xobject)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(name)


def chart_image(builder: Callable[..., Figure], *args: Any, width: float,
                **kwargs: Any) -> ChartImage:
    """The chart ``builder(*args, **kwargs)`` draws, as a flowable ``width`` points wide.

    ``builder`` is a module-level chart function and its arguments plain, picklable data:
    a worker process draws it from them, and they name it in the cache.
    """
    job = ChartJob(builder.__module__, builder.__qualname__, args, tuple(sorted(kwargs.items())))
    return ChartImage(request(job), width)


def figure_chart(fig: Figure, width: float, dpi: int = DPI) -> ChartImage:
    """A Figure already built (by a caller that needs the object) as a chart flowable."""
    chart = render_figure(fig, dpi)
    return ChartImage(lambda: chart, width)
