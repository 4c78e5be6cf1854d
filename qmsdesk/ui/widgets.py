"""Small widgets the editors share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QPushButton,
    QSpinBox,
    QStyle,
    QToolButton,
    QWidget,
)

from qmsdesk import clock
from qmsdesk.services.dates import EARLIEST, LATEST
from qmsdesk.services.numbers import NOTHING
from qmsdesk.ui.formatting import date_format, from_qdate, to_qdate

FIRST_DAY, LAST_DAY = to_qdate(EARLIEST), to_qdate(LATEST)  # the dates QMS Desk keeps
UNSET = FIRST_DAY.addDays(-1)  # an optional date's "not set": just before the first day


def limit_dates(editor: QDateEdit) -> None:
    """Only the dates the registers keep can be entered (the rules refuse the others)."""
    editor.setDateRange(FIRST_DAY, LAST_DAY)


class DateEdit(QDateEdit):
    """A date field in the user's format with a calendar; optionally allowed to be empty.

    An empty optional date shows ``empty_text`` (e.g. "Not set") and reads back as None.
    Dates run from dates.EARLIEST to dates.LATEST.
    """

    def __init__(self, optional: bool = False, empty_text: str = "Not set",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(date_format())
        limit_dates(self)
        self._optional = optional
        if optional:
            self.setMinimumDate(UNSET)
            self.setSpecialValueText(empty_text)
            # The calendar of an empty date opens on today's month, not on the month of
            # the "not set" value (December 1899); the value stays empty until one is picked.
            self.calendarWidget().window().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self._optional and self.date() == UNSET:
            today = clock.today()
            self.calendarWidget().setCurrentPage(today.year, today.month)
        return super().eventFilter(watched, event)

    def stepBy(self, steps: int) -> None:
        """Arrow keys on an empty optional date start from today, not from 1900."""
        if self._optional and self.date() == UNSET:
            self.setDate(to_qdate(clock.today()))
            return
        super().stepBy(steps)

    def value(self) -> date | None:
        current = self.date()
        return None if self._optional and current == UNSET else from_qdate(current)

    def set_value(self, value: date | None, default: date | None = None) -> None:
        if value is None and self._optional:
            self.setDate(UNSET)
        else:
            self.setDate(to_qdate(value or default or clock.today()))


def choice_box(items: Sequence[tuple[object, str]],
               combo: QComboBox | None = None) -> QComboBox:
    """A combo box of (stored value, shown label) pairs; the value is the item's data."""
    combo = combo if combo is not None else QComboBox()
    for value, text in items:
        combo.addItem(text, value)
    return combo


def labelled(values: Sequence[str], none_label: str = NOTHING) -> list[tuple[str, str]]:
    """Stored choices with their labels: "owner/investor" -> "Owner/investor"."""
    from qmsdesk.services.labels import label

    return [(v, label(v) if v else none_label) for v in values]


def select_value(combo: QComboBox, value: object) -> None:
    """Show the item holding ``value`` (the first item when there is none)."""
    combo.setCurrentIndex(max(0, combo.findData(value)))


class CountBox(QSpinBox):
    """A whole-number count that may be left empty ("no data" is not 0)."""

    EMPTY = -1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(self.EMPTY, 1_000_000_000)
        self.setSpecialValueText(NOTHING)
        self.setGroupSeparatorShown(True)
        self.setValue(self.EMPTY)

    def count(self) -> int | None:
        return None if self.value() == self.EMPTY else self.value()

    def set_count(self, value: int | None) -> None:
        self.setValue(self.EMPTY if value is None else value)


class ButtonEnter(QObject):
    """Enter on a focused push or tool button presses that button.

    Without it, Enter goes to the shortcut of whatever holds the focus around the button
    (a page's Open, a dialog's default button): a person who tabbed to "Remove selected"
    and pressed Enter got the selected record opened, or the dialog saved.
    """

    KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                or not isinstance(watched, QPushButton | QToolButton) \
                or not isinstance(event, QKeyEvent) or event.key() not in self.KEYS \
                or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier \
                or not watched.isEnabled() or not watched.hasFocus():
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key is the button's, not a shortcut's
            return False
        watched.animateClick()
        return True


class DialogOnScreen(QObject):
    """A dialog that opens larger than its screen's free area (an editor sized for a
    1600x900 desktop on a 1366x768 laptop, at 150 % on a 1920x1080 one) is shrunk to fit
    it, its title bar included, before it shows: its layout scrolls or squeezes instead of
    its buttons lying below the screen's edge."""

    TITLE_BAR = 40  # pixels kept for the window manager's frame before the dialog has one

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog) \
                and watched.isWindow():
            fit_on_screen(watched, self.TITLE_BAR)
        return False


def fit_on_screen(window: QWidget, title_bar: int) -> None:
    screen = window.screen()
    if screen is None:
        return
    free = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()
    extra_height = max(frame.height(), title_bar)
    width = min(window.width(), free.width() - frame.width())
    height = min(window.height(), free.height() - extra_height)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))


def install_button_enter(app: QObject) -> None:
    """Once per application (the filter sees every widget's keys)."""
    _install_once(app, ButtonEnter, "button_enter")


def install_dialog_on_screen(app: QObject) -> DialogOnScreen:
    """Once per application (the filter sees every dialog shown)."""
    return _install_once(app, DialogOnScreen, "dialog_on_screen")


F = TypeVar("F", bound=QObject)


def _install_once(app: QObject, kind: type[F], name: str) -> F:
    """The application's event filter of this kind, installed the first time."""
    found = app.findChild(kind, name)
    if found is None:
        found = kind(app)
        found.setObjectName(name)
        app.installEventFilter(found)
    return found


class MenuToolButton(QToolButton):
    """A tool button that opens its menu (InstantPopup), wide enough for its text and the
    menu arrow: the style draws the arrow in the corner but leaves it out of the size,
    so the text ran into it and the button into whatever came next (the window's edge on
    the Suppliers page at 1366x768)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        icon_only = (self.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
                     and not self.icon().isNull())  # without an icon, the text shows
        if self.menu() is None or icon_only:
            return hint
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, self)
        return QSize(hint.width() + arrow, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
