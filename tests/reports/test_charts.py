"""Chart builders: the power/interest grid and the objective trend; never pyplot."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from qmsdesk.reports.charts import GridPoint, objective_trend, power_interest_grid
from qmsdesk.services.parties import rules

ROOT = Path(__file__).resolve().parents[2]


def point(n: int, influence: int, interest: int) -> GridPoint:
    return GridPoint(f"IP-{n:04d}", f"Party {n}", influence, interest)


def display_positions(fig) -> list[tuple[float, float]]:
    ax = fig.qms_scatter.axes
    return [tuple(xy) for xy in ax.transData.transform(fig.qms_scatter.get_offsets())]


def test_scatter_offsets_follow_the_input_order_and_are_pickable():
    points = [point(1, 5, 1), point(2, 1, 5), point(3, 3, 3), point(4, 2, 2)]

    fig = power_interest_grid(points)

    scatter = fig.qms_scatter
    offsets = scatter.get_offsets()
    assert len(offsets) == len(points)
    # A lone point sits in its own cell: x = interest, y = influence (within the cell).
    for (x, y), p in zip(offsets, points, strict=True):
        assert round(x) == p.interest and round(y) == p.influence
    assert scatter.get_picker()
    assert scatter.get_pickradius() == 6
    labels = [t.get_text() for t in scatter.axes.texts]
    assert [lbl for lbl in labels if lbl.startswith("IP-")] == [p.ref for p in points]
    assert set(rules.QUADRANTS) <= set(labels)


def test_points_in_the_same_cell_do_not_overlap_and_stay_in_their_cell():
    crowded = [point(n, 4, 4) for n in range(1, 12)] + [point(20, 4, 5), point(21, 1, 1)]

    fig = power_interest_grid(crowded)

    offsets = fig.qms_scatter.get_offsets()
    for (x, y), p in zip(offsets, crowded, strict=True):
        assert abs(x - p.interest) < 0.5 and abs(y - p.influence) < 0.5
    positions = display_positions(fig)
    diameters = [math.sqrt(s) * fig.dpi / 72 for s in fig.qms_scatter.get_sizes()]
    assert len(diameters) == len(crowded)
    for i, j in itertools.combinations(range(11), 2):
        (xi, yi), (xj, yj) = positions[i], positions[j]
        gap = math.hypot(xi - xj, yi - yj)
        assert gap > (diameters[i] + diameters[j]) / 2, (i, j)


def test_layout_is_deterministic():
    points = [point(n, 5, 5) for n in range(1, 6)]

    first = power_interest_grid(points).qms_scatter.get_offsets().tolist()
    second = power_interest_grid(points).qms_scatter.get_offsets().tolist()

    assert first == second
    assert len({tuple(xy) for xy in first}) == len(points)


def test_quadrants_differ_by_marker_shape_not_only_colour():
    points = [point(1, 5, 5), point(2, 5, 1), point(3, 1, 5), point(4, 1, 1)]
    assert [p.quadrant for p in points] == [rules.MANAGE_CLOSELY, rules.KEEP_SATISFIED,
                                             rules.KEEP_INFORMED, rules.MONITOR]

    paths = power_interest_grid(points).qms_scatter.get_paths()

    shapes = {tuple(map(tuple, path.vertices.round(3))) for path in paths}
    assert len(paths) == 4 and len(shapes) == 4


def test_empty_grid_still_draws():
    fig = power_interest_grid([])

    assert len(fig.qms_scatter.get_offsets()) == 0
    assert "No active interested parties" in [t.get_text() for t in fig.axes[0].texts]


def test_building_a_chart_never_touches_pyplot(tmp_path):
    script = textwrap.dedent("""
        import io, sys
        import qmsdesk.reports.charts as charts
        assert "matplotlib" not in sys.modules, "importing charts must stay cheap"
        fig = charts.power_interest_grid([charts.GridPoint("IP-0001", "A", 5, 5)])
        fig.savefig(io.BytesIO(), format="png", dpi=50)
        from matplotlib.figure import Figure
        assert type(fig) is Figure
        assert "matplotlib.pyplot" not in sys.modules
        print("ok")
    """)
    env = {**os.environ, "QMSDESK_DATA_DIR": str(tmp_path), "MPLBACKEND": "agg"}
    env.pop("MPLCONFIGDIR", None)

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert (tmp_path / "cache" / "matplotlib").is_dir()  # cache configured before import


START, DUE = date(2026, 1, 1), date(2026, 12, 31)
SERIES = [(date(2026, 3, 31), 92.0), (date(2026, 1, 31), 91.0), (date(2026, 2, 28), 91.5)]


def trend(points=SERIES, baseline=90.0, target=97.0, target_max=None, direction="increase",
          start=START, due=DUE, **kwargs):
    return objective_trend(points, baseline, target, target_max, direction, start, due, "%",
                           **kwargs)


def lines_by_style(fig) -> dict[str, list]:
    found: dict[str, list] = {}
    for line in fig.axes[0].get_lines():
        found.setdefault(line.get_linestyle(), []).append(line)
    return found


def test_measured_line_holds_the_points_in_date_order():
    fig = trend()

    measured = fig.qms_measured
    assert list(measured.get_xdata()) == sorted(d for d, _ in SERIES)
    assert list(measured.get_ydata()) == [91.0, 91.5, 92.0]
    assert measured.get_linestyle() == "-" and measured.get_marker() == "o"


def test_series_differ_by_line_style_so_they_survive_greyscale_print():
    fig = trend()

    styles = lines_by_style(fig)
    assert set(styles) == {"-", "--", ":", "-."}  # measured, target, baseline, plan
    (target,) = styles["--"]
    (baseline,) = styles[":"]
    (plan,) = styles["-."]
    assert list(target.get_ydata()) == [97.0, 97.0]
    assert list(baseline.get_ydata()) == [90.0, 90.0]
    assert list(plan.get_xdata()) == [START, DUE] and list(plan.get_ydata()) == [90.0, 97.0]
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["Measured", "Target", "Baseline",
                                                          "Plan"]
    assert not fig.axes[0].patches  # no band for a one-sided target


def test_band_is_shaded_between_target_and_upper_limit_with_dashed_edges():
    fig = trend([(date(2026, 3, 31), 6.0)], baseline=7.0, target=2.0, target_max=4.0,
                direction="band")

    ax = fig.axes[0]
    (band,) = ax.patches
    extent = band.get_extents().transformed(ax.transData.inverted())
    assert extent.y0 == pytest.approx(2.0) and extent.y1 == pytest.approx(4.0)
    assert band.get_facecolor()[3] == 1.0  # opaque: no uneven alpha in print
    edges = sorted(line.get_ydata()[0] for line in lines_by_style(fig)["--"])
    assert edges == [2.0, 4.0]
    assert list(lines_by_style(fig)["-."][0].get_ydata()) == [7.0, 4.0]  # to the nearest edge
    assert "Target band" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_every_line_and_value_is_inside_the_axes():
    late = (date(2027, 2, 15), 99.5)
    fig = trend([*SERIES, late], baseline=90.0, target=97.0)

    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert low < 90.0 and high > 99.5
    x0, x1 = ax.get_xlim()
    from matplotlib.dates import date2num

    assert x0 < date2num(START) and x1 > date2num(late[0])  # extended past the due date


def test_legend_and_title_sit_above_the_plot_and_inside_the_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = trend(title="OBJ-2026-01 · On-time delivery " + "very long " * 30)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)

    ax = fig.axes[0]
    plot = ax.get_window_extent(renderer)
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y0 >= plot.y1 - 0.5  # never over a value
    (title,) = fig.texts
    title_box = title.get_window_extent(renderer)
    assert title.get_text().endswith("…")
    assert title_box.y0 >= legend.y1 - 0.5
    page = fig.bbox
    for box in (legend, title_box, ax.get_tightbbox(renderer)):
        assert box.x0 >= page.x0 and box.x1 <= page.x1 + 0.5
        assert box.y0 >= page.y0 and box.y1 <= page.y1 + 0.5


def test_empty_trend_still_draws_target_baseline_plan_and_says_so():
    fig = trend([])

    assert len(fig.qms_measured.get_xdata()) == 0
    assert set(lines_by_style(fig)) == {"-", "--", ":", "-."}
    assert "No measurements yet" in [t.get_text() for t in fig.axes[0].texts]


def test_building_a_trend_never_touches_pyplot(tmp_path):
    script = textwrap.dedent("""
        import io, sys
        from datetime import date
        import qmsdesk.reports.charts as charts
        assert "matplotlib" not in sys.modules, "importing charts must stay cheap"
        fig = charts.objective_trend([(date(2026, 2, 1), 3.0)], 5.0, 1.0, 2.0, "band",
                                     date(2026, 1, 1), date(2026, 12, 31), "days")
        fig.savefig(io.BytesIO(), format="png", dpi=50)
        assert "matplotlib.pyplot" not in sys.modules
        print("ok")
    """)
    env = {**os.environ, "QMSDESK_DATA_DIR": str(tmp_path), "MPLBACKEND": "agg"}

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_crowded_cell_shows_its_count_instead_of_a_label_per_party():
    crowded = [point(n, 4, 4) for n in range(1, 401)]
    listed = [point(500 + n, 1, 1) for n in range(1, 4)]
    points = crowded + listed

    fig = power_interest_grid(points)

    offsets = fig.qms_scatter.get_offsets()
    assert len(offsets) == len(points)  # still one pickable dot per party, in input order
    for (x, y), p in zip(offsets, points, strict=True):
        assert abs(x - p.interest) < 0.5 and abs(y - p.influence) < 0.5
    assert len({tuple(xy) for xy in offsets[:400].tolist()}) == 400  # no two dots coincide
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "400" in texts  # the crowded cell is counted...
    assert not {p.ref for p in crowded} & set(texts)  # ...not labelled party by party
    assert [t for t in texts if t.startswith("IP-")] == [p.ref for p in listed]
    assert len(fig.axes[0].texts) < 20  # the figure's cost follows the cells
