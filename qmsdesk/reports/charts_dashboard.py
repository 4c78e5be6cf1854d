"""Small charts for the dashboard and the management-review pack: data in, Figure out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from qmsdesk.reports.chart_fit import fit_category_labels
from qmsdesk.reports.charts import FONT_FAMILY, GRID, INK, _keep_handle, _new_figure
from qmsdesk.services.labels import label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

# Greyscale-safe: each bar differs by hatch as well as by colour.
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--")
FILL = ((0.16, 0.45, 0.71, 1.0), (0.55, 0.75, 0.90, 1.0), (0.95, 0.76, 0.25, 1.0),
        (0.85, 0.33, 0.30, 1.0), (0.60, 0.60, 0.60, 1.0), (0.35, 0.65, 0.40, 1.0),
        (0.75, 0.55, 0.80, 1.0), (0.90, 0.90, 0.90, 1.0))

# Health colours that mean what they say (the hatches keep them apart in greyscale).
HEALTH_FILL = {"measurement overdue": (0.80, 0.25, 0.25, 1.0),
               "off track": (0.91, 0.45, 0.42, 1.0), "at risk": (0.96, 0.78, 0.30, 1.0),
               "no data": (0.75, 0.75, 0.75, 1.0), "on track": (0.52, 0.78, 0.52, 1.0),
               "achieved": (0.23, 0.58, 0.33, 1.0), "missed": (0.55, 0.35, 0.35, 1.0)}
# ... and hatches that differ in kind, not just direction (off track // vs on track --).
HEALTH_HATCH = {"measurement overdue": "xx", "off track": "//", "at risk": "..",
                "no data": "", "on track": "--", "achieved": "++", "missed": "\\\\"}
OTHER_FILL = (0.6, 0.6, 0.6, 1.0)


def _style(ax: Axes, title: str) -> None:
    ax.set_title(title, fontsize=9, color=INK, fontfamily=FONT_FAMILY, loc="left")
    ax.tick_params(labelsize=7, colors=INK, length=2)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def count_bars(counts: Mapping[str, int], title: str, width_in: float = 3.4,
               height_in: float = 2.2,
               colours: Sequence[tuple[float, float, float, float]] | None = None,
               hatches: Sequence[str] | None = None, what: str = "Count") -> Figure:
    """One bar per category (e.g. objectives by health), counts written on the bars;
    ``colours`` and ``hatches`` (one per bar) where they carry meaning, else in turn.
    ``what`` names the counted things on the y axis, whose ticks are whole numbers."""
    from matplotlib.ticker import MaxNLocator

    fig = _new_figure(width_in, height_in)
    fig.subplots_adjust(left=0.16, right=0.97, bottom=0.30, top=0.85)
    ax = fig.add_subplot()
    labels = list(counts)
    bars = ax.bar(range(len(labels)), [counts[k] for k in labels],
                  color=list(colours) if colours else
                  [FILL[i % len(FILL)] for i in range(len(labels))],
                  edgecolor=INK, linewidth=0.6)
    for i, bar in enumerate(bars):
        bar.set_hatch(hatches[i] if hatches else HATCHES[i % len(HATCHES)])
        ax.annotate(str(int(bar.get_height())), (bar.get_x() + bar.get_width() / 2,
                                                 bar.get_height()),
                    ha="center", va="bottom", fontsize=7, color=INK, xytext=(0, 1),
                    textcoords="offset points")
    ax.tick_params(axis="x", labelsize=7)
    fit_category_labels(fig, ax, labels)  # a word per line, or slanted when too narrow
    ax.set_ylim(0, max([*counts.values(), 1]) * 1.25)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylabel(what, fontsize=7.5, color=INK, fontfamily=FONT_FAMILY)
    _style(ax, title)
    _keep_handle(fig, "bars", bars)
    return fig


def opened_closed(months: Sequence[str], opened: Sequence[int], closed: Sequence[int],
                  title: str = "Actions opened and closed per month", width_in: float = 4.6,
                  height_in: float = 2.2, overdue: Sequence[int] | None = None) -> Figure:
    """Paired bars per month: opened (solid) and closed (hatched); with ``overdue``, a
    dashed line with square markers of the actions overdue at each month's end."""
    fig = _new_figure(width_in, height_in)
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.22, top=0.80)
    ax = fig.add_subplot()
    x = list(range(len(months)))
    width = 0.4
    ax.bar([i - width / 2 for i in x], opened, width, color=FILL[0], edgecolor=INK,
           linewidth=0.5, label="Opened")
    ax.bar([i + width / 2 for i in x], closed, width, color=FILL[1], edgecolor=INK,
           linewidth=0.5, hatch="//", label="Closed")
    from matplotlib.ticker import MaxNLocator

    ax.tick_params(axis="x", labelsize=6.5)
    fit_category_labels(fig, ax, months)  # upright, or slanted when the months crowd
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    ax.set_ylabel("Actions", fontsize=7.5, color=INK, fontfamily=FONT_FAMILY)
    if overdue is not None:
        ax.plot(x, overdue, color=INK, linestyle="--", linewidth=1.0, marker="s",
                markersize=3, label="Overdue at month end")
    ax.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0),
              ncol=3 if overdue is not None else 2)
    _style(ax, "")
    fig.suptitle(title, fontsize=9, color=INK, fontfamily=FONT_FAMILY, x=0.09, ha="left",
                 y=0.99)
    return fig


def health_bars(by_health: Mapping[str, int], title: str, width_in: float = 3.4,
                height_in: float = 2.2) -> Figure:
    """Objectives per health state, each bar in its health's colour (and its own hatch)."""
    return count_bars({label(k): v for k, v in by_health.items()}, title, width_in, height_in,
                      colours=[HEALTH_FILL.get(k, OTHER_FILL) for k in by_health],
                      hatches=[HEALTH_HATCH.get(k, "") for k in by_health], what="Objectives")


def band_bars(by_band: Mapping[str, int], title: str, width_in: float = 3.4,
              height_in: float = 2.2) -> Figure:
    """Suppliers per band of their latest approved review ("Band A" ... "No data")."""
    return count_bars({(f"Band {k}" if len(k) <= 2 else k): v for k, v in by_band.items()},
                      title, width_in, height_in, what="Suppliers")


def satisfaction_trend(series: Mapping[str, Sequence[tuple[date, float | None]]], title: str,
                       width_in: float = 6.0, height_in: float = 2.3,
                       counts: Sequence[int] | None = None) -> Figure:
    """Average satisfaction (1-5) per month, one line per series ("All parties",
    "Customers"): each series has its own marker and line style, so it reads in greyscale.
    Months without a score leave a gap. ``counts`` (of the first series, one a month) are
    written under its points ("n=1"): an average of one score is one opinion."""
    fig = _new_figure(width_in, height_in)
    fig.subplots_adjust(left=0.10, right=0.98, bottom=0.18, top=0.80)
    ax = fig.add_subplot()
    styles = (("o", "-", FILL[0]), ("s", "--", FILL[3]), ("^", ":", FILL[5]))
    for index, (name, points) in enumerate(series.items()):
        marker, line, colour = styles[index % len(styles)]
        xs = [when for when, _ in points]
        ys = [float("nan") if value is None else value for _, value in points]
        # Dates go through matplotlib's unit converters; its stubs take numbers only
        # (matplotlib#25676).
        ax.plot(xs, ys, marker=marker, linestyle=line,  # type: ignore[arg-type]
                color=colour, markersize=4, linewidth=1.3, label=name, markeredgecolor=INK,
                markeredgewidth=0.5)
        if index == 0 and counts is not None:
            for when, value, count in zip(xs, ys, counts, strict=True):
                if count and value == value:  # NaN (no score) is not equal to itself
                    ax.annotate(f"n={count}", (when, value),
                                xytext=(0, -9), textcoords="offset points", ha="center",
                                fontsize=6, color=INK, fontfamily=FONT_FAMILY)
    ax.set_ylim(0.8, 5.2)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_ylabel("Average (1–5)", fontsize=7.5, color=INK, fontfamily=FONT_FAMILY)
    ax.xaxis.set_major_formatter(_month_format())
    ax.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0),
              ncol=len(series))
    _style(ax, "")
    fig.suptitle(title, fontsize=9, color=INK, fontfamily=FONT_FAMILY, x=0.10, ha="left",
                 y=0.99)
    return fig


def _month_format() -> DateFormatter:
    from matplotlib.dates import DateFormatter

    return DateFormatter("%b %y")
