"""Status colours that follow the light or dark palette, every pair readable (WCAG AA)."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QColor, QGuiApplication, QPalette

# What a colour means. Colour only adds to a word already in the cell ("Overdue", "High").
BAD = "bad"          # overdue, off track, suspended, high risk
WARNING = "warning"  # at risk, conditional, medium risk
GOOD = "good"        # on track, approved, done, low risk
INFO = "info"        # open, keep informed, opportunity
NEUTRAL = "neutral"  # pending, cancelled, monitor, no data
MUTED = "muted"      # secondary text: hints, archived rows (text tone only)
ACCENT = "accent"    # a locked or emphasised caption (text tone only)

AA = 4.5  # WCAG 2 AA contrast for normal text


class Pair(NamedTuple):
    background: str
    foreground: str


# (light, dark) per meaning: a tinted cell and the text drawn on it.
CELLS: dict[str, tuple[Pair, Pair]] = {
    BAD: (Pair("#fde2e2", "#8a1c1c"), Pair("#5c1f1f", "#ffd9d6")),
    WARNING: (Pair("#fff1cc", "#6b4a00"), Pair("#4d3a08", "#ffe8a8")),
    GOOD: (Pair("#dcfce7", "#14532d"), Pair("#173d27", "#c9f5d6")),
    INFO: (Pair("#dbeafe", "#1e3a8a"), Pair("#1e3357", "#d6e6ff")),
    NEUTRAL: (Pair("#e5e7eb", "#1f2933"), Pair("#3a3f47", "#e8eaed")),
}

# (light, dark) text on the window or base colour: chosen against white / #f0f0f0 and
# against the usual dark bases (#1e1e1e .. #353535); checked against the real palette.
TEXTS: dict[str, tuple[str, str]] = {
    BAD: ("#b00020", "#ff8a80"),
    WARNING: ("#7a5200", "#ffd166"),
    GOOD: ("#166534", "#7ee2a0"),
    INFO: ("#1d4ed8", "#93b4ff"),
    NEUTRAL: ("#1f2933", "#e8eaed"),
    MUTED: ("#5f6368", "#b0b5bb"),
    ACCENT: ("#1d4ed8", "#93b4ff"),
}

# The registers' states and the meaning their colour carries.
QUADRANT_TONES = {"Manage closely": BAD, "Keep satisfied": WARNING,
                  "Keep informed": INFO, "Monitor": NEUTRAL}
RISK_TONES = {"low": GOOD, "medium": WARNING, "high": BAD}
ACTION_TONES = {"open": INFO, "in progress": WARNING, "done": GOOD, "cancelled": NEUTRAL}
SUPPLIER_TONES = {"preferred": GOOD, "approved": GOOD, "conditional": WARNING,
                  "pending": NEUTRAL, "suspended": BAD, "disqualified": BAD}
HEALTH_TONES = {"on track": GOOD, "achieved": GOOD, "at risk": WARNING, "off track": BAD,
                "missed": BAD,
                "measurement overdue": BAD, "no data": NEUTRAL, "not tracked": NEUTRAL}
# Strengths and opportunities help, weaknesses and threats hinder; the word says which.
SWOT_TONES = {"strength": GOOD, "opportunity": INFO, "weakness": WARNING, "threat": BAD}


def luminance(colour: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF()))


def contrast(first: QColor, second: QColor) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palette() -> QPalette:
    return QGuiApplication.palette()


def is_dark(current: QPalette | None = None) -> bool:
    """Dark when the palette draws light text on a dark window. The palette, not
    styleHints().colorScheme(), decides: it is what is painted, and a user or a platform
    theme may set a dark palette while the scheme still reports light."""
    current = current if current is not None else palette()
    window = current.color(QPalette.ColorRole.Window)
    text = current.color(QPalette.ColorRole.WindowText)
    return window.lightnessF() < text.lightnessF()


def cell(tone: str, current: QPalette | None = None) -> tuple[QColor, QColor]:
    """(background, foreground) of a tinted cell for ``tone`` in the current scheme."""
    pair = CELLS.get(tone, CELLS[NEUTRAL])[1 if is_dark(current) else 0]
    return QColor(pair.background), QColor(pair.foreground)


def text(tone: str, current: QPalette | None = None) -> QColor:
    """Text in ``tone`` on the palette's base and window colours. When a custom palette
    leaves the fixed choice unreadable, the palette's own text colour is used instead."""
    current = current if current is not None else palette()
    colour = QColor(TEXTS.get(tone, TEXTS[NEUTRAL])[1 if is_dark(current) else 0])
    grounds = (current.color(QPalette.ColorRole.Base), current.color(QPalette.ColorRole.Window))
    if all(contrast(colour, ground) >= AA for ground in grounds):
        return colour
    return current.color(QPalette.ColorRole.WindowText)


def text_style(tone: str) -> str:
    """A style sheet fragment for a label in ``tone`` (read when the label is built)."""
    return f"color: {text(tone).name()};"


def cell_style(tone: str) -> str:
    """A style sheet fragment for a badge-like label tinted as a ``tone`` cell."""
    background, foreground = cell(tone)
    return f"background: {background.name()}; color: {foreground.name()};"


def panel(current: QPalette | None = None) -> tuple[QColor, QColor, QColor]:
    """(background, border, text) of a figure box that sets itself off from the window."""
    current = current if current is not None else palette()
    window = current.color(QPalette.ColorRole.Window)
    ink = current.color(QPalette.ColorRole.WindowText)
    background = window.lighter(125) if is_dark(current) else window.darker(104)
    if contrast(background, ink) < AA:  # an unusual palette: stay on the window colour
        background = window
    border = current.color(QPalette.ColorRole.Mid)
    return background, border, ink
