"""Issue 17's small leftovers: the dashboard's charts stay apart at 1024x700, the logo
preview follows a dark palette, the Suppliers toolbar's last button has room for its menu
arrow at 1366x768."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from itertools import pairwise
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QToolButton, QWidget

from qmsdesk.ui import colours
from qmsdesk.ui.logo_preview import LogoPreview
from qmsdesk.ui.main_window import MainWindow
from tests.ui.test_colours import DARK, wcag_contrast


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[QApplication]:
    before = QPalette(qapp.palette())
    qapp.setPalette(DARK)
    yield qapp
    qapp.setPalette(before)


def _settle(qtbot: Any, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    QApplication.processEvents()


def _rect_in(ancestor: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("height", [700, 520])  # 520: a 768-pixel screen at 150 %
def test_at_1024_pixels_the_three_charts_do_not_lie_over_one_another(
        qtbot: Any, window: MainWindow, height: int) -> None:
    _settle(qtbot, window, 1024, height)
    page = window.show_page("dashboard")
    QApplication.processEvents()
    charts = [page.health_chart, page.band_chart, page.flow_chart]
    rects = [_rect_in(page, chart) for chart in charts]
    for upper, lower in pairwise(rects):
        assert upper.bottom() < lower.top()  # (they were laid 28 px over each other)
    area = _rect_in(page, charts[0].parentWidget())
    assert all(area.contains(rect) for rect in rects)
    assert all(rect.right() < page.width() for rect in rects)
    assert all(chart.height() >= chart.minimumHeight() for chart in charts)  # or scrolled


def _logo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (300, 100), (20, 60, 140)).save(out, "PNG")
    return out.getvalue()


def test_the_logo_preview_follows_a_dark_palette_and_keeps_the_logo_on_paper(
        dark: QApplication, qtbot: Any) -> None:
    preview = LogoPreview(240, 96)
    qtbot.addWidget(preview)
    preview.show()
    image = preview.grab().toImage()
    ground = image.pixelColor(preview.width() // 2, 4)
    assert ground.lightnessF() < 0.5  # not the white box it was
    assert preview.text() == "No logo"
    muted = colours.text(colours.MUTED, DARK)
    assert wcag_contrast(muted, DARK.color(QPalette.ColorRole.Base)) >= colours.AA
    assert muted.name() in preview.styleSheet()
    preview.show_logo(_logo())
    card = preview.pixmap().toImage()
    assert card.pixelColor(1, 1) == QColor("white")  # the paper it is printed on
    assert card.pixelColor(card.width() // 2, card.height() // 2) == QColor(20, 60, 140)


def test_the_preview_changes_with_the_palette(qapp: QApplication, qtbot: Any) -> None:
    before = QPalette(qapp.palette())
    preview = LogoPreview(240, 96)
    qtbot.addWidget(preview)
    light_sheet = preview.styleSheet()
    try:
        qapp.setPalette(DARK)
        QApplication.processEvents()
        assert preview.styleSheet() != light_sheet
        assert DARK.color(QPalette.ColorRole.Base).name() in preview.styleSheet()
    finally:
        qapp.setPalette(before)


def test_at_1366x768_the_spreadsheet_button_holds_its_text_and_menu_arrow(
        qtbot: Any, window: MainWindow) -> None:
    _settle(qtbot, window, 1366, 768)
    page = window.show_page("suppliers")
    QApplication.processEvents()
    button = page.exchange.button
    arrow = button.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, button)
    plain = QToolButton()  # the style's own size: text and frame, no room for the arrow
    plain.setText(button.text())
    plain.setMenu(button.menu())
    plain.setPopupMode(button.popupMode())
    assert button.width() >= plain.sizeHint().width() + arrow
    right = page.width() - page.layout_.contentsMargins().right()
    assert _rect_in(page, button).right() < right  # inside the page's margin, not at its edge
