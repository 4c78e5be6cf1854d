"""A supplier's returned questionnaire beside its record: tick the changes to take over;
the answers are listed as returned. ``value()`` the keys ticked; it writes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.services.numbers import NOTHING

if TYPE_CHECKING:
    from qmsdesk.services.outreach.answers import QuestionnaireReturn

KEY = Qt.ItemDataRole.UserRole + 1


def _table(model: QStandardItemModel, stretch: int) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


class AnswersDialog(QDialog):
    def __init__(self, returned: QuestionnaireReturn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Questionnaire answers"))
        layout = QVBoxLayout(self)
        heading = QLabel(self.tr("<b>%1 %2</b> — questionnaire round %3 of %4, returned in %5")
                         .replace("%1", returned.supplier_ref)
                         .replace("%2", returned.supplier_name)
                         .replace("%3", str(returned.round_number))
                         .replace("%4", returned.issued_on.isoformat())
                         .replace("%5", returned.file_name))
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if returned.changes:
            intro = self.tr("The supplier's details differ from the record. Tick the changes "
                            "to take over; the others stay as they are.")
        else:
            intro = self.tr("The supplier's details match the record: nothing to take over.")
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.changes = QStandardItemModel(0, 3, self)
        self.changes.setHorizontalHeaderLabels(
            [self.tr("Take over"), self.tr("As held"), self.tr("As returned")])
        for change in returned.changes:
            tick = QStandardItem(change.label)
            tick.setCheckable(True)
            tick.setCheckState(Qt.CheckState.Checked)
            tick.setData(change.key, KEY)
            self.changes.appendRow([tick, QStandardItem(change.held or NOTHING),
                                    QStandardItem(change.returned or NOTHING)])
        self.change_view = _table(self.changes, 2)
        self.change_view.setVisible(bool(returned.changes))
        layout.addWidget(self.change_view, 1)
        layout.addWidget(QLabel(self.tr("Answers (%1 of %2 answered), kept with the round:")
                                .replace("%1", str(returned.answered))
                                .replace("%2", str(len(returned.answers)))))
        self.answers = QStandardItemModel(0, 4, self)
        self.answers.setHorizontalHeaderLabels(
            [self.tr("No."), self.tr("Question"), self.tr("Answer"), self.tr("Comment")])
        for number, (question, answer, comment) in enumerate(returned.answers, start=1):
            self.answers.appendRow([QStandardItem(str(number)), QStandardItem(question),
                                    QStandardItem(answer or NOTHING), QStandardItem(comment)])
        self.answer_view = _table(self.answers, 1)
        layout.addWidget(self.answer_view, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("&Record answers and file workbook"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 640)

    def value(self) -> set[str]:
        """The keys of the changes ticked."""
        ticked = set()
        for row in range(self.changes.rowCount()):
            item = self.changes.item(row, 0)
            if item.checkState() == Qt.CheckState.Checked:
                ticked.add(str(item.data(KEY)))
        return ticked
