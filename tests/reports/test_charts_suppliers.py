"""Supplier charts: suppliers by band, score trend, scorecard; never pyplot."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from qmsdesk.reports.charts_suppliers import (
    NOT_SCORED,
    score_trend,
    scorecard,
    suppliers_by_band,
)
from qmsdesk.services.suppliers.rules import DEFAULT_BANDS, NO_DATA

ROOT = Path(__file__).resolve().parents[2]
BANDS = [(band.name, band.minimum) for band in DEFAULT_BANDS]
ROWS = [("Quality", 35.0, 92.5), ("Delivery", 30.0, 75.0),
        ("Responsiveness / communication", 15.0, None), ("Price / commercial terms", 10.0, 100.0),
        ("Compliance / certification", 10.0, 40.0)]


def drawn(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    return renderer


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def inside_figure(fig, boxes) -> bool:
    page = fig.bbox
    return all(box.x0 >= page.x0 - 0.5 and box.x1 <= page.x1 + 0.5 and box.y0 >= page.y0 - 0.5
               and box.y1 <= page.y1 + 0.5 for box in boxes)


# --- suppliers by band ------------------------------------------------------------------------

def test_one_bar_per_band_in_order_then_no_data_with_counts_printed():
    fig = suppliers_by_band({"B": 3, "A": 1, NO_DATA: 2, "D": 1}, ["A", "B", "C", "D"])

    bars = fig.qms_bars
    assert [patch.get_height() for patch in bars.patches] == [1, 3, 0, 1, 2]
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Band A", "Band B", "Band C",
                                                            "Band D", "No data"]
    assert [t.get_text() for t in ax.texts][:5] == ["1", "3", "0", "1", "2"]


def test_bands_differ_by_hatch_so_they_survive_greyscale_print():
    fig = suppliers_by_band({"A": 1, "B": 1, "C": 1, "D": 1, NO_DATA: 1}, ["A", "B", "C", "D"])

    patches = fig.qms_bars.patches
    patterns = [(patch.get_hatch() or "", patch.get_linestyle()) for patch in patches]
    assert len(set(patterns)) == len(patches)
    assert all(patch.get_facecolor()[3] == 1.0 for patch in patches)  # opaque fills


def test_a_band_no_longer_configured_still_gets_its_bar():
    fig = suppliers_by_band({"X": 2, "A": 1}, ["A", "B"])

    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["Band A", "Band B", "Band X", "No data"]
    assert [p.get_height() for p in fig.qms_bars.patches] == [1, 0, 2, 0]


def test_no_suppliers_says_so():
    fig = suppliers_by_band({}, ["A", "B"])

    assert "No suppliers yet" in texts(fig)


# --- score trend ------------------------------------------------------------------------------

def test_trend_plots_totals_by_date_and_skips_reviews_without_a_total():
    points = [(date(2026, 5, 1), 86.2), (date(2025, 5, 1), 68.0), (date(2025, 11, 3), None)]

    fig = score_trend(points, BANDS, title="SUP-0001 · total score")

    line = fig.qms_line
    assert list(line.get_xdata()) == [date(2025, 5, 1), date(2026, 5, 1)]
    assert list(line.get_ydata()) == [68.0, 86.2]
    assert line.get_marker() == "o"
    assert fig.axes[0].get_ylim() == (0, 100)
    assert "1 review without a total (no data) is not plotted." in texts(fig)
    assert {"68.0", "86.2"} <= set(texts(fig))


def test_band_thresholds_are_labelled_dashed_lines():
    fig = score_trend([(date(2026, 5, 1), 72.0)], BANDS)

    dashed = sorted(line.get_ydata()[0] for line in fig.axes[0].get_lines()
                    if line.get_linestyle() == "--")
    assert dashed == [50, 70, 85]
    assert {"A ≥ 85", "B ≥ 70", "C ≥ 50", "D < 50"} <= set(texts(fig))


def test_close_thresholds_keep_their_labels_apart_and_inside_the_figure():
    fig = score_trend([(date(2026, 5, 1), 72.0)], [("A", 90), ("B", 88), ("C", 87), ("D", 0)],
                      title="Close bands")
    renderer = drawn(fig)

    labels = [t for t in fig.axes[0].texts if "≥" in t.get_text()]
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.y0)
    for lower, upper in itertools.pairwise(boxes):
        assert lower.y1 <= upper.y0 + 0.5
    assert inside_figure(fig, boxes)


def test_trend_without_scored_reviews_says_so():
    fig = score_trend([(date(2026, 5, 1), None)], BANDS)

    assert len(fig.qms_line.get_xdata()) == 0
    assert "No scored review yet (no data)" in texts(fig)


# --- scorecard ----------------------------------------------------------------------------------

def test_scorecard_has_one_bar_per_scored_criterion_in_order():
    fig = scorecard(ROWS, 81.2, "B")

    bars = fig.qms_bars.patches
    assert [bar.get_width() for bar in bars] == [92.5, 75.0, 100.0, 40.0]
    centres = [bar.get_y() + bar.get_height() / 2 for bar in bars]
    assert centres == [0, 1, 3, 4]  # row 2 (not scored) has no bar
    ax = fig.axes[0]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert labels[0] == "Quality (35\u00a0%)"
    assert labels[2].startswith("Responsiveness /")
    assert ax.get_ylim()[0] > ax.get_ylim()[1]  # first criterion on top


def test_unscored_criterion_says_so_in_words_at_its_row():
    fig = scorecard(ROWS, 81.2, "B")

    (note,) = [t for t in fig.axes[0].texts if t.get_text() == NOT_SCORED]
    assert note.get_position()[1] == 2


def test_total_is_a_vertical_line_and_in_the_title_with_the_band():
    fig = scorecard(ROWS, 81.25, "B", "Responsiveness / communication not scored; the other "
                                      "weights were re-normalised to 100 %.")

    (total,) = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert list(total.get_xdata()) == [81.25, 81.25]
    assert "Total 81.3 · band B" in texts(fig)  # 81.25, halves up
    assert any("re-normalised" in text for text in texts(fig))


def test_without_a_total_there_is_no_line_and_the_title_says_no_data():
    fig = scorecard([("Quality", 100.0, None)], None, None)

    assert len(fig.qms_bars.patches) == 0
    assert not [line for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert "Total: no data (no criterion scored)" in texts(fig)


@pytest.mark.parametrize("size", [(5.2, 2.6), (8.0, 4.0), (4.0, 2.2)])
def test_scorecard_fits_the_review_editor_and_keeps_its_margins_when_resized(size):
    note = "Responsiveness / communication not scored; the other weights were re-normalised."
    fig = scorecard(ROWS, 81.2, "B", note)
    assert tuple(fig.get_size_inches() * fig.dpi) == pytest.approx((520, 260), abs=25)
    fig.set_size_inches(*size)  # what a GUI canvas does when its widget is resized
    renderer = drawn(fig)

    ax = fig.axes[0]
    boxes = [ax.get_tightbbox(renderer), *(t.get_window_extent(renderer) for t in fig.texts)]
    assert inside_figure(fig, boxes)
    plot = ax.get_window_extent(renderer)
    assert plot.width > fig.bbox.width * 0.4 and plot.height > fig.bbox.height * 0.3


def test_building_supplier_charts_never_touches_pyplot(tmp_path):
    script = textwrap.dedent("""
        import io, sys
        from datetime import date
        import qmsdesk.reports.charts_suppliers as charts
        assert "matplotlib" not in sys.modules, "importing charts must stay cheap"
        figures = [charts.scorecard([("Quality", 60.0, 80.0), ("Price", 40.0, None)], 80.0, "B"),
                   charts.score_trend([(date(2026, 2, 1), 80.0)], [("A", 85), ("B", 0)]),
                   charts.suppliers_by_band({"A": 2, "no data": 1}, ["A", "B"])]
        for fig in figures:
            fig.savefig(io.BytesIO(), format="png", dpi=50)
        assert "matplotlib.pyplot" not in sys.modules
        print("ok")
    """)
    env = {**os.environ, "QMSDESK_DATA_DIR": str(tmp_path), "MPLBACKEND": "agg"}

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
