"""A chart's first picture drawn on the worker that built it, not on the GUI thread.

Drawing a figure rasterises every artist and lays out every text: at 100x the parties grid
took a third of a second and more on the GUI thread, and a first draw loads the fonts too.
The worker that builds a figure therefore also draws it, at the size and pixel ratio the
canvas will have (measured on the GUI thread when the chart was asked for). The canvas is
then given that picture: as long as it is shown at that size, it paints the picture instead
of drawing again. Resized (the page's layout moved as its rows came, the window was
resized), a canvas whose picture took long to draw asks its view for a new one, drawn on a
worker, and shows the old one stretched until it comes; a quick one draws again here, as do
a redraw asked for and an unusual figure, as any matplotlib canvas does.

This leans on two attributes of matplotlib's Agg canvas, ``renderer`` and ``_lastKey`` (the
picture and the (width, height, dpi) it was drawn for), stable since matplotlib 3.0; if
they are missing, the canvas draws on the GUI thread as before.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Size = tuple[int, int, float]  # a widget's width and height (logical pixels), pixel ratio
# A picture that took longer to draw is drawn again elsewhere when its canvas is resized
# (Canvas.draw_elsewhere); a quicker one is drawn here at once, sharp as the window moves.
DRAW_HERE_UNDER_S = 0.03


@dataclass(frozen=True)
class Picture:
    """A figure and, when it could be drawn ahead, the Agg renderer holding its picture."""

    figure: Any
    renderer: Any = None
    key: tuple[float, float, float] | None = None
    seconds: float = 0.0  # how long the picture took to draw


def draw_ahead(figure: Any, size: Size | None) -> Picture:
    """Draw ``figure`` (on a worker) as a Qt canvas of ``size`` will show it: the canvas
    sets the figure's inches from its physical pixels and its dpi from the pixel ratio, in
    the same arithmetic as here, so the keys match bit for bit."""
    from matplotlib.figure import Figure

    if size is None or not isinstance(figure, Figure):
        return Picture(figure)
    width, height, ratio = size
    if width <= 0 or height <= 0:
        return Picture(figure)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    drawn: Any = figure  # the dpi as the Qt canvas sets it (FigureCanvasBase's own way)
    drawn._set_dpi(ratio * drawn._original_dpi, forward=False)
    dpi = figure.dpi
    figure.set_size_inches(width * ratio / dpi, height * ratio / dpi, forward=False)
    agg = FigureCanvasAgg(figure)
    began = time.perf_counter()
    agg.draw()
    seconds = time.perf_counter() - began
    key = getattr(agg, "_lastKey", None)
    renderer = getattr(agg, "renderer", None)
    if key is None or renderer is None:
        return Picture(figure)
    return Picture(figure, renderer, key, seconds)


@functools.cache
def _canvas_class() -> type[Any]:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    class Canvas(FigureCanvasQTAgg):
        """Paints the picture drawn ahead (``seeded``: the key it was drawn for) while the
        figure's size and dpi are still that key's. Resized, it asks ``draw_elsewhere``
        (when given) for a new picture at its new size and paints the one it has,
        stretched, until that comes; without it, or asked to redraw, it draws here."""

        seeded: tuple[float, float, float] | None = None
        draw_elsewhere: Callable[[], object] | None = None
        draw_seconds = 0.0  # what the picture drawn ahead took

        def current_key(self) -> tuple[float, float, float]:
            """The key Agg's canvas would draw a picture for now (``get_renderer``): whole
            pixels. The figure's own size in points was compared before, and 460 pixels
            are 459.99999999999994 there: a picture of the right size was drawn again."""
            w, h = self.get_width_height(physical=True)
            return (w, h, self.figure.dpi)

        def stale(self) -> bool:
            """Whether the picture shown was drawn ahead for another size."""
            return self.seeded is not None and self.seeded != self.current_key()

        def draw(self) -> None:
            if self.seeded is not None and self.draw_elsewhere is not None and self.stale() \
                    and self.draw_seconds >= DRAW_HERE_UNDER_S:
                self.draw_elsewhere()
            elif self.seeded is None or self.stale():
                self.seeded = None  # a redraw asked for: as any canvas from now on
                super().draw()
                return
            self.update()  # the picture drawn ahead: paint it

        def paintEvent(self, event: Any) -> None:
            if not self.stale():
                super().paintEvent(event)
                return
            from PySide6.QtGui import QImage, QPainter

            # The picture drawn for the old size, over the whole canvas (matplotlib's own
            # paint would copy a part of a new, blank picture).
            renderer = self.renderer
            picture = QImage(bytes(renderer.buffer_rgba()), int(renderer.width),
                             int(renderer.height), QImage.Format.Format_RGBA8888)
            painter = QPainter(self)
            try:
                painter.drawImage(self.rect(), picture)
            finally:
                painter.end()

    return Canvas


def make_canvas(picture: Picture) -> Any:
    """A Qt canvas for the picture's figure that paints the picture drawn ahead while its
    size is the one it was drawn for."""
    canvas = _canvas_class()(picture.figure)
    if picture.renderer is not None and picture.key is not None:
        canvas.renderer, canvas._lastKey = picture.renderer, picture.key
        canvas.seeded, canvas.draw_seconds = picture.key, picture.seconds
    return canvas


def announce_picture(canvas: Any) -> None:
    """Tell the canvas's listeners (``draw_event``) that its picture is drawn, as a draw on
    this thread would, and paint it: for a canvas given a picture drawn ahead, once its
    listeners are connected."""
    from matplotlib.backend_bases import DrawEvent
    from shiboken6 import isValid

    if not isValid(canvas) or getattr(canvas, "seeded", None) is None:
        return
    event: Any = DrawEvent("draw_event", canvas, canvas.renderer)
    event._process()
    canvas.update()
