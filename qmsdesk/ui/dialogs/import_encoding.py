"""The import dialog's page for a CSV file that is not UTF-8: the person says which encoding
it was saved in, seeing its lines as that encoding reads them, before it is read again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.ui.dialogs.record_dialog import error_style

# Python's name of each encoding offered (spreadsheet_io.ENCODINGS) and what people call it.
ENCODING_CHOICES = (
    ("utf-8", "UTF-8"),
    ("cp1252", "Windows-1252 (Western Europe)"),
    ("iso8859-1", "ISO-8859-1 (Latin-1)"),
)


class EncodingPage(QWidget):
    """Why the file cannot be read, a choice of encoding, and the file's first line and the
    lines from the one that failed, as the chosen encoding reads them. ``chosen`` carries
    the encoding to read the file in."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sample = b""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(error_style())
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr(
            "If you know the encoding the file was saved in, choose it and check that the "
            "lines below read right (names with accents, € signs):")))
        form = QFormLayout()
        self.combo = QComboBox()
        for codec, name in ENCODING_CHOICES:
            self.combo.addItem(self.tr(name), codec)
        self.combo.currentIndexChanged.connect(self._show_sample)
        form.addRow(self.tr("&Encoding:"), self.combo)
        layout.addLayout(form)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.preview, 1)
        self.read_button = QPushButton(self.tr("&Read the file in this encoding"))
        self.read_button.clicked.connect(lambda: self.chosen.emit(self.encoding()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_error(self, error: Any) -> None:
        """An EncodingError: its message, and the next encoding to try chosen."""
        self.message.setText(str(error))
        self._sample = bytes(error.sample)
        tried = [codec for codec, _ in ENCODING_CHOICES]
        after = tried.index(error.encoding) + 1 if error.encoding in tried else 1
        self.combo.setCurrentIndex(min(after, len(tried) - 1))
        self._show_sample()

    def encoding(self) -> str:
        return str(self.combo.currentData())

    def _show_sample(self) -> None:
        # Only for the eye: a byte the encoding cannot read shows as "�"; the file itself
        # is read strictly, and refused again if it does not fit.
        self.preview.setPlainText(self._sample.decode(self.encoding(), errors="replace"))
        self.read_button.setEnabled(self.encoding() != "utf-8")
