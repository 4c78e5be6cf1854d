"""The risk heat map: counts per cell, levels from the matrix, readable in grey; never pyplot."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from qmsdesk.reports.charts_risks import LEVEL_STYLE, NOTHING, NOTHING_RESIDUAL, heat_map
from qmsdesk.services.risks import rules
from qmsdesk.services.risks.records import RiskRow

ROOT = Path(__file__).resolve().parents[2]


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


CELLS = [(likelihood, impact) for likelihood in rules.SCALE for impact in rules.SCALE]


def counts(fig) -> dict[tuple[int, int], str]:
    return {cell: text.get_text() for text, cell in zip(fig.qms_counts, CELLS, strict=True)}


def test_each_cell_prints_its_count_where_likelihood_is_up_and_impact_across():
    fig = heat_map({(5, 4): 3, (2, 2): 1, (1, 5): 1234}, rules.DEFAULT_MATRIX, "Risks")

    printed = counts(fig)
    assert printed[(5, 4)] == "3" and printed[(2, 2)] == "1" and printed[(1, 5)] == "1,234"
    assert sum(1 for text in printed.values() if text) == 3  # an empty cell stays empty
    text = fig.qms_counts[CELLS.index((5, 4))]
    assert text.get_position() == (4, 5 - 0.04)  # x = impact, y = likelihood
    patch = fig.qms_cells[(5, 4)]
    assert (patch.get_x(), patch.get_y()) == (3.5, 4.5) and patch.get_gid() == "5,4"
    assert "Risks" in texts(fig)


def test_cells_take_the_level_of_the_organisations_matrix():
    stricter = tuple(tuple("high" if level == "medium" else level for level in row)
                     for row in rules.DEFAULT_MATRIX)
    default, strict = (heat_map({}, matrix, "") for matrix in (rules.DEFAULT_MATRIX, stricter))

    assert default.qms_cells[(3, 3)].get_hatch() == LEVEL_STYLE["medium"][1]
    assert strict.qms_cells[(3, 3)].get_hatch() == LEVEL_STYLE["high"][1]
    assert tuple(strict.qms_cells[(3, 3)].get_facecolor()) == LEVEL_STYLE["high"][0]
    assert default.qms_cells[(1, 1)].get_hatch() in ("", None)


def test_levels_read_without_colour_by_hatch_and_letter():
    fills = {style[0] for style in LEVEL_STYLE.values()}
    hatches = {style[1] for style in LEVEL_STYLE.values()}
    letters = {style[2] for style in LEVEL_STYLE.values()}
    assert len(fills) == len(hatches) == len(letters) == len(rules.LEVELS)
    greys = sorted(0.299 * r + 0.587 * g + 0.114 * b for r, g, b, _ in fills)
    assert all(alpha == 1.0 for *_, alpha in fills)  # opaque: prints evenly
    assert greys[0] > 0.6  # light enough for black text in every cell

    fig = heat_map({}, rules.DEFAULT_MATRIX, "")
    letters_drawn = [t for t in texts(fig) if t in letters]
    assert len(letters_drawn) == 25
    assert letters_drawn.count("H") == sum(row.count("high") for row in rules.DEFAULT_MATRIX)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["L low", "M medium", "H high"]


def test_nothing_rated_says_so_and_residual_labels_the_axes():
    before = heat_map({}, rules.DEFAULT_MATRIX, "Before")
    after = heat_map({(9, 9): 4, (2, 0): 1}, rules.DEFAULT_MATRIX, "After", residual=True)

    assert NOTHING in texts(before) and NOTHING_RESIDUAL in texts(after)  # off-scale ignored
    assert after.axes[0].get_xlabel().startswith("Impact after treatment")
    assert after.axes[0].get_ylabel().startswith("Likelihood after treatment")
    assert before.axes[0].get_xlabel().startswith("Impact\n")


def test_the_heat_map_fits_its_figure_and_is_cheap_to_draw():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = heat_map({(5, 5): 88181, (3, 2): 7}, rules.DEFAULT_MATRIX,
                   "Risks and opportunities before treatment, a rather long title")
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    page = fig.bbox
    boxes = [t.get_window_extent(renderer) for ax in fig.axes for t in
             [*ax.texts, ax.xaxis.label, ax.yaxis.label]]
    boxes.append(fig.axes[0].get_legend().get_window_extent(renderer))
    assert all(b.x0 >= page.x0 - 0.5 and b.x1 <= page.x1 + 0.5 and b.y0 >= page.y0 - 0.5
               and b.y1 <= page.y1 + 0.5 for b in boxes)
    cell = fig.qms_cells[(5, 5)].get_window_extent(renderer)
    count = fig.qms_counts[-1].get_window_extent(renderer)
    assert count.width < cell.width  # "88,181" stays inside its cell


def test_heat_cells_count_rows_before_and_after_treatment():
    def row(ref: str, lik: int, imp: int, r_lik: int | None, r_imp: int | None) -> RiskRow:
        return RiskRow(0, ref, "risk", ref, "", lik, imp, lik * imp, "", None, "", "", None,
                       "active", False, "", 0, "", r_lik, r_imp)

    rows = [row("A", 4, 4, 2, 3), row("B", 4, 4, None, None), row("C", 1, 2, 1, 1)]
    assert rules.heat_cells(rows) == {(4, 4): 2, (1, 2): 1}
    assert rules.heat_cells(rows, residual=True) == {(2, 3): 1, (1, 1): 1}


def test_building_a_heat_map_never_touches_pyplot(tmp_path):
    script = textwrap.dedent("""
        import io, sys
        import qmsdesk.reports.charts_risks as charts
        from qmsdesk.services.risks.rules import DEFAULT_MATRIX
        assert "matplotlib" not in sys.modules, "importing charts must stay cheap"
        charts.heat_map({(2, 3): 1}, DEFAULT_MATRIX, "R").savefig(io.BytesIO(), format="png",
                                                                  dpi=50)
        assert "matplotlib.pyplot" not in sys.modules
        print("ok")
    """)
    env = {**os.environ, "QMSDESK_DATA_DIR": str(tmp_path), "MPLBACKEND": "agg"}

    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
