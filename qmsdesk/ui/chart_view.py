"""Shows a matplotlib Figure from the chart builders; matplotlib loads on first use only.

A selection is shown as an overlay: artists drawn over a saved copy of the figure
(blitting), so moving it redraws a few artists, not the whole chart."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from qmsdesk.ui.chart_canvas import Picture, Size, announce_picture, draw_ahead, make_canvas
from qmsdesk.ui.chart_palette import Tones, dark_tones, follow_palette, recolour, tones_of

# Charts are built on workers (matplotlib's first import alone takes seconds), one at a
# time: matplotlib's font set-up is not meant for two threads at once.
_BUILDING = threading.Lock()
REBUILD_DELAY_MS = 150  # a canvas resized: its new picture is asked for once this long still


def _build_figures(build: Callable[[], Any], sizes: Sequence[Size | None],
                   tones: Tones | None) -> Any:
    """Build the figure (or figures: ``sizes`` has one canvas size per figure, else one
    figure is built), recolour them for a dark window's ``tones`` and draw their first
    pictures here too, where a size is known."""
    with _BUILDING:
        # The canvas module too, so the GUI thread finds it loaded (it makes no widget).
        import matplotlib.backends.backend_qtagg  # noqa: F401

        built = build()
        single = len(sizes) == 1 and not isinstance(built, tuple | list)
        figures = (built,) if single else tuple(built)
        if tones is not None:
            for figure in figures:
                recolour(figure, tones)
        pictures = tuple(draw_ahead(figure, size)
                         for figure, size in zip(figures, sizes, strict=True))
        return pictures[0] if single else pictures


class ChartView(QWidget):
    """A placeholder until the first figure arrives, then a canvas for it."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel(placeholder)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._layout.addWidget(self._placeholder)
        self.canvas: Any = None
        self._pick_handler: Any = None
        self._overlay: list[Any] = []
        self._background: Any = None
        self.full_draws = 0  # how often the whole figure was drawn (tests, benches)
        self._wanted = 0  # the newest background build; older ones arrive and are dropped
        self.building = False
        # What builds this view's figure again (with the views built beside it), for a
        # picture at a new size: see _picture_stale.
        self._owner: ChartView = self
        self._rebuild: Callable[[], None] | None = None
        self._rebuild_timer = QTimer(self, singleShot=True, interval=REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self._rebuild_now)

    def build_later(self, build: Callable[[], Any],
                    done: Callable[[], None] | None = None) -> None:
        """Build a figure on a worker (``build()`` returns it), then show it; ``done`` runs
        once it is shown. A newer request supersedes one still being built."""
        def show(figure: Any) -> None:
            self.set_figure(figure)
            if done is not None:
                done()

        build_figures_later(self, build, show)

    def set_figure(self, figure: Any) -> None:
        """Show a figure (or the Picture a worker drew ahead, see chart_canvas)."""
        picture = figure if isinstance(figure, Picture) else Picture(figure)
        # The surround and its words follow a dark window: a figure made here, or on a
        # worker before the palette changed, is recoloured (and drawn) here.
        if follow_palette(picture.figure, dark_tones()):
            picture = Picture(picture.figure)
        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self._placeholder.hide()
        self._overlay, self._background = [], None
        self.canvas = make_canvas(picture)
        self.canvas.draw_elsewhere = self._picture_stale
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.canvas.mpl_connect("draw_event", self._drawn)
        if self._pick_handler is not None:
            self.canvas.mpl_connect("pick_event", self._pick_handler)
        self._layout.addWidget(self.canvas)
        canvas = self.canvas
        QTimer.singleShot(0, lambda: announce_picture(canvas))  # listeners connected by then

    def _picture_stale(self) -> None:
        """The canvas was resized after its picture was drawn on a worker (the page's
        layout moved as its rows or figures came, or the window was resized): the figure is
        built and drawn again on a worker at the new size, once the size has settled,
        rather than drawn here (100-200 ms at 100x); the old picture, stretched, is shown
        meanwhile. A hidden view waits until it is shown."""
        owner = self._owner
        if owner._rebuild is not None and self.isVisible():
            owner._rebuild_timer.start()

    def _rebuild_now(self) -> None:
        if self._rebuild is not None and self.isVisible():
            self._rebuild()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.canvas is not None and (self.canvas.stale() or self._other_colours()):
            self._picture_stale()

    def changeEvent(self, event: QEvent) -> None:
        """The window turned dark or light (the system's setting changed): the picture is
        made again, on a worker, in the window's new colours."""
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) \
                and self.canvas is not None and self._other_colours():
            self._picture_stale()
        super().changeEvent(event)

    def _other_colours(self) -> bool:
        """Whether the figure shown was coloured for another palette than the window's."""
        return tones_of(self.canvas.figure) != dark_tones()

    def _drawn(self, _event: Any) -> None:
        """After a full draw (first show, resize): keep the picture, then add the overlay."""
        self.full_draws += 1
        self._background = self.canvas.copy_from_bbox(self.canvas.figure.bbox)
        self._draw_overlay()  # into the picture the canvas is about to paint

    def _draw_overlay(self) -> None:
        for artist in self._overlay:
            self.canvas.figure.draw_artist(artist)

    def set_overlay(self, artists: list[Any]) -> None:
        """Replace the overlay (artists already added to the figure) without a full draw."""
        for artist in self._overlay:
            artist.remove()
        self._overlay = list(artists)
        for artist in self._overlay:
            artist.set_animated(True)  # left out of full draws; blitted over them
        if self.canvas is None or self.canvas.stale():  # the new picture will add it
            return
        if self._background is None:  # not drawn yet: the first draw adds the overlay
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self._background)
        self._draw_overlay()
        self.canvas.blit(self.canvas.figure.bbox)

    def show_message(self, text: str) -> None:
        if self.canvas is not None:
            self.canvas.hide()
        self._placeholder.setText(text)
        self._placeholder.show()

    def on_pick(self, handler: Any) -> None:
        """Call ``handler(event)`` when a pickable artist of the current figure is clicked."""
        self._pick_handler = handler
        if self.canvas is not None:
            self.canvas.mpl_connect("pick_event", handler)

    @property
    def overlay(self) -> list[Any]:
        return list(self._overlay)

    @property
    def figure(self) -> Any:
        return self.canvas.figure if self.canvas is not None else None

    def redraw(self) -> None:
        if self.canvas is not None:
            self.canvas.seeded = None  # the figure changed: its picture drawn ahead is old
            self.canvas.draw_idle()

    def canvas_size(self) -> Size | None:
        """The size a canvas will have here (this widget's, with the screen's pixel ratio),
        for a picture drawn ahead; None while unknown."""
        if not self.isVisible() or self.width() <= 0 or self.height() <= 0:
            return None
        return (self.width(), self.height(), self.devicePixelRatioF() or 1.0)


def build_figures_later(owner: ChartView, build: Callable[[], Any],
                        show: Callable[[Any], object],
                        views: Sequence[ChartView] | None = None) -> None:
    """Run ``build`` on a worker (one chart build at a time) and hand its result to
    ``show`` on the GUI thread, unless a newer build was asked of ``owner`` meanwhile or
    the owner is gone. The figure is drawn there too, at the size of ``owner``'s canvas;
    a build of several figures for several ``views`` (in order) draws each at its view's
    size. ``show`` receives Pictures, which ChartView.set_figure takes."""
    from qmsdesk.ui.tasks import call, start_task

    owner._wanted += 1
    wanted = owner._wanted
    owner.building = True
    owner._rebuild = lambda: build_figures_later(owner, build, show, views)
    for view in views or (owner,):
        view._owner = owner

    def arrived(result: Any) -> None:
        if owner._wanted == wanted:
            owner.building = False
            show(result)

    def failed(exc: BaseException) -> None:
        if owner._wanted == wanted:
            owner.building = False
            owner.show_message(owner.tr("The chart could not be drawn: %s") % exc)

    # The sizes the canvases will have once the layouts pending now are done: a page that
    # has just changed its text (the dashboard's figures wrap to two lines) would otherwise
    # hand the worker the sizes from before, and its picture would be drawn again here.
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    sizes = [view.canvas_size() for view in (views or (owner,))]
    tones = dark_tones()
    start_task(lambda: call(lambda: _build_figures(build, sizes, tones)), arrived, failed,
               owner=owner)
