"""The questionnaire part of Settings: the questions the supplier self-assessment and the
satisfaction survey ask, one per line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from qmsdesk.services.outreach import questions
from qmsdesk.ui import colours

DEFAULTS = {questions.SUPPLIER: questions.DEFAULT_SUPPLIER_QUESTIONS,
            questions.SURVEY: questions.DEFAULT_SURVEY_QUESTIONS}


class QuestionsPanel(QWidget):
    """Two editable lists, one question a line; ``value()`` kind -> the questions."""

    def __init__(self, asked: dict[str, list[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        titles = {
            questions.SUPPLIER: self.tr(
                "<b>Supplier self-assessment questionnaire</b> — one question a line; the "
                "supplier answers each Yes, Partly, No or Not applicable, with a comment. "
                "Sent with the supplier pack (Suppliers › Supplier pack…)."),
            questions.SURVEY: self.tr(
                "<b>Satisfaction survey</b> — one aspect a line, each scored 1 (very "
                "dissatisfied) to 5 (very satisfied) with an overall score. Sent from the "
                "Interested parties page (Satisfaction survey…).")}
        self.edits: dict[str, QPlainTextEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for kind, title in titles.items():
            intro = QLabel(title)
            intro.setWordWrap(True)
            edit = QPlainTextEdit("\n".join(asked.get(kind) or DEFAULTS[kind]))
            edit.setObjectName(f"questions_{kind}")
            edit.setAccessibleName(intro.text())
            edit.setTabChangesFocus(True)
            reset = QPushButton(self.tr("Reset to the defaults"))
            reset.clicked.connect(lambda _c=False, k=kind: self.edits[k].setPlainText(
                "\n".join(DEFAULTS[k])))
            error = QLabel()
            error.setStyleSheet(colours.text_style(colours.BAD))  # as forms show errors
            error.setWordWrap(True)
            error.hide()
            layout.addWidget(intro)
            layout.addWidget(edit)
            layout.addWidget(reset, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addWidget(error)
            self.edits[kind], self.errors[kind] = edit, error

    def value(self) -> dict[str, list[str]]:
        return {kind: edit.toPlainText().splitlines() for kind, edit in self.edits.items()}

    def show_errors(self, errors: dict[str, str]) -> None:
        """Messages keyed "questions.<kind>", shown under that list."""
        for kind, label in self.errors.items():
            message = errors.get(f"questions.{kind}", "")
            label.setText(message)
            label.setVisible(bool(message))
