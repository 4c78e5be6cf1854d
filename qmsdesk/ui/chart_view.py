"""Shows a matplotlib Figure from the chart builders; matplotlib loads on first use only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ChartView(QWidget):
    """A placeholder until the first figure arrives, then a canvas for it."""

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel(placeholder)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)
        self._layout.addWidget(self._placeholder)
        self.canvas: Any = None
        self._pick_handler: Any = None

    def set_figure(self, figure: Any) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        if self.canvas is not None:
            self._layout.removeWidget(self.canvas)
            self.canvas.deleteLater()
        self._placeholder.hide()
        self.canvas = FigureCanvasQTAgg(figure)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if self._pick_handler is not None:
            self.canvas.mpl_connect("pick_event", self._pick_handler)
        self._layout.addWidget(self.canvas)

    def show_message(self, text: str) -> None:
        if self.canvas is not None:
            self.canvas.hide()
        self._placeholder.setText(text)
        self._placeholder.show()

    def on_pick(self, handler: Any) -> None:
        """Call ``handler(event)`` when a pickable artist of the current figure is clicked."""
        self._pick_handler = handler
        if self.canvas is not None:
            self.canvas.mpl_connect("pick_event", handler)

    @property
    def figure(self) -> Any:
        return self.canvas.figure if self.canvas is not None else None

    def redraw(self) -> None:
        if self.canvas is not None:
            self.canvas.draw_idle()
