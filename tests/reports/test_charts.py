"""The power/interest grid: pickable points in input order, no overlaps, no pyplot."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from qmsdesk.reports.charts import GridPoint, power_interest_grid
from qmsdesk.services import party_rules as rules

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
