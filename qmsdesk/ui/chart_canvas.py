"""A chart's first picture drawn on the worker that built it, not on the GUI thread.

Drawing a figure rasterises every artist and lays out every text: at 100x the parties grid
took a third of a second and more on the GUI thread, and a first draw loads the fonts too.
The worker that builds a figure therefore also draws it, at the size and pixel ratio the
canvas will have (measured on the GUI thread when the chart was asked for). The canvas is
then given that picture: as long as it is shown at that size, it paints the picture instead
of drawing again. A canvas of another size (the window was resized meanwhile), a redraw
asked for, or an unusual figure simply draws as any matplotlib canvas does.

This leans on two attributes of matplotlib's Agg canvas, ``renderer`` and ``_lastKey`` (the
picture and the (width, height, dpi) it was drawn for), stable since matplotlib 3.0; if
they are missing, the canvas draws on the GUI thread as before.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

Size = tuple[int, int, float]  # a widget's width and height (logical pixels), pixel ratio


@dataclass(frozen=True)
class Picture:
    """A figure and, when it could be drawn ahead, the Agg renderer holding its picture."""

    figure: Any
    renderer: Any = None
    key: tuple[float, float, float] | None = None


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
    agg.draw()
    key = getattr(agg, "_lastKey", None)
    renderer = getattr(agg, "renderer", None)
    if key is None or renderer is None:
        return Picture(figure)
    return Picture(figure, renderer, key)


@functools.cache
def _canvas_class() -> type[Any]:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    class Canvas(FigureCanvasQTAgg):
        """Paints the picture drawn ahead (``seeded``: the key it was drawn for) while the
        figure's size and dpi are still that key's."""

        seeded: tuple[float, float, float] | None = None

        def current_key(self) -> tuple[float, float, float]:
            w, h = self.figure.bbox.size
            return (w, h, self.figure.dpi)

        def draw(self) -> None:
            if self.seeded is not None and self.seeded == self.current_key():
                self.update()  # the picture drawn ahead is this size: paint it
                return
            self.seeded = None  # resized, or a redraw asked for: as any canvas from now on
            super().draw()

    return Canvas


def make_canvas(picture: Picture) -> Any:
    """A Qt canvas for the picture's figure that paints the picture drawn ahead while its
    size is the one it was drawn for."""
    canvas = _canvas_class()(picture.figure)
    if picture.renderer is not None and picture.key is not None:
        canvas.renderer, canvas._lastKey = picture.renderer, picture.key
        canvas.seeded = picture.key
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
