"""A chart's first picture is drawn on the worker that built it: the GUI thread only paints
it, unless the canvas's size changed meanwhile or a redraw is asked for."""

from __future__ import annotations

import threading

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from qmsdesk.reports.charts import GridPoint, power_interest_grid
from qmsdesk.ui import chart_canvas
from qmsdesk.ui.chart_view import REBUILD_DELAY_MS, ChartView


@pytest.fixture
def draws(monkeypatch) -> list[str]:
    """Where each figure draw ran: 'gui' or 'worker'."""
    seen: list[str] = []
    original = FigureCanvasAgg.draw
    gui = threading.get_ident()

    def draw(self):
        seen.append("gui" if threading.get_ident() == gui else "worker")
        return original(self)

    monkeypatch.setattr(FigureCanvasAgg, "draw", draw)
    return seen


@pytest.fixture
def slow_to_draw(monkeypatch) -> None:
    """Every picture counts as one that took long to draw (at 100x the parties grid takes
    100-200 ms; this one a few)."""
    monkeypatch.setattr(chart_canvas, "DRAW_HERE_UNDER_S", 0.0)


def grid():
    return power_interest_grid([GridPoint(f"IP-{n:04d}", f"Party {n}", n % 5 + 1,
                                          (n * 3) % 5 + 1) for n in range(1, 60)])


def shown_view(qtbot) -> ChartView:
    """A chart view on screen at 420 x 380, waiting for its figure."""
    view = ChartView("Loading chart…")
    qtbot.addWidget(view)
    view.resize(420, 380)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_the_first_picture_is_drawn_on_the_worker_and_only_painted_here(qtbot, draws):
    view = shown_view(qtbot)
    view.build_later(grid)
    qtbot.waitUntil(lambda: view.full_draws > 0, timeout=10000)
    qtbot.wait(100)  # shown, resized by its layout, painted
    assert draws == ["worker"]
    assert view.canvas.seeded is not None
    # what is on screen is the figure as drawn here would be
    shown = view.canvas.grab().toImage()
    assert shown.width() == 420 and shown.height() == 380
    reference = FigureCanvasAgg(view.figure)
    reference.draw()
    assert bytes(reference.buffer_rgba()) == bytes(view.canvas.buffer_rgba())


def test_in_a_dark_window_the_worker_recolours_and_draws_the_picture(qtbot, draws, qapp):
    """A dark palette recolours the surround of the figure: on the worker, before it
    draws, not here after the picture arrived (drawing the 100x parties grid here again
    held the window 100-200 ms)."""
    from PySide6.QtGui import QColor, QPalette

    before = QPalette(qapp.palette())
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    qapp.setPalette(dark)
    try:
        view = shown_view(qtbot)
        view.build_later(grid)
        qtbot.waitUntil(lambda: view.full_draws > 0, timeout=10000)
        qtbot.wait(100)
        assert draws == ["worker"]
        assert view.canvas.seeded is not None
        corner = view.canvas.grab().toImage().pixelColor(2, 2)
        assert corner.name() == "#202124"  # the surround is the window's
    finally:
        qapp.setPalette(before)


def test_a_window_turning_dark_and_back_gets_its_charts_made_again_in_its_colours(
        qtbot, draws, qapp):
    """The system switched to dark (or back) while the window is open: each chart is made
    again on a worker in the new colours, not left in the old ones."""
    from PySide6.QtGui import QColor, QPalette

    before = QPalette(qapp.palette())
    view = shown_view(qtbot)
    view.build_later(grid)
    qtbot.waitUntil(lambda: view.full_draws > 0, timeout=10000)
    dark = QPalette(before)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202124"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e8eaed"))
    try:
        qapp.setPalette(dark)
        qtbot.waitUntil(lambda: getattr(view.figure, "_qms_tones", None) is not None
                        and view.full_draws > 1, timeout=10000)
        assert view.canvas.grab().toImage().pixelColor(2, 2).name() == "#202124"
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: getattr(view.figure, "_qms_tones", None) is None
                    and view.full_draws > 2, timeout=10000)
    assert draws == ["worker"] * 3
    assert view.canvas.grab().toImage().pixelColor(2, 2).name() == "#ffffff"  # paper


def test_a_canvas_resized_after_its_picture_gets_one_drawn_on_a_worker_at_its_size(
        qtbot, draws, slow_to_draw):
    """The page's layout moved while the worker drew (its rows or figures came), or the
    window was resized: the picture is drawn again on a worker at the new size, the old one
    shown stretched meanwhile; the GUI thread draws nothing."""
    view = shown_view(qtbot)
    view.build_later(grid)
    view.resize(500, 300)  # after the worker was told the old size
    qtbot.waitUntil(lambda: view.canvas is not None and view.canvas.seeded is not None
                    and not view.canvas.stale(), timeout=10000)
    qtbot.wait(REBUILD_DELAY_MS + 100)  # painted, and nothing more asked for
    assert draws == ["worker", "worker"]
    assert tuple(view.canvas.get_width_height()) == (500, 300)
    shown = view.canvas.grab().toImage()
    assert (shown.width(), shown.height()) == (500, 300)
    view.resize(460, 280)  # a picture of the size shown: stretched until the new one
    qtbot.waitUntil(lambda: view.canvas.stale(), timeout=5000)
    stretched = view.canvas.grab().toImage()
    assert (stretched.width(), stretched.height()) == (460, 280)
    assert stretched.pixelColor(230, 140).alpha() == 255  # painted over, not left blank
    qtbot.waitUntil(lambda: not view.canvas.stale(), timeout=10000)
    assert draws == ["worker"] * 3


def test_a_selection_shown_on_a_stretched_picture_waits_for_the_new_one(qtbot, draws, slow_to_draw):
    view = shown_view(qtbot)
    view.build_later(grid)
    qtbot.waitUntil(lambda: view.canvas is not None, timeout=10000)
    view.resize(500, 300)
    qtbot.waitUntil(lambda: view.canvas.stale(), timeout=5000)
    ring = view.figure.axes[0].scatter([3], [3], s=260)
    view.set_overlay([ring])  # not blitted onto a picture of another size
    assert view.overlay == [ring] and "gui" not in draws


def test_a_hidden_view_asks_for_its_new_picture_when_shown(qtbot, draws, slow_to_draw):
    view = shown_view(qtbot)
    view.build_later(grid)
    qtbot.waitUntil(lambda: view.canvas is not None, timeout=10000)
    view.hide()
    view.resize(500, 300)
    qtbot.wait(REBUILD_DELAY_MS + 200)
    assert draws == ["worker"]
    view.show()
    qtbot.waitUntil(lambda: len(draws) == 2, timeout=10000)
    assert draws == ["worker", "worker"]


def test_a_redraw_asked_for_draws_here(qtbot, draws):
    view = shown_view(qtbot)
    view.build_later(grid)
    qtbot.waitUntil(lambda: view.full_draws > 0, timeout=10000)
    view.redraw()
    qtbot.waitUntil(lambda: len(draws) > 1, timeout=5000)
    assert draws[-1] == "gui"


def test_a_picture_quick_to_draw_is_drawn_here_at_its_new_size(qtbot, draws, monkeypatch):
    monkeypatch.setattr(chart_canvas, "DRAW_HERE_UNDER_S", 60.0)
    view = shown_view(qtbot)
    view.build_later(grid)
    view.resize(500, 300)
    qtbot.waitUntil(lambda: "gui" in draws, timeout=10000)
    assert draws == ["worker", "gui"]
    assert tuple(view.canvas.get_width_height()) == (500, 300)
