"""Status colours stay readable (WCAG AA) in a light and a dark palette, on screen too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.parties import rules as party_rules
from qmsdesk.services.risks import rules as risk_rules
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.ui import colours


def wcag_contrast(first: QColor | str, second: QColor | str) -> float:
    """The WCAG 2 contrast ratio, written out here so the test does not trust the module."""
    def lum(colour: QColor) -> float:
        def lin(c: int) -> float:
            v = c / 255
            return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
        return (0.2126 * lin(colour.red()) + 0.7152 * lin(colour.green())
                + 0.0722 * lin(colour.blue()))

    a, b = sorted((lum(QColor(first)), lum(QColor(second))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def make_palette(window: str, base: str, text: str, mid: str) -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.Base, base),
                         (QPalette.ColorRole.AlternateBase, window),
                         (QPalette.ColorRole.Button, window), (QPalette.ColorRole.Mid, mid)):
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(role, QColor(text))
    return palette


LIGHT = make_palette("#f0f0f0", "#ffffff", "#000000", "#a0a0a0")
DARK = make_palette("#2d2d2d", "#1e1e1e", "#e8e8e8", "#505050")
DARKER = make_palette("#353535", "#2a2a2a", "#ffffff", "#606060")  # Fusion's usual dark


@pytest.fixture
def dark_app(qapp: QApplication) -> Iterator[QApplication]:
    before = QPalette(qapp.palette())
    qapp.setPalette(DARK)
    yield qapp
    qapp.setPalette(before)


@pytest.mark.parametrize("tone", list(colours.CELLS))
@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_every_cell_pair_meets_aa_in_both_schemes(tone: str, palette: QPalette) -> None:
    background, foreground = colours.cell(tone, palette)
    assert wcag_contrast(background, foreground) >= 4.5
    # the tint belongs to the scheme: a dark cell in a dark palette, a light one in a light
    assert (background.lightnessF() < 0.5) == (palette is DARK)


@pytest.mark.parametrize("tone", list(colours.TEXTS))
@pytest.mark.parametrize("palette", [LIGHT, DARK, DARKER], ids=["light", "dark", "darker"])
def test_status_text_is_readable_on_window_and_base(tone: str, palette: QPalette) -> None:
    colour = colours.text(tone, palette)
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
        assert wcag_contrast(colour, palette.color(role)) >= 4.5, (tone, role)
    assert colour.name() == colours.TEXTS[tone][palette is not LIGHT]  # not the fallback


def test_a_palette_the_fixed_colours_do_not_suit_falls_back_to_its_own_text() -> None:
    odd = make_palette("#8a1c1c", "#8a1c1c", "#ffffff", "#505050")  # red-brown window
    colour = colours.text(colours.BAD, odd)
    assert wcag_contrast(colour, odd.color(QPalette.ColorRole.Window)) >= 4.5


def test_scheme_follows_the_palette() -> None:
    assert not colours.is_dark(LIGHT)
    assert colours.is_dark(DARK)
    assert colours.is_dark(DARKER)


def test_every_state_of_every_register_has_a_meaning() -> None:
    assert set(party_rules.QUADRANTS) == set(colours.QUADRANT_TONES)
    assert set(risk_rules.LEVELS) == set(colours.RISK_TONES)
    assert set(action_rules.STATUSES) == set(colours.ACTION_TONES)
    assert set(supplier_rules.STATUSES) == set(colours.SUPPLIER_TONES)
    assert set(objective_rules.HEALTHS) == set(colours.HEALTH_TONES)
    assert colours.RISK_TONES["high"] == colours.BAD
    assert colours.QUADRANT_TONES["Manage closely"] == colours.BAD


def _style_colour(style: str, prop: str) -> QColor:
    match = re.search(rf"(?<![-\w]){prop}:\s*(#[0-9a-fA-F]{{6}})", style)
    assert match, (prop, style)
    return QColor(match.group(1))


def test_dark_palette_dashboard_figures_are_readable(window: Any, dark_app: QApplication,
                                                     qtbot: Any) -> None:
    page = window.page("dashboard")
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert page.figure_labels
    for key, label in page.figure_labels.items():
        style = label.styleSheet()
        background = _style_colour(style, "background")
        caption = _style_colour(style, "color")
        assert background.lightnessF() < 0.5, key  # the box followed the palette
        assert wcag_contrast(background, caption) >= 4.5, key
        numbers = re.findall(r"color:\s*(#[0-9a-fA-F]{6})", label.text())
        assert numbers, key
        for number in numbers:
            assert wcag_contrast(background, number) >= 4.5, (key, number)


def test_dark_palette_party_quadrant_cells_are_readable(window: Any,
                                                        dark_app: QApplication) -> None:
    page = window.show_page("parties")
    model = page.model
    column = next(c for c in range(model.columnCount())
                  if model.headerData(c, Qt.Orientation.Horizontal) == "Quadrant")
    assert model.rowCount() == 4
    seen = set()
    for row in range(model.rowCount()):
        index = model.index(row, column)
        background = index.data(Qt.ItemDataRole.BackgroundRole).color()
        foreground = index.data(Qt.ItemDataRole.ForegroundRole).color()
        assert background.lightnessF() < 0.5  # no pastel cell left in a dark window
        assert wcag_contrast(background, foreground) >= 4.5, index.data()
        seen.add(background.name())
    assert len(seen) > 1  # the quadrants still look different from each other


def test_back_to_light_the_figures_follow(window: Any, qapp: QApplication, qtbot: Any) -> None:
    page = window.page("dashboard")
    before = QPalette(qapp.palette())
    try:
        qapp.setPalette(DARK)
        qapp.setPalette(LIGHT)
        style = page.figure_labels["overdue"].styleSheet()
        background = _style_colour(style, "background")
        assert background.lightnessF() > 0.5
        assert wcag_contrast(background, _style_colour(style, "color")) >= 4.5
    finally:
        qapp.setPalette(before)
