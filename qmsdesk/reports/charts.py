"""Chart builders: plain data in, a matplotlib Figure out (never pyplot), shared by GUI and PDF."""

from __future__ import annotations

import math
import textwrap
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from qmsdesk.reports.font_stack import FAMILIES, chart_families
from qmsdesk.services.dates import chart_span, shifted
from qmsdesk.services.numbers import format_number
from qmsdesk.services.parties import rules

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# DejaVu Sans first, then the faces matplotlib falls back to glyph by glyph (font_stack).
FONT_FAMILY: list[str] = list(FAMILIES)
RGBA = tuple[float, float, float, float]

# Opaque colours (no alpha blending, which prints unevenly); the marker shape carries
# the quadrant in greyscale, the colour only adds to it.
QUADRANT_STYLE: dict[str, tuple[str, RGBA, RGBA]] = {
    # quadrant: (marker, point colour, shading)
    rules.MANAGE_CLOSELY: ("o", (0.72, 0.16, 0.13, 1.0), (0.98, 0.90, 0.88, 1.0)),
    rules.KEEP_SATISFIED: ("s", (0.70, 0.42, 0.02, 1.0), (0.99, 0.95, 0.85, 1.0)),
    rules.KEEP_INFORMED: ("^", (0.10, 0.36, 0.66, 1.0), (0.89, 0.93, 0.98, 1.0)),
    rules.MONITOR: ("D", (0.33, 0.37, 0.42, 1.0), (0.94, 0.95, 0.96, 1.0)),
}
INK: RGBA = (0.12, 0.16, 0.20, 1.0)
GRID: RGBA = (0.80, 0.82, 0.85, 1.0)
EDGE: RGBA = (1.0, 1.0, 1.0, 1.0)
MARKER_PT = 6.0  # marker diameter, shrunk only when a cell is crowded
CELL_ROWS = 7  # points in one column of a cell before a second column opens
CELL_SPAN = 0.9  # data units of a cell (1 x 1) the list of points may use
ROW_STEP = 0.17
LABEL_PT = (6.0, 5.0)  # ref label size with one / two columns in the cell
LABEL_MIN_PT = 5.0  # a crowded cell never shrinks a label below this (it stays legible)
LOW, HIGH = 0.5, 5.5
BAND = 0.42  # the strips above and below the grid that carry the quadrant names
# A cell holding more parties than this shows them as a block of small dots under a count:
# one label per party would no longer fit (and thousands of labels take minutes to draw).
CELL_CAPACITY = 2 * CELL_ROWS
COUNT_PT = 11.0


@dataclass(frozen=True)
class GridPoint:
    """One interested party on the power/interest grid."""

    ref: str
    name: str
    influence: int
    interest: int

    @property
    def quadrant(self) -> str:
        return rules.quadrant(self.influence, self.interest)


def _new_figure(width_in: float, height_in: float) -> Figure:
    from qmsdesk.paths import configure_matplotlib_cache

    configure_matplotlib_cache()
    chart_families()
    from matplotlib.figure import Figure

    return Figure(figsize=(width_in, height_in), dpi=100, facecolor="white")


def _keep_handle(fig: Figure, name: str, artist: object) -> None:
    """Keep a plotted artist on its figure as ``fig.qms_<name>``: tests and the UI read
    what was drawn back from it."""
    setattr(fig, f"qms_{name}", artist)


def _columns(count: int) -> int:
    return 1 if count <= CELL_ROWS else 2


def _row_step(count: int) -> float:
    return min(ROW_STEP, CELL_SPAN / max(1, math.ceil(count / _columns(count))))


def cell_offsets(count: int) -> list[tuple[float, float]]:
    """Deterministic offsets from a cell's centre for ``count`` points that must not overlap.

    The points of one cell form a small list around the centre, each with its label to
    the right: one column of up to seven, then two columns filled top to bottom with
    rows packed tighter (the markers shrink to match, see ``power_interest_grid``).
    """
    if count <= 0:
        return []
    columns = _columns(count)
    rows = math.ceil(count / columns)
    step = _row_step(count)
    first_x, col_width = (-0.24, 0.0) if columns == 1 else (-0.40, 0.45)
    top = step * (rows - 1) / 2
    return [(first_x + (k // rows) * col_width, top - (k % rows) * step)
            for k in range(count)]


def crowded_offsets(count: int) -> list[tuple[float, float]]:
    """Offsets of ``count`` dots filling a crowded cell as a square block, row by row."""
    side = math.ceil(math.sqrt(count))
    step = CELL_SPAN / side
    first = -step * (side - 1) / 2
    return [(first + (k % side) * step, -first - (k // side) * step) for k in range(count)]


def _cells(points: Sequence[GridPoint]) -> dict[tuple[int, int], list[int]]:
    """The indices of the points in each cell, keyed by (interest, influence)."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, point in enumerate(points):
        cells[(point.interest, point.influence)].append(index)
    return cells


def grid_positions(points: Sequence[GridPoint]) -> list[tuple[float, float]]:
    """(x = interest, y = influence) for each point, spread within its cell, in input order."""
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(points)
    for (x, y), indices in _cells(points).items():
        spread = (cell_offsets if len(indices) <= CELL_CAPACITY else crowded_offsets)
        for index, (dx, dy) in zip(indices, spread(len(indices)), strict=True):
            positions[index] = (x + dx, y + dy)
    return positions


def _marker_path(marker: str):  # noqa: ANN202 - matplotlib Path, imported lazily
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


def _shade_quadrants(ax: Axes) -> None:
    from matplotlib.patches import Rectangle

    split = rules.HIGH_FROM - 0.5
    spans = {  # quadrant: (x0, x1, y0, y1) including the label strip
        rules.MANAGE_CLOSELY: (split, HIGH, split, HIGH + BAND),
        rules.KEEP_SATISFIED: (LOW, split, split, HIGH + BAND),
        rules.KEEP_INFORMED: (split, HIGH, LOW - BAND, split),
        rules.MONITOR: (LOW, split, LOW - BAND, split),
    }
    for name, (x0, x1, y0, y1) in spans.items():
        marker, colour, shade = QUADRANT_STYLE[name]
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=shade, edgecolor="none",
                               zorder=0))
        label_y = HIGH + BAND / 2 if y1 > HIGH else LOW - BAND / 2
        ax.plot([x0 + 0.17], [label_y], linestyle="none", marker=marker, markersize=5.5,
                markerfacecolor=colour, markeredgecolor=EDGE, markeredgewidth=0.6, zorder=3)
        ax.text(x0 + 0.32, label_y, name, ha="left", va="center", fontsize=8,
                fontweight="bold", color=INK, fontfamily=FONT_FAMILY, zorder=3)
    for value in (1.5, 3.5, 4.5):
        ax.axvline(value, color=GRID, linewidth=0.5, zorder=1)
        ax.axhline(value, color=GRID, linewidth=0.5, zorder=1, xmin=0, xmax=1)
    ax.axvline(split, color=INK, linewidth=1.2, zorder=2)
    ax.axhline(split, color=INK, linewidth=1.2, zorder=2)
    for y in (LOW, HIGH):
        ax.axhline(y, color=INK, linewidth=0.6, zorder=2)


def _point_sizes(points: Sequence[GridPoint], row_pt: float) -> list[tuple[float, float]]:
    """(marker diameter, label size) in points per point; crowded cells get smaller ones."""
    counts = Counter((point.interest, point.influence) for point in points)
    sizes = []
    for point in points:
        count = counts[(point.interest, point.influence)]
        if count > CELL_CAPACITY:  # a block of dots, no labels
            pitch = CELL_SPAN / math.ceil(math.sqrt(count)) * row_pt
            sizes.append((max(0.8, min(MARKER_PT, 0.8 * pitch)), 0.0))
            continue
        pitch = _row_step(count) * row_pt  # distance between rows, in points
        sizes.append((min(MARKER_PT, 0.8 * pitch),
                      max(LABEL_MIN_PT, min(LABEL_PT[_columns(count) - 1], pitch / 1.25))))
    return sizes


def _label_points(ax: Axes, points: Sequence[GridPoint],
                  positions: Sequence[tuple[float, float]],
                  sizes: Sequence[tuple[float, float]]) -> None:
    for point, (x, y), (marker, label) in zip(points, positions, sizes, strict=True):
        if not label:  # in a crowded cell: counted, not named
            continue
        ax.annotate(point.ref, (x, y), xytext=(marker / 2 + 1.4, 0),
                    textcoords="offset points", ha="left", va="center_baseline",
                    fontsize=label, color=INK, fontfamily=FONT_FAMILY, zorder=5)


def _count_crowded_cells(ax: Axes, points: Sequence[GridPoint]) -> None:
    """The number of parties over each crowded cell's block of dots."""
    for (x, y), indices in sorted(_cells(points).items()):
        if len(indices) > CELL_CAPACITY:
            ax.text(x, y, f"{len(indices):,}", ha="center", va="center", fontsize=COUNT_PT,
                    fontweight="bold", color=INK, fontfamily=FONT_FAMILY, zorder=6,
                    bbox={"boxstyle": "round,pad=0.25", "facecolor": "white",
                          "edgecolor": GRID, "linewidth": 0.6})


def power_interest_grid(points: Sequence[GridPoint], width_in: float = 4.4,
                        height_in: float = 4.6) -> Figure:
    """The power/interest grid (ISO 9001 4.2 relevance): interest across, influence up.

    A cell lists its parties by ref while they fit (up to CELL_CAPACITY); a fuller cell
    shows them as a block of small dots under their count, so the figure's cost grows
    with the cells, not with one label per party.

    The scatter artist is ``fig.qms_scatter``; its offsets follow ``points`` in order and
    it is pickable, so a click maps back to ``points[index]``.
    """
    fig = _new_figure(width_in, height_in)
    left, right, bottom, top = 0.12, 0.97, 0.11, 0.97
    fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
    ax = fig.add_subplot()
    _shade_quadrants(ax)
    positions = grid_positions(points)
    quadrants = [point.quadrant for point in points]
    row_pt = height_in * 72 * (top - bottom) / (HIGH - LOW + 2 * BAND)
    sizes = _point_sizes(points, row_pt)
    scatter = ax.scatter([x for x, _ in positions], [y for _, y in positions],
                         s=[marker ** 2 for marker, _ in sizes],
                         c=[QUADRANT_STYLE[q][1] for q in quadrants],
                         edgecolors=[EDGE],  # none round the dots of a crowded cell
                         linewidths=[0.7 if label else 0.0 for _, label in sizes] or 0.7,
                         zorder=4, picker=True,
                         pickradius=6)
    if points:
        shapes = {q: _marker_path(style[0]) for q, style in QUADRANT_STYLE.items()}
        scatter.set_paths([shapes[q] for q in quadrants])
    else:
        ax.text(3.0, 3.0, "No active interested parties", ha="center", va="center",
                fontsize=9, color=INK, fontfamily=FONT_FAMILY, zorder=5)
    _label_points(ax, points, positions, sizes)
    _count_crowded_cells(ax, points)
    ax.set_xlim(LOW, HIGH)
    ax.set_ylim(LOW - BAND, HIGH + BAND)
    ticks = list(rules.SCALE)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.tick_params(labelsize=8, length=2.5, colors=INK)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(FONT_FAMILY)
    ax.set_xlabel("Interest (1 = low, 5 = high)", fontsize=8.5, color=INK,
                  fontfamily=FONT_FAMILY)
    ax.set_ylabel("Influence (1 = low, 5 = high)", fontsize=8.5, color=INK,
                  fontfamily=FONT_FAMILY)
    for spine in ax.spines.values():
        spine.set_color(INK)
        spine.set_linewidth(0.6)
    ax.set_axisbelow(False)
    _keep_handle(fig, "scatter", scatter)
    return fig


# --- objective trend ----------------------------------------------------------------------

# Series differ by line style and marker first (greyscale print), colour second.
MEASURED_COLOUR: RGBA = (0.10, 0.36, 0.66, 1.0)
TARGET_COLOUR: RGBA = (0.12, 0.45, 0.22, 1.0)
BAND_FILL: RGBA = (0.87, 0.94, 0.88, 1.0)
BASELINE_COLOUR: RGBA = (0.33, 0.37, 0.42, 1.0)
PLAN_COLOUR: RGBA = (0.45, 0.47, 0.50, 1.0)
TREND_MARGINS_IN = (0.68, 0.18, 0.42, 0.30)  # left, right, bottom, top (legend row)
TITLE_ROW_IN = 0.24
NO_MEASUREMENTS = "No measurements yet"


def _value_limits(values: Sequence[float]) -> tuple[float, float]:
    """y limits that show every value with some air above and below."""
    low, high = min(values), max(values)
    span = high - low or abs(high) * 0.1 or 1.0
    return low - 0.14 * span, high + 0.14 * span


def _date_limits(start: date, due: date, dates: Sequence[date]) -> tuple[date, date]:
    first, last = chart_span(min([start, *dates]), max([due, *dates]))
    if last <= first:
        last = shifted(first, 30)
    pad = max(1, round((last - first).days * 0.025))
    return shifted(first, -pad), shifted(last, pad)


def _fit_title(title: str, width_in: float) -> str:
    """The title cut with an ellipsis to one line of the figure (9 pt bold, ~0.62 em a char)."""
    room = int(width_in * 72 / (9 * 0.62))
    return title if len(title) <= room else title[:room - 1].rstrip() + "…"


TITLE_LINES = 4  # a longer title (a 200-character KPI name) ends with "…" on the fourth


def title_lines(title: str, width_in: float) -> list[str]:
    """The title wrapped to the figure's width (9 pt bold; 0.72 em a character allows for
    capitals), whole."""
    room = max(10, int(width_in * 72 / (9 * 0.72)))
    lines = textwrap.wrap(title, room, break_on_hyphens=False) or [""]
    if len(lines) > TITLE_LINES:
        lines = [*lines[:TITLE_LINES - 1], lines[TITLE_LINES - 1][:room - 1].rstrip() + "…"]
    return lines


def _trend_axes(fig: Figure, lines: Sequence[str], width_in: float,
                height_in: float) -> Axes:
    left, right, bottom, top = TREND_MARGINS_IN
    if lines:
        top += TITLE_ROW_IN * len(lines)
        fig.text(left / width_in, 1 - 0.06 / height_in, "\n".join(lines), ha="left",
                 va="top", fontsize=9, fontweight="bold", color=INK, fontfamily=FONT_FAMILY,
                 linespacing=1.25)
    fig.subplots_adjust(left=left / width_in, right=1 - right / width_in,
                        bottom=bottom / height_in, top=1 - top / height_in)
    return fig.add_subplot()


def _style_trend_axes(ax: Axes, unit: str) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.ticker import FuncFormatter

    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.tick_params(labelsize=7.5, length=2.5, colors=INK)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(FONT_FAMILY)
    ax.xaxis.get_offset_text().set_fontsize(7.5)
    # Tick values as the report prints numbers: grouped, never "1e6" above the axis.
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))
    ax.set_ylabel(unit or "Value", fontsize=8, color=INK, fontfamily=FONT_FAMILY)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    for name, spine in ax.spines.items():
        spine.set_color(INK)
        spine.set_linewidth(0.6)
        spine.set_visible(name in ("left", "bottom"))


def objective_trend(points: Sequence[tuple[date, float]], baseline: float, target: float,
                    target_max: float | None, direction: str, start: date, due: date,
                    unit: str, title: str = "", width_in: float = 6.0,
                    height_in: float = 2.6) -> Figure:
    """An objective's measured values against its target, baseline and planned path (6.2, 9.1).

    Measured: solid line with round markers; target: dashed line (a band: shaded between
    target and target_max, dashed edges); baseline: dotted; plan: thin dash-dot from the
    baseline on ``start`` to the target on ``due``. Cheap enough to rebuild on each
    keystroke (no tight_layout). The measured line is ``fig.qms_measured``, its data the
    points sorted by date.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from qmsdesk.services.objectives import rules as objective

    left, right = TREND_MARGINS_IN[0], TREND_MARGINS_IN[1]
    lines = title_lines(title, width_in - left - right) if title else []
    height_in += TITLE_ROW_IN * max(0, len(lines) - 1)  # the plot keeps its height
    fig = _new_figure(width_in, height_in)
    ax = _trend_axes(fig, lines, width_in, height_in)
    ordered = sorted(points, key=lambda point: point[0])
    dates = [on for on, _ in ordered]
    values = [float(value) for _, value in ordered]
    band = direction == "band" and target_max is not None
    goal = objective.Target(direction if direction in objective.DIRECTIONS else "increase",
                            baseline, target, target_max if band else None)
    plan_end = objective.expected_value(goal, start, due, due)
    # Dates go through matplotlib's unit converters; its stubs take numbers only
    # (matplotlib#25676), hence the ignores on the date axis below.
    plan = ax.plot([start, max(due, start)], [baseline, plan_end],  # type: ignore[arg-type]
                   linestyle="-.", linewidth=0.9, color=PLAN_COLOUR, zorder=2)[0]
    base = ax.axhline(baseline, linestyle=":", linewidth=1.3, color=BASELINE_COLOUR, zorder=2)
    edges = [target, target_max] if band and target_max is not None else [target]
    target_lines = [ax.axhline(edge, linestyle="--", linewidth=1.2, color=TARGET_COLOUR,
                               zorder=3) for edge in edges]
    target_handle: Artist | tuple[Artist, ...] = target_lines[-1]
    if band and target_max is not None:
        ax.axhspan(target, target_max, facecolor=BAND_FILL, edgecolor="none", zorder=1)
        target_handle = (Patch(facecolor=BAND_FILL, edgecolor="none"), target_lines[-1])
    measured = ax.plot(dates, values,  # type: ignore[arg-type]
                       linestyle="-", linewidth=1.6, marker="o", markersize=4.5,
                       color=MEASURED_COLOUR, markeredgecolor=EDGE, markeredgewidth=0.6,
                       zorder=5)[0]
    ax.set_xlim(*_date_limits(start, due, dates))  # type: ignore[arg-type]
    ax.set_ylim(*_value_limits([baseline, target, *edges, plan_end, *values]))
    if not ordered:
        ax.text(0.5, 0.5, NO_MEASUREMENTS, transform=ax.transAxes, ha="center", va="center",
                fontsize=8.5, color=INK, fontfamily=FONT_FAMILY, zorder=6,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": EDGE, "edgecolor": GRID})
    _style_trend_axes(ax, unit)
    legend_measured = Line2D([], [], linestyle="-", linewidth=1.6, marker="o",
                             markersize=4.5, color=MEASURED_COLOUR, markeredgecolor=EDGE)
    # Above the plot area, right-aligned: it never covers a value.
    ax.legend([legend_measured, target_handle, base, plan],
              ["Measured", "Target band" if band else "Target", "Baseline", "Plan"],
              loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=4, frameon=False,
              handlelength=2.6, columnspacing=1.2, borderaxespad=0.15,
              prop={"family": FONT_FAMILY, "size": 7})
    _keep_handle(fig, "measured", measured)
    return fig
