"""The small charts of the dashboard and the management-review pack: readable in greyscale."""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

import pytest

from qmsdesk.reports.charts_dashboard import (
    HEALTH_FILL,
    band_bars,
    count_bars,
    health_bars,
    opened_closed,
    satisfaction_trend,
)


def test_every_bar_has_its_own_hatch_and_its_count_written_on_it():
    fig = count_bars({"Open": 3, "In progress": 1, "Done": 7, "Cancelled": 0}, "Actions")
    bars = list(fig.qms_bars)
    assert len({bar.get_hatch() or "" for bar in bars}) == 4
    labels = [text.get_text() for text in fig.axes[0].texts]
    assert labels == ["3", "1", "7", "0"]


def test_health_bars_use_colours_that_mean_the_health_plus_hatches():
    fig = health_bars({"off track": 2, "on track": 5, "achieved": 1}, "Objectives by health")
    bars = list(fig.qms_bars)
    assert [tuple(bar.get_facecolor()) for bar in bars] == [
        HEALTH_FILL["off track"], HEALTH_FILL["on track"], HEALTH_FILL["achieved"]]
    assert [bar.get_hatch() for bar in bars] == ["//", "--", "++"]  # not mirror images
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["Off\ntrack", "On\ntrack", "Achieved"]


def test_band_bars_name_the_bands():
    fig = band_bars({"A": 5, "B": 13, "No data": 1}, "Suppliers")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["Band\nA", "Band\nB",
                                                                    "No\ndata"]


def test_opened_and_closed_differ_by_hatch():
    fig = opened_closed(["Oct", "Nov"], [3, 1], [2, 4])
    containers = fig.axes[0].containers
    hatches = {container.patches[0].get_hatch() or "" for container in containers}
    assert len(hatches) == 2


def test_satisfaction_series_differ_by_marker_and_line_style_and_gaps_stay_gaps():
    months = [date(2026, m, 1) for m in (1, 2, 3)]
    fig = satisfaction_trend({"All parties": list(zip(months, [3.5, None, 4.0], strict=True)),
                              "Customers": list(zip(months, [4.0, 3.0, None], strict=True))},
                             "Average satisfaction")
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["All parties", "Customers"]
    styles = {(line.get_marker(), line.get_linestyle()) for line in lines}
    assert len(styles) == 2 and len({m for m, _ in styles}) == 2
    assert math.isnan(lines[0].get_ydata()[1])
    assert fig.axes[0].get_ylim() == (0.8, 5.2)


def test_each_monthly_average_says_how_many_scores_it_is_made_of():
    months = [date(2026, m, 1) for m in (1, 2, 3)]
    fig = satisfaction_trend({"All parties": list(zip(months, [3.5, None, 4.0], strict=True))},
                             "Average satisfaction", counts=[4, 0, 1])
    notes = [text.get_text() for text in fig.axes[0].texts]
    assert notes == ["n=4", "n=1"]  # no note for a month without a score


@pytest.mark.parametrize("width_in", [2.6, 3.0, 3.4, 6.0])
def test_category_labels_never_overlap_or_leave_the_figure(width_in):
    """The dashboard draws its charts at what the window leaves (about 3 inches at 1024
    pixels; issue 17: the health labels overlapped there), a PDF at 3.4 inches."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = health_bars(dict.fromkeys(HEALTH_FILL, 1), "Objectives by health")
    fig.set_size_inches(width_in, 2.2)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ticks = fig.axes[0].get_xticklabels()
    boxes = [t.get_window_extent(renderer) for t in ticks]
    angle = ticks[0].get_rotation()
    if angle == 0:  # side by side
        assert all(a.x1 <= b.x0 for a, b in pairwise(boxes))
    else:  # slanted: parallel strips further apart than a line is high
        line = ticks[0].get_fontsize() * fig.dpi / 72
        step = boxes[1].x1 - boxes[0].x1
        assert step * math.sin(math.radians(angle)) > line
    assert all(box.x0 >= 0 and box.y0 >= 0 for box in boxes)  # nothing cut at the edges
    assert min(box.y1 for box in boxes) < fig.axes[0].bbox.y0  # below the plot


def test_short_labels_stay_upright_when_there_is_room():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = band_bars({"A": 5, "B": 13, "No data": 1}, "Suppliers")
    FigureCanvasAgg(fig).draw()
    assert {t.get_rotation() for t in fig.axes[0].get_xticklabels()} == {0.0}
