"""A chart's first picture is drawn on the worker that built it: the GUI thread only paints
it, unless the canvas's size changed meanwhile or a redraw is asked for."""

from __future__ import annotations

import threading

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from qmsdesk.reports.charts import GridPoint, power_interest_grid
from qmsdesk.ui.chart_view import ChartView


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


def test_a_canvas_of_another_size_or_a_redraw_draws_here(qtbot, draws):
    view = shown_view(qtbot)
    view.build_later(grid)
    view.resize(500, 300)  # after the worker was told the old size
    qtbot.waitUntil(lambda: view.full_draws > 0 and "gui" in draws, timeout=10000)
    assert view.canvas.seeded is None
    assert tuple(view.canvas.get_width_height()) == (500, 300)
    count = len(draws)
    view.redraw()
    qtbot.waitUntil(lambda: len(draws) > count, timeout=5000)
    assert draws[-1] == "gui"
