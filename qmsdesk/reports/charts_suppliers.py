"""Supplier chart builders (ISO 9001 8.4): plain data in, a matplotlib Figure out (never pyplot)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from qmsdesk import clock
from qmsdesk.reports.charts import (
    EDGE,
    FONT_FAMILY,
    GRID,
    INK,
    MEASURED_COLOUR,
    RGBA,
    _fit_title,
    _keep_handle,
    _new_figure,
    _style_trend_axes,
)
from qmsdesk.services.dates import chart_span, shifted
from qmsdesk.services.numbers import format_number
from qmsdesk.services.suppliers.rules import NO_DATA, format_total

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MUTED: RGBA = (0.33, 0.37, 0.42, 1.0)
THRESHOLD: RGBA = (0.40, 0.42, 0.45, 1.0)
# Best band first. Opaque colours; the hatch tells the bands apart in greyscale print.
BAND_STYLES: tuple[tuple[RGBA, str], ...] = (
    ((0.18, 0.49, 0.27, 1.0), ""),
    ((0.45, 0.66, 0.88, 1.0), "///"),
    ((0.95, 0.76, 0.33, 1.0), "..."),
    ((0.86, 0.42, 0.36, 1.0), "xxx"),
    ((0.62, 0.52, 0.80, 1.0), "\\\\\\"),
    ((0.50, 0.78, 0.76, 1.0), "+++"),
)
NO_DATA_STYLE: tuple[RGBA, str] = (EDGE, "")  # white, dashed outline
NO_DATA_LABEL = "No data"
NOT_SCORED = "not scored"
PERCENT = "\u00a0%"  # a no-break space: "35 %" never wraps between number and sign
TITLE_ROW_IN = 0.30
NOTE_LINE_IN = 0.14
CHAR_EM = 0.58  # average DejaVu Sans advance in em, to size margins without a renderer


def _text_in(chars: int, size_pt: float) -> float:
    """Estimated width in inches of ``chars`` characters at ``size_pt``."""
    return chars * size_pt * CHAR_EM / 72


def _place_axes(fig: Figure, margins_in: tuple[float, float, float, float]) -> Axes:
    """An axes with margins fixed in inches (left, right, bottom, top), also after a resize.

    subplots_adjust places it now; the axes locator keeps the inch margins when a GUI
    canvas resizes the figure (cheap: no tight_layout, no text measurement).
    """
    from matplotlib.transforms import Bbox

    left, right, bottom, top = margins_in

    def fractions() -> tuple[float, float, float, float]:
        width, height = fig.get_size_inches()
        x0, y0 = min(0.45, left / width), min(0.45, bottom / height)
        return x0, y0, max(x0 + 0.05, 1 - right / width), max(y0 + 0.05, 1 - top / height)

    x0, y0, x1, y1 = fractions()
    fig.subplots_adjust(left=x0, bottom=y0, right=x1, top=y1)
    ax = fig.add_subplot()
    ax.set_axes_locator(lambda _ax, _renderer: Bbox.from_extents(*fractions()))
    return ax


def _corner_text(fig: Figure, text: str, x_in: float, y_in: float, top: bool,
                 **style: Any) -> None:
    """Text anchored ``x_in`` from the left and ``y_in`` from the top (or bottom) edge."""
    from matplotlib.transforms import ScaledTranslation

    offset = ScaledTranslation(x_in, -y_in if top else y_in, fig.dpi_scale_trans)
    fig.text(0, 1 if top else 0, text, transform=fig.transFigure + offset,
             va="top" if top else "bottom", ha="left", fontfamily=FONT_FAMILY, color=INK,
             **style)


def _title(fig: Figure, title: str, left_in: float, room_in: float) -> None:
    if title:
        _corner_text(fig, _fit_title(title, room_in), left_in, 0.06, True, fontsize=9,
                     fontweight="bold")


def _note_lines(note: str, width_in: float, size_pt: float = 7.0) -> list[str]:
    if not note:
        return []
    room = max(20, int(width_in * 72 / (size_pt * CHAR_EM)))
    return textwrap.wrap(note.replace(" %", PERCENT), room)


def _style_ticks(ax: Axes, size: float = 7.5) -> None:
    ax.tick_params(labelsize=size, length=2.5, colors=INK)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(FONT_FAMILY)
    for name, spine in ax.spines.items():
        spine.set_color(INK)
        spine.set_linewidth(0.6)
        spine.set_visible(name in ("left", "bottom"))


# --- suppliers by band --------------------------------------------------------------------------

def band_style(index: int) -> tuple[RGBA, str]:
    """(fill, hatch) of the band at ``index`` (best first); cycles beyond six bands."""
    return BAND_STYLES[index % len(BAND_STYLES)]


def suppliers_by_band(counts: Mapping[str, int], bands: Sequence[str], title: str = "",
                      width_in: float = 6.0, height_in: float = 2.4) -> Figure:
    """How many suppliers stand in each band after their latest review, plus "No data".

    One bar per band in ``bands`` order (best first), then any band in ``counts`` that is no
    longer configured, then the suppliers without a scored review (``counts[NO_DATA]``).
    Each band has its own hatch, the count is printed on each bar. The bars are
    ``fig.qms_bars`` (a BarContainer) in that order; tick labels say which is which.
    """
    from matplotlib.ticker import MaxNLocator

    names = list(bands) + sorted(k for k in counts if k not in bands and k != NO_DATA)
    values = [int(counts.get(name, 0)) for name in names] + [int(counts.get(NO_DATA, 0))]
    styles = [band_style(i) for i in range(len(names))] + [NO_DATA_STYLE]
    labels = [f"Band {name}" for name in names] + [NO_DATA_LABEL]
    fig = _new_figure(width_in, height_in)
    margins = (0.55, 0.15, 0.32, 0.12 + (TITLE_ROW_IN if title else 0.0))
    ax = _place_axes(fig, margins)
    _title(fig, title, margins[0], width_in - margins[0] - margins[1])
    positions = list(range(len(values)))
    bars = ax.bar(positions, values, width=0.62, color=[s[0] for s in styles],
                  edgecolor=INK, linewidth=0.7, zorder=3)
    for patch, (_, hatch) in zip(bars.patches, styles, strict=True):
        patch.set_hatch(hatch)
    bars.patches[-1].set_linestyle((0, (3, 2)))
    ax.bar_label(bars, labels=[str(v) for v in values], padding=2, fontsize=8, color=INK,
                 fontfamily=FONT_FAMILY)
    ax.set_xticks(positions, labels)
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_ylim(0, max(1, max(values)) * 1.22)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylabel("Suppliers", fontsize=8, color=INK, fontfamily=FONT_FAMILY)
    ax.grid(axis="y", color=GRID, linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    _style_ticks(ax, 8)
    if not any(values):
        ax.text(0.5, 0.6, "No suppliers yet", transform=ax.transAxes, ha="center",
                va="center", fontsize=8.5, color=INK, fontfamily=FONT_FAMILY)
    _keep_handle(fig, "bars", bars)
    return fig


# --- score trend --------------------------------------------------------------------------------

def _band_labels(bands: Sequence[tuple[str, float]]) -> list[tuple[float, str]]:
    """(y, text) per band: "A ≥ 85" on its threshold, the floor band "D < 50" below the rest."""
    ordered = sorted(bands, key=lambda band: band[1], reverse=True)
    labels = [(float(minimum), f"{name} ≥ {format_number(minimum)}") for name, minimum in ordered
              if minimum > 0]
    floors = [name for name, minimum in ordered if minimum <= 0]
    if floors:
        lowest = labels[-1][0] if labels else 100.0
        floor = f"{floors[0]} < {format_number(lowest)}" if labels else floors[0]
        labels.append((lowest / 2, floor))
    return labels


def _spread(values: list[float], gap: float) -> list[float]:
    """Top-down, each at least ``gap`` below the previous (labels that would overlap)."""
    placed: list[float] = []
    for value in values:
        placed.append(min(value, placed[-1] - gap) if placed else value)
    return placed


def score_trend(points: Sequence[tuple[date, float | None]], bands: Sequence[tuple[str, float]],
                title: str = "", width_in: float = 6.0, height_in: float = 2.3) -> Figure:
    """A supplier's total score (0-100) over its reviews against the band thresholds.

    Totals: solid line with round markers, each labelled; thresholds: dashed lines, labelled
    in the right margin ("A ≥ 85"). A review without a total (no data) is not plotted and a
    note says so. The line is ``fig.qms_line``, its data the plotted points by date.
    """
    ordered = sorted(points, key=lambda point: point[0])
    plotted = [(on, float(total)) for on, total in ordered if total is not None]
    skipped = len(ordered) - len(plotted)
    band_labels = _band_labels(bands)
    right = max(0.45, 0.12 + _text_in(max((len(t) for _, t in band_labels), default=0), 7))
    note = ""
    if skipped:
        note = (f"{skipped} review{'s' if skipped > 1 else ''} without a total ({NO_DATA}) "
                f"{'are' if skipped > 1 else 'is'} not plotted.")
    fig = _new_figure(width_in, height_in)
    margins = (0.55, right, 0.42 + (NOTE_LINE_IN + 0.02 if note else 0.0),
               0.12 + (TITLE_ROW_IN if title else 0.0))
    ax = _place_axes(fig, margins)
    _title(fig, title, margins[0], width_in - margins[0] - margins[1])
    if note:
        _corner_text(fig, note, margins[0], 0.05, False, fontsize=7, style="italic")
    for _, minimum in bands:
        if 0 < minimum < 100:
            ax.axhline(minimum, linestyle="--", linewidth=0.9, color=THRESHOLD, zorder=2)
    axes_pt = (height_in - margins[2] - margins[3]) * 72
    spread = _spread([y for y, _ in band_labels], gap=8.5 * 100 / max(axes_pt, 1))
    for y, (_, text) in zip(spread, band_labels, strict=True):
        ax.annotate(text, (1, y), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=7,
                    color=INK, fontfamily=FONT_FAMILY, annotation_clip=False)
    dates = [on for on, _ in plotted]
    totals = [total for _, total in plotted]
    # Dates go through matplotlib's unit converters; its stubs take numbers only
    # (matplotlib#25676).
    line = ax.plot(dates, totals,  # type: ignore[arg-type]
                   linestyle="-", linewidth=1.6, marker="o", markersize=4.5,
                   color=MEASURED_COLOUR, markeredgecolor=EDGE, markeredgewidth=0.6,
                   zorder=5)[0]
    if len(plotted) <= 12:
        for on, total in plotted:
            ax.annotate(format_total(total), (on, total), xytext=(0, -10 if total > 90 else 8),
                        textcoords="offset points", ha="center", va="center", fontsize=6.5,
                        color=INK, fontfamily=FONT_FAMILY, zorder=6,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": EDGE,
                              "edgecolor": "none"})
    reviewed = [on for on, _ in ordered]  # skipped reviews still set the time span
    first, last = chart_span(min(reviewed, default=clock.today()),
                             max(reviewed, default=clock.today()))
    pad = max(60, round((last - first).days * 0.06))
    ax.set_xlim(shifted(first, -pad), shifted(last, pad))  # type: ignore[arg-type]  # dates
    ax.set_ylim(0, 100)
    ax.set_yticks([0, 25, 50, 75, 100])
    _style_trend_axes(ax, "Total score")
    ax.spines["right"].set_visible(False)
    if not plotted:
        ax.text(0.5, 0.5, f"No scored review yet ({NO_DATA})", transform=ax.transAxes,
                ha="center", va="center", fontsize=8.5, color=INK, fontfamily=FONT_FAMILY,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": EDGE, "edgecolor": GRID})
    _keep_handle(fig, "line", line)
    return fig


# --- scorecard ----------------------------------------------------------------------------------

def criterion_label(criterion: str, weight: float, width: int = 24) -> str:
    """ "Quality (35 %)", wrapped to lines of about ``width`` characters."""
    return textwrap.fill(f"{criterion} ({format_number(weight, max_decimals=2)}{PERCENT})", width)


def score_text(score: float) -> str:
    """A criterion score as printed: 92.5, 75, 100 (one decimal at most, halves up)."""
    return format_number(score, max_decimals=1)


def scorecard(rows: Sequence[tuple[str, float, float | None]], total: float | None,
              band: str | None, note: str = "", title: str = "", width_in: float = 5.2,
              height_in: float | None = None) -> Figure:
    """A review's scorecard: one bar per criterion (score 0-100), the total as a dashed line.

    ``rows`` are (criterion, weight %, score or None) in the review's order, top to bottom;
    an unscored criterion shows the words "not scored" instead of a bar. The title gives the
    total and band ("no data" without a total); ``note`` (the re-normalisation note) is
    printed below. The default size suits the review editor (520 x 260 px with five
    criteria); ``height_in`` None grows with the rows. Cheap enough to rebuild on each
    keystroke. The bars are ``fig.qms_bars`` (scored rows only, in order).
    """
    # Labels may take about a third of the width before they wrap (24 characters at 5.2 in).
    wrap = max(16, int(width_in * 72 * 0.29 / (7.5 * CHAR_EM)))
    labels = [criterion_label(name, weight, wrap) for name, weight, _ in rows]
    longest = max((len(line) for text in labels for line in text.splitlines()), default=8)
    lines = _note_lines(note, width_in - 0.2)
    left = min(width_in * 0.45, 0.14 + _text_in(longest, 7.5))
    margins = (left, 0.32, 0.40 + len(lines) * NOTE_LINE_IN + (0.04 if lines else 0.0),
               0.18 + TITLE_ROW_IN)
    row_in = 0.34 if any("\n" in text for text in labels) else 0.28
    if height_in is None:
        height_in = max(2.0, margins[2] + margins[3] + row_in * max(3, len(rows)))
    fig = _new_figure(width_in, height_in)
    ax = _place_axes(fig, margins)
    summary = (f"Total {format_total(total)} · band {band or NO_DATA}" if total is not None
               else f"Total: {NO_DATA} (no criterion scored)")
    _title(fig, f"{title} · {summary}" if title else summary, 0.1, width_in - 0.2)
    if lines:
        # wrap: a canvas that shrinks the figure re-wraps the note instead of clipping it.
        _corner_text(fig, "\n".join(lines), 0.1, 0.05, False, fontsize=7, style="italic",
                     linespacing=1.15, wrap=True)
    scored = [(y, score) for y, (_, _, score) in enumerate(rows) if score is not None]
    values = [min(100.0, max(0.0, float(score))) for _, score in scored]
    bars = ax.barh([y for y, _ in scored], values, height=0.58, color=MEASURED_COLOUR,
                   edgecolor=INK, linewidth=0.5, zorder=3)
    # Over the dashed total line, on white: the line passes behind a label, never through it.
    ax.bar_label(bars, labels=[score_text(v) for v in values], padding=2, fontsize=7,
                 color=INK, fontfamily=FONT_FAMILY, zorder=5,
                 bbox={"boxstyle": "square,pad=0.15", "facecolor": "white",
                       "edgecolor": "none"})
    for y, (_, _, score) in enumerate(rows):
        if score is None:
            ax.text(1.5, y, NOT_SCORED, ha="left", va="center", fontsize=7, style="italic",
                    color=MUTED, fontfamily=FONT_FAMILY, zorder=4)
    if total is not None:
        ax.axvline(total, linestyle="--", linewidth=1.2, color=INK, zorder=4)
        ax.annotate(f"Total {format_total(total)}", (total, 1), xycoords=("data", "axes fraction"),
                    xytext=(0, 2), textcoords="offset points", va="bottom", fontsize=7,
                    ha="right" if total > 80 else "left" if total < 20 else "center",
                    color=INK, fontfamily=FONT_FAMILY, annotation_clip=False)
    if not rows:
        ax.text(0.5, 0.5, "No criteria", transform=ax.transAxes, ha="center", va="center",
                fontsize=8.5, color=INK, fontfamily=FONT_FAMILY)
    ax.set_xlim(0, 100)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # first criterion on top
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel("Score (0–100)", fontsize=7.5, color=INK, fontfamily=FONT_FAMILY, labelpad=2)
    ax.grid(axis="x", color=GRID, linewidth=0.5, zorder=0)
    ax.set_axisbelow(True)
    _style_ticks(ax, 7.5)
    ax.tick_params(axis="y", length=0)
    _keep_handle(fig, "bars", bars)
    return fig
