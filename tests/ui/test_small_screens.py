"""A 13-inch laptop and a dark palette: toolbars wrap instead of squeezing the search box,
the main text column keeps a readable width, editor text boxes sit by their captions, and
charts follow a dark palette (issue 17 item 3, 9)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QWidget

from qmsdesk.services.actions import service as action_service
from qmsdesk.ui import colours
from qmsdesk.ui.chart_palette import dark_tones, follow_palette
from qmsdesk.ui.column_fit import MAIN_COLUMN_MIN
from qmsdesk.ui.dialogs.action_dialog import ActionDialog
from qmsdesk.ui.main_window import MainWindow
from qmsdesk.ui.pages.base_page import SEARCH_MIN_WIDTH
from tests.ui.test_colours import DARK, wcag_contrast

PAGES = ("parties", "context", "risks", "objectives", "suppliers", "actions")


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


def _rect_in(page: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(page, QPoint(0, 0)), widget.size())


@pytest.mark.parametrize("key", PAGES)
def test_at_1024_pixels_the_search_box_and_filters_are_whole(qtbot: Any, window: MainWindow,
                                                             key: str) -> None:
    _settle(qtbot, window, 1024, 700)
    page = window.show_page(key)
    qtbot.waitUntil(lambda: page.search.isVisible())
    QApplication.processEvents()
    search = _rect_in(page, page.search)
    assert page.search.width() >= SEARCH_MIN_WIDTH  # its placeholder reads, not "S…"
    for combo in page.findChildren(QComboBox):
        if not combo.isVisible() or combo.window() is not window:
            continue
        box = _rect_in(page, combo)
        assert not box.intersects(search), combo.currentText()  # nothing drawn over it
        assert box.right() <= page.width(), combo.currentText()  # nothing off the page
        assert combo.width() >= combo.minimumSizeHint().width()


def test_the_main_column_keeps_a_readable_width(qtbot: Any, window: MainWindow) -> None:
    _settle(qtbot, window, 1024, 700)
    page = window.show_page("parties")  # beside the grid: the narrowest table
    table = page.register
    QApplication.processEvents()
    column = table.column_fit.column
    assert table.view.columnWidth(column) >= MAIN_COLUMN_MIN
    _settle(qtbot, window, 1900, 1000)  # room again: it stretches to fill the table
    qtbot.waitUntil(lambda: table.view.viewport().width() > 1000)
    header = table.view.horizontalHeader()
    assert header.sectionResizeMode(column) == header.ResizeMode.Stretch


def test_a_text_box_sits_beside_its_caption(qtbot: Any, window: MainWindow) -> None:
    record = action_service.new_action(window.today)
    dialog = ActionDialog(record, lambda rec: rec, window.today, {}, [], window)
    qtbot.addWidget(dialog)
    dialog.resize(720, 640)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    QApplication.processEvents()
    caption = next(label for label in dialog.findChildren(QLabel)
                   if label.buddy() is dialog.description)
    gap = (dialog.description.mapTo(dialog, QPoint(0, 0)).y()
           - caption.mapTo(dialog, QPoint(0, 0)).y())
    assert abs(gap) < 12  # not floating in the middle of a tall row


def test_charts_follow_a_dark_palette_around_the_plot(dark: QApplication) -> None:
    from matplotlib.figure import Figure

    figure = Figure(facecolor="white")
    ax = figure.add_subplot()
    ax.set_title("Objectives by health")
    ax.bar(["On track", "At risk"], [3, 1])
    caption = ax.text(0, 1.05, "Suppliers by band", transform=ax.transAxes)  # above the plot
    count = ax.text(0, 3.1, "3")  # on the bar, inside the plot
    follow_palette(figure, dark_tones())
    assert wcag_contrast(QColor(caption.get_color()), DARK.color(QPalette.ColorRole.Window)) \
        >= colours.AA
    assert QColor(count.get_color()).lightnessF() < 0.5  # still dark on the light paper
    window = DARK.color(QPalette.ColorRole.Window)
    assert QColor.fromRgbF(*figure.get_facecolor()) == window
    tick = ax.get_xticklabels()[0].get_color()
    assert wcag_contrast(QColor(tick), window) >= colours.AA
    assert wcag_contrast(QColor(ax.title.get_color()), window) >= colours.AA
    assert ax.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # the plot keeps its light paper


def test_an_editor_taller_than_the_screen_opens_within_it(qtbot: Any, qapp: QApplication,
                                                         today: Any) -> None:
    from qmsdesk.services.objectives.service import new_objective
    from qmsdesk.ui.dialogs.objective_dialog import ObjectiveContext, ObjectiveDialog
    from qmsdesk.ui.widgets import DialogOnScreen, install_dialog_on_screen

    fit = install_dialog_on_screen(qapp)
    dialog = ObjectiveDialog(new_objective(today), lambda rec: rec, today, ObjectiveContext())
    try:
        dialog.resize(1400, 1000)  # sized for a large desktop
        free = dialog.screen().availableGeometry()
        assert dialog.width() > free.width() or dialog.height() > free.height()
        dialog.show()
        qtbot.waitUntil(dialog.isVisible)
        assert dialog.width() <= free.width()
        assert dialog.height() <= free.height() - DialogOnScreen.TITLE_BAR
        assert dialog.buttons.isVisible()  # Save and Cancel within reach
    finally:
        qapp.removeEventFilter(fit)
        fit.deleteLater()
        dialog._initial = None
        dialog.done(0)
