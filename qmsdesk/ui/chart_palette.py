"""Charts on screen follow a dark palette: the chart builders make print figures (white
paper, black text), shared with the PDF reports; in a dark window their surround takes the
window's colour and the text around the plot (titles, axis labels, ticks, frameless
legends) the window's text colour. The plot area keeps its light paper, so every colour,
label and annotation drawn inside it keeps the contrast it was designed with."""

from __future__ import annotations

from typing import Any

from qmsdesk.ui import colours

Tones = tuple[str, str]  # (window, text) colours of a dark palette, as "#rrggbb"


def dark_tones() -> Tones | None:
    """The window's and its text's colours when the palette is dark, None when it is light
    (asked on the GUI thread; a worker recolours with them: ``recolour``)."""
    if not colours.is_dark():
        return None
    from PySide6.QtGui import QPalette

    palette = colours.palette()
    return (palette.color(QPalette.ColorRole.Window).name(),
            palette.color(QPalette.ColorRole.WindowText).name())


def tones_of(figure: Any) -> Tones | None:
    """The dark palette's tones ``figure`` was recoloured for (None: as built, light)."""
    tones: Tones | None = getattr(figure, "_qms_tones", None)
    return tones


def follow_palette(figure: Any, tones: Tones | None) -> bool:
    """Recolour ``figure`` for a dark palette's ``tones`` unless it has been already;
    nothing to do in a light one. Whether it was recoloured now."""
    if tones is None or tones_of(figure) == tones:
        return False
    recolour(figure, tones)
    return True


def recolour(figure: Any, tones: Tones) -> None:
    """The surround and the words around the plot in ``tones`` (matplotlib only: a worker
    does it before it draws the picture)."""
    from matplotlib.text import Annotation

    window, text = tones
    figure._qms_tones = tones
    figure.set_facecolor(window)
    for item in figure.texts:  # titles and notes set on the figure, outside any axes
        item.set_color(text)
    for legend in figure.legends:
        _legend(legend, text)
    for ax in figure.axes:
        # The three title slots (centre, left, right); matplotlib names only the centre one.
        for title in (ax.title, getattr(ax, "_left_title", None),
                      getattr(ax, "_right_title", None)):
            if title is not None:
                title.set_color(text)
        ax.xaxis.label.set_color(text)
        ax.yaxis.label.set_color(text)
        ax.tick_params(colors=text, which="both")
        for spine in ax.spines.values():
            spine.set_edgecolor(text)
        for item in ax.texts:  # a caption placed outside the plot stands on the window
            if (not isinstance(item, Annotation) and item.get_bbox_patch() is None
                    and _outside(ax, item)):
                item.set_color(text)
        legend = ax.get_legend()
        if legend is not None:
            _legend(legend, text)


def _outside(ax: Any, item: Any) -> bool:
    """Whether a text of ``ax`` is anchored outside its plot area (a title set as text)."""
    ax.get_xlim(), ax.get_ylim()  # the limits as drawn: autoscaling is applied lazily
    x, y = ax.transAxes.inverted().transform(item.get_transform().transform(
        item.get_position()))
    return not (0 <= x <= 1 and 0 <= y <= 1)


def _legend(legend: Any, text: str) -> None:
    """A legend without a frame stands on the window: its words take the text colour (one
    with a frame keeps its own paper and words)."""
    if legend.get_frame_on():
        return
    for item in legend.get_texts():
        item.set_color(text)
    title = legend.get_title()
    if title is not None:
        title.set_color(text)
