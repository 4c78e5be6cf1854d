"""Risk chart builders (ISO 9001 6.1): plain data in, a matplotlib Figure out (never pyplot).

The heat map is the same figure on screen and in the PDF. Each cell's level (low, medium,
high) is carried three ways: its fill colour, a hatch and a letter in the corner, so the
map reads in greyscale print and for colour-blind readers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qmsdesk.reports.charts import EDGE, FONT_FAMILY, INK, RGBA, _keep_handle, _new_figure
from qmsdesk.services.numbers import format_count
from qmsdesk.services.risks import rules

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

# level: (fill, hatch, letter). Opaque, light enough for black text; the hatch differs in
# kind (none, dots, diagonals) so the levels stay apart once printed in grey.
LEVEL_STYLE: dict[str, tuple[RGBA, str, str]] = {
    "low": ((0.78, 0.90, 0.76, 1.0), "", "L"),
    "medium": ((0.99, 0.86, 0.55, 1.0), "...", "M"),
    "high": ((0.95, 0.62, 0.58, 1.0), "///", "H"),
}
HATCH_INK: RGBA = (0.42, 0.42, 0.42, 1.0)
HATCH_WIDTH = 0.6  # points: visible in grey, light enough to read a count over
SCALE = tuple(rules.SCALE)
# Inches round the grid: left (likelihood label and ticks), right, bottom (impact label,
# legend), top (title).
MARGINS_IN = (0.70, 0.12, 0.86, 0.34)
NOTHING = "Nothing rated yet"
NOTHING_RESIDUAL = "Nothing rated after treatment yet"


def level_style(level: str) -> tuple[RGBA, str, str]:
    """(fill, hatch, letter) of a level; an unknown level is drawn as the highest."""
    return LEVEL_STYLE.get(level, LEVEL_STYLE[rules.LEVELS[-1]])


def _count_size(count: int) -> float:
    """The count's font size: large, smaller for numbers that would overflow the cell."""
    digits = len(format_count(count))
    return 12.0 if digits <= 2 else 10.0 if digits <= 4 else 7.5


def _draw_cells(ax: Axes, cells: Mapping[tuple[int, int], int],
                matrix: rules.Matrix) -> tuple[dict[tuple[int, int], Rectangle], list[Text]]:
    from matplotlib.patches import Rectangle

    patches: dict[tuple[int, int], Rectangle] = {}
    counts: list[Text] = []
    for likelihood in SCALE:
        for impact in SCALE:
            level = rules.rating(likelihood, impact, matrix)
            fill, hatch, letter = level_style(level)
            patch = Rectangle((impact - 0.5, likelihood - 0.5), 1, 1, facecolor=fill,
                              edgecolor=HATCH_INK, hatch=hatch, linewidth=0, zorder=1,
                              picker=True, gid=f"{likelihood},{impact}")
            patch.set_hatch_linewidth(HATCH_WIDTH)
            ax.add_patch(patch)
            # A white outline round each cell, drawn on its own so the hatch keeps its ink.
            ax.add_patch(Rectangle((impact - 0.5, likelihood - 0.5), 1, 1, facecolor="none",
                                   edgecolor=EDGE, linewidth=1.6, zorder=2))
            patches[(likelihood, impact)] = patch
            ax.text(impact - 0.44, likelihood + 0.44, letter, ha="left", va="top",
                    fontsize=6.5, fontweight="bold", color=INK, fontfamily=FONT_FAMILY,
                    zorder=3, bbox={"boxstyle": "square,pad=0.08", "facecolor": fill,
                                    "edgecolor": "none"})
            # An empty cell stays empty: the counts stand out, the letter still reads.
            count = cells.get((likelihood, impact), 0)
            counts.append(ax.text(
                impact, likelihood - 0.04, format_count(count) if count else "",
                ha="center", va="center", fontsize=_count_size(count), fontweight="bold",
                color=INK, fontfamily=FONT_FAMILY, zorder=4,
                bbox={"boxstyle": "round,pad=0.18", "facecolor": EDGE, "edgecolor": "none"}
                if count else None))
    return patches, counts


def _legend(ax: Axes) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=fill, edgecolor=HATCH_INK, hatch=hatch, linewidth=0.5)
               for fill, hatch, _letter in (level_style(level) for level in rules.LEVELS)]
    names = [f"{level_style(level)[2]} {level}" for level in rules.LEVELS]
    ax.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=3,
              frameon=False, handlelength=1.6, handleheight=1.1, columnspacing=1.0,
              borderaxespad=0.0, prop={"family": FONT_FAMILY, "size": 7})


def heat_map(cells: Mapping[tuple[int, int], int], matrix: rules.Matrix, title: str,
             residual: bool = False, width_in: float = 3.3,
             height_in: float = 3.5) -> Figure:
    """Counts of risks (or opportunities) per cell of the rating matrix (ISO 9001 6.1).

    ``cells`` maps (likelihood, impact) to a count; impact runs across, likelihood up, and
    each cell is coloured, hatched and lettered by the level ``matrix`` gives it. Cells
    outside the 1-5 scale are ignored. ``residual`` labels the axes as rated after
    treatment. The cell patches are ``fig.qms_cells`` ((likelihood, impact) -> Rectangle,
    pickable, gid "likelihood,impact"), the printed counts ``fig.qms_counts`` (likelihood
    1 first, impact 1 first).
    """
    from qmsdesk.reports.charts_suppliers import _place_axes, _title

    fig = _new_figure(width_in, height_in)
    ax = _place_axes(fig, MARGINS_IN)
    inside = {key: count for key, count in cells.items()
              if key[0] in SCALE and key[1] in SCALE and count > 0}
    patches, counts = _draw_cells(ax, inside, matrix)
    _title(fig, title, MARGINS_IN[0] - 0.5, width_in - MARGINS_IN[0] + 0.4)
    if not inside:
        ax.text(3.0, 3.0, NOTHING_RESIDUAL if residual else NOTHING, ha="center",
                va="center", fontsize=8, color=INK, fontfamily=FONT_FAMILY, zorder=5,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": EDGE, "edgecolor": INK,
                      "linewidth": 0.5})
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_aspect("equal", adjustable="box", anchor="C")
    ax.set_xticks(SCALE)
    ax.set_yticks(SCALE)
    ax.tick_params(labelsize=7.5, length=0, colors=INK, pad=3)
    for tick in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        tick.set_fontfamily(FONT_FAMILY)
    after = " after treatment" if residual else ""
    ax.set_xlabel(f"Impact{after}\n1 = minor, 5 = severe", fontsize=7.5, color=INK,
                  fontfamily=FONT_FAMILY, labelpad=2, linespacing=1.3)
    ax.set_ylabel(f"Likelihood{after}\n1 = rare, 5 = almost certain", fontsize=7.5,
                  color=INK, fontfamily=FONT_FAMILY, labelpad=3, linespacing=1.3)
    for spine in ax.spines.values():
        spine.set_visible(False)
    _legend(ax)
    _keep_handle(fig, "cells", patches)
    _keep_handle(fig, "counts", counts)
    return fig
