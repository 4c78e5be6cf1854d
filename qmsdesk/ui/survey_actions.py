"""The Interested parties page's satisfaction surveys: a workbook for one party or a whole
category, and the import of the returns into the engagement log."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from qmsdesk import paths
from qmsdesk.services.parties import rules
from qmsdesk.services.user_settings import EXPORT_FOLDER, get
from qmsdesk.ui import report_runner
from qmsdesk.ui.errors import task_failed
from qmsdesk.ui.tasks import call, run_with_progress
from qmsdesk.ui.write_access import writes

if TYPE_CHECKING:
    from qmsdesk.services.outreach.survey import SurveyImported, SurveyReturn, SurveyWritten
    from qmsdesk.ui.pages.base_page import RegisterPage
    from qmsdesk.ui.register_table import RegisterTable


@dataclass(frozen=True)
class SurveyChoice:
    """Whom a survey asks: one party (its reference) or every active party of a category."""

    party_ref: str = ""
    category: str = ""


class SurveyDialog(QDialog):
    """Asks whom to survey; ``value()`` the choice. Writes nothing."""

    def __init__(self, party: tuple[str, str] | None, category: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Satisfaction survey"))
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "A workbook the party fills in: each aspect of the survey (Settings › "
            "Questionnaires) scored 1 to 5. Its return becomes entries of the engagement log."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.one = QRadioButton(self.tr("&Only %s") % (" — ".join(party) if party else
                                                       self.tr("the selected party")))
        self.one.setEnabled(party is not None)
        self.all = QRadioButton(self.tr("Every active party of &category:"))
        self.category = QComboBox()
        for value in rules.CATEGORIES:
            self.category.addItem(value.capitalize(), value)
        self.category.setCurrentIndex(max(0, self.category.findData(category)))
        group = QButtonGroup(self)
        for button in (self.one, self.all):
            group.addButton(button)
            layout.addWidget(button)
        layout.addWidget(self.category)
        (self.one if party is not None else self.all).setChecked(True)
        self.category.setEnabled(self.all.isChecked())
        self.all.toggled.connect(self.category.setEnabled)
        self._party = party
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write survey…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> SurveyChoice:
        if self.one.isChecked() and self._party is not None:
            return SurveyChoice(party_ref=self._party[0])
        return SurveyChoice(category=str(self.category.currentData()))


class SurveyActions:
    """The two survey actions of the Interested parties page."""

    def __init__(self, page: RegisterPage, table: RegisterTable) -> None:
        self.page, self.table = page, table
        self.write_action = QAction(page.tr("Satisfaction &survey…"), page)
        self.write_action.setToolTip(page.tr(
            "Write a satisfaction survey workbook for the selected party or a category"))
        self.write_action.triggered.connect(self.write_survey)
        self.import_action = QAction(page.tr("Import survey &returns…"), page)
        self.import_action.setToolTip(page.tr(
            "Add a returned survey's scores to the engagement log (all lines or none)"))
        self.import_action.triggered.connect(self.import_returns)
        writes(self.import_action)
        for action in self.actions():
            page.addAction(action)

    def actions(self) -> list[QAction]:
        return [self.write_action, self.import_action]

    def write_survey(self) -> None:
        page = self.page
        row = self.table.selected_row()
        party = (row.ref, row.name) if row is not None and row.status == "active" else None
        category = row.category if row is not None else "customer"
        dialog = SurveyDialog(party, category, page)
        if not dialog.exec():
            return
        self.write_survey_for(dialog.value())

    def write_survey_for(self, choice: SurveyChoice) -> None:
        from qmsdesk.services.outreach import survey

        page = self.page
        db, today = page.db, page.today
        folder = Path(get(EXPORT_FOLDER) or paths.reports_dir())
        default = folder / survey.file_name(choice.party_ref, choice.category, today)
        name, _ = QFileDialog.getSaveFileName(page, page.tr("Save survey"), str(default),
                                              page.tr("Excel workbook (*.xlsx)"))
        if not name:
            return
        out = Path(name) if name.lower().endswith(".xlsx") else Path(f"{name}.xlsx")

        def write() -> SurveyWritten:
            asked = survey.survey_parties(db, today, choice.party_ref, choice.category)
            return survey.write_survey(db, out, asked, today)

        run_with_progress(page, page.tr("Writing the survey"), lambda: call(write),
                          self._written, task_failed(page, page.tr("No survey written")))

    def _written(self, written: SurveyWritten) -> None:
        page = self.page
        report_runner.open_file(str(written.path.parent), page)
        page.window_.statusBar().showMessage(
            page.tr("Survey for %1 written to %2: send it, then import the return "
                    "(Register › Import survey returns…).")
            .replace("%1", ", ".join(written.parties[:3]) + (" …" if len(written.parties) > 3
                                                             else ""))
            .replace("%2", str(written.path)), 20000)

    def import_returns(self) -> None:
        path = report_runner.ask_returned_workbook(self.page,
                                                   self.page.tr("Import survey returns"))
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        """Read and check the return on a worker, ask, then import it on a worker."""
        from qmsdesk.services.outreach import survey

        page = self.page
        db, today = page.db, page.today
        run_with_progress(page, page.tr("Reading the survey"), lambda: call(
            lambda: survey.read_survey(db, path, today)),
            lambda returned: self._confirm(path, returned),
            task_failed(page, page.tr("Survey not imported")))

    def _confirm(self, path: Path, returned: SurveyReturn) -> None:
        from qmsdesk.services.outreach import survey

        page = self.page
        lines = "\n".join(f"{a.ref} {a.name}: "
                          + (f"{a.overall}/5" if a.overall is not None else page.tr("no score"))
                          for a in returned.answers[:12])
        more = len(returned.answers) - 12
        if more > 0:
            lines += "\n" + page.tr("and %s more") % more
        if QMessageBox.question(page, page.tr("Import survey returns"), page.tr(
                "Add these answers of the survey of %1 to the engagement log and file the "
                "workbook as evidence on each party?\n\n%2").replace(
                    "%1", returned.issued_on.isoformat()).replace("%2", lines)) \
                != QMessageBox.StandardButton.Yes:
            return
        db, today = page.db, page.today
        run_with_progress(page, page.tr("Importing the survey"), lambda: call(
            lambda: survey.import_survey(db, path, today)), self._imported,
            task_failed(page, page.tr("Survey not imported")))

    def _imported(self, result: SurveyImported) -> None:
        page = self.page
        page.window_.statusBar().showMessage(result.summary(), 20000)
        QMessageBox.information(page, page.tr("Survey imported"), result.summary())
