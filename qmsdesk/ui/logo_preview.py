"""The report logo's preview in Settings: a box in the window's own colours (light or dark),
with the logo on a white card, as it is printed on the report's paper (a logo drawn for white
paper may vanish on a dark ground, and the preview should show that it will not)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

from qmsdesk.ui import colours

CARD_MARGIN = 4  # white paper around the logo, in pixels
FRAME_GAP = 10  # the box's own colour around the card, so the card reads as one


class LogoPreview(QLabel):
    """Shows ``logo`` (image bytes) or says there is none; follows palette changes."""

    def __init__(self, width: int, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(width, height)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._logo: bytes | None = None
        self._styling = False
        self._restyle()
        self.show_logo(None)

    def show_logo(self, logo: bytes | None) -> None:
        self._logo = logo
        if logo is None:
            self.setPixmap(QPixmap())
            self.setText(self.tr("No logo"))
            return
        pixmap = QPixmap()
        pixmap.loadFromData(logo)
        room = 2 * (CARD_MARGIN + FRAME_GAP)  # the card's margin and the box around it
        self.setPixmap(on_card(pixmap.scaled(
            self.width() - room, self.height() - room, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in changed and not self._styling:
            self._restyle()

    def _restyle(self) -> None:
        """The box in the palette's colours: its base, a mid border, muted text."""
        current = colours.palette()  # the application's: a style sheet recolours our own
        base = current.color(QPalette.ColorRole.Base)
        border = current.color(QPalette.ColorRole.Mid)
        self._styling = True  # a style sheet change is a palette change too
        self.setStyleSheet(f"border: 1px solid {border.name()}; background: {base.name()}; "
                           f"color: {colours.text(colours.MUTED, current).name()};")
        self._styling = False


def on_card(logo: QPixmap) -> QPixmap:
    """``logo`` on white paper with a small margin."""
    card = QPixmap(logo.width() + 2 * CARD_MARGIN, logo.height() + 2 * CARD_MARGIN)
    card.fill(QColor("white"))
    painter = QPainter(card)
    painter.drawPixmap(QPoint(CARD_MARGIN, CARD_MARGIN), logo)
    painter.end()
    return card
