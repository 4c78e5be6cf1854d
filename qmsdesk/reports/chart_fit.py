"""Category labels that fit the width a chart is drawn at: a bar chart is drawn at 3.4 inches
in a PDF and at whatever the window leaves on the dashboard (about 3 inches at 1024 pixels),
while its text keeps its point size. So the labels are fitted at every draw, by the figure's
layout engine (which matplotlib runs before anything is drawn, at the size being drawn): a
word per line while the widest word fits under its bar, otherwise slanted, and the bottom
margin grows to hold them either way."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SLANT = 35  # degrees, when even one word is wider than its bar's share of the axis
ROOM = 0.9  # of a bar's share of the width a label may take: a gap stays between two
PAD_PT = 9  # around the labels: the tick marks, their padding, a margin (in points: the
# pixels grow with the dpi, 150 % scaling included)
MAX_BOTTOM = 0.6  # of the figure's height: the bars keep the rest


@dataclass(frozen=True)
class Margins:
    """The chart's left and top margins as built, in inches."""

    left_in: float
    top_in: float


def fit_category_labels(fig: Figure, ax: Axes, labels: Sequence[str]) -> None:
    """Fit ``ax``'s x tick labels (one per category, ``labels``) whenever ``fig`` is
    drawn. Until the first draw they read a word per line."""
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([_stacked(text) for text in labels])
    # The side margins hold the axis label and the title: as many inches at any size.
    margins = Margins(fig.subplotpars.left * fig.get_figwidth(),
                      (1 - fig.subplotpars.top) * fig.get_figheight())
    fig.set_layout_engine(_engine_class()(ax, list(labels), margins))


def _stacked(text: str) -> str:
    return "\n".join(text.split())


@cache
def _engine_class() -> Any:
    """The layout engine, defined when matplotlib is first needed (it loads lazily)."""
    from matplotlib.layout_engine import LayoutEngine

    class FitCategoryLabels(LayoutEngine):
        _adjust_compatible = True  # it sets the margins itself, with subplots_adjust
        _colorbar_gridspec = True

        def __init__(self, ax: Axes, labels: list[str], margins: Margins) -> None:
            super().__init__()
            self.ax, self.labels, self.margins = ax, labels, margins

        def execute(self, fig: Figure) -> None:
            fit_now(fig, self.ax, self.labels, self.margins)

    return FitCategoryLabels


def fit_now(fig: Figure, ax: Axes, labels: Sequence[str], margins: Margins) -> None:
    """Fit the labels to the size ``fig`` has now (what the layout engine runs), from the
    chart's own margins, so a wider window gives the room back."""
    if not labels:
        return
    fig.subplots_adjust(left=min(0.45, margins.left_in / fig.get_figwidth()),
                        top=max(0.5, 1 - margins.top_in / fig.get_figheight()))
    # As matplotlib's own layout engines measure text (a private method, public in use).
    renderer = fig._get_renderer()  # type: ignore[attr-defined]
    ticks = ax.get_xticklabels()
    font = ticks[0].get_fontproperties() if ticks else None

    def size(text: str) -> tuple[float, float]:
        width, height, _descent = renderer.get_text_width_height_descent(text, font, False)
        return width, height

    words = [text.split() or [""] for text in labels]
    one_line = [" ".join(w) for w in words]
    share = ax.get_position().width * fig.bbox.width / len(labels) * ROOM
    line = max(size(text)[1] for text in one_line) * 1.3  # with the spacing and descent
    if max(size(word)[0] for w in words for word in w) <= share:  # a word per line
        ax.set_xticks(range(len(labels)), ["\n".join(w) for w in words], rotation=0,
                      ha="center", rotation_mode="default")
        needed = line * max(len(w) for w in words)
    else:  # slanted, on one line: parallel strips, a bar's width apart
        ax.set_xticks(range(len(labels)), one_line, rotation=SLANT, ha="right",
                      rotation_mode="anchor")
        angle = math.radians(SLANT)
        longest = max(size(text)[0] for text in one_line)
        needed = longest * math.sin(angle) + line * math.cos(angle)
        _room_on_the_left(fig, ax, size(one_line[0])[0] * math.cos(angle))
    bottom = min(MAX_BOTTOM, (needed + _pad(fig)) / fig.bbox.height)
    fig.subplots_adjust(bottom=bottom)


def _room_on_the_left(fig: Figure, ax: Axes, reach: float) -> None:
    """Widen the left margin when the first slanted label (``reach`` pixels to the left of
    its bar) would start beyond the figure's edge."""
    ax.get_xlim()  # the limits autoscaled now, before the first draw too
    first = ax.transData.transform((0, 0))[0]  # the first bar's centre, in pixels
    short = reach + _pad(fig) - first
    if short > 0:
        left = fig.subplotpars.left + short / fig.bbox.width
        fig.subplots_adjust(left=min(left, fig.subplotpars.right - 0.3))


def _pad(fig: Figure) -> float:
    return PAD_PT * fig.dpi / 72
