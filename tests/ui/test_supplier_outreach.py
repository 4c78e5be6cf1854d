"""The supplier and customer loop in the window: the supplier pack, the questionnaire
answers beside the record, the satisfaction survey and its return, the questions in
Settings; driven as a person would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from qmsdesk.services import evidence
from qmsdesk.services.outreach import questions, rounds
from qmsdesk.services.parties import service as parties
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import CertificateRecord
from qmsdesk.ui import report_runner, supplier_outreach
from qmsdesk.ui.dialogs.answers_dialog import AnswersDialog
from qmsdesk.ui.survey_actions import SurveyChoice, SurveyDialog
from tests.factories import make_supplier
from tests.ui.conftest import drive_dialog


@pytest.fixture(autouse=True)
def errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The error messages shown (a modal box would stop the test)."""
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.errors.show_error",
                        lambda parent, title, message, details="": shown.append(message))
    return shown


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The drafts and folders the window asked the system to open."""
    opened: list[str] = []
    monkeypatch.setattr(supplier_outreach, "open_mail", lambda url: opened.append(url) or True)
    monkeypatch.setattr(report_runner, "open_file", lambda path, parent=None: opened.append(path))
    return opened


def _supplier_page(window):
    record = make_supplier(window.today, "Tyne Heat Treatment Ltd", email="ann@tyne.example",
                           contact_person="Ann Lee")
    record.certificates = [CertificateRecord("ISO 9001", "Q-1", "BSI", date(2027, 3, 31))]
    saved = suppliers.save_supplier(window.db, record, window.today)
    page = window.show_page("suppliers")
    page.refresh(select_id=saved.id)
    return page, saved


def _when_modal(kind: type, interact: Callable[[Any], None]) -> list[Any]:
    """Handle the next modal dialog of ``kind`` (opened later, by a task's callback)."""
    seen: list[Any] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog)
        interact(dialog)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, poll)
    return seen


def test_pack_button_writes_the_files_and_opens_the_mail_draft(window, qtbot, mail, errors):
    page, saved = _supplier_page(window)
    assert page.outreach.pack_action.isEnabled()
    page.outreach.pack_action.trigger()
    qtbot.waitUntil(lambda: page.outreach.last_pack is not None or bool(errors),
                    timeout=60000)
    assert errors == []
    pack = page.outreach.last_pack
    assert pack.scorecard.is_file() and pack.questionnaire.is_file()
    assert mail == [str(pack.folder), pack.mailto]
    assert mail[1].startswith("mailto:ann@tyne.example?subject=")
    assert f"Pack of {saved.ref} written to" in window.statusBar().currentMessage()
    assert [r.number for r in rounds.list_rounds(window.db, saved.id)] == [1]
    page.table.view.clearSelection()
    page.table.view.setCurrentIndex(page.table.view.model().index(-1, -1))
    assert not page.outreach.pack_action.isEnabled()


def test_answers_are_shown_beside_the_record_and_the_ticked_ones_taken(window, qtbot, mail,
                                                                      tmp_path, errors):
    from qmsdesk.services.outreach import questionnaire

    page, saved = _supplier_page(window)
    asked = ["Certified?", "Calibrated?"]
    sent = rounds.open_round(window.db, saved.id, window.today, window.today, asked)
    path = questionnaire.write_questionnaire(tmp_path / "q.xlsx", "Northwind", saved, asked,
                                             sent)
    workbook = load_workbook(path)
    sheet = workbook["Questionnaire"]
    sheet["B7"], sheet["D11"], sheet["C17"] = "quality@tyne.example", date(2029, 3, 31), "Yes"
    workbook.save(path)
    seen: list[tuple[int, set[str]]] = []

    def review(dialog: AnswersDialog) -> None:
        dialog.changes.item(1, 0).setCheckState(Qt.CheckState.Unchecked)  # keep the ISO date
        seen.append((dialog.changes.rowCount(), dialog.value()))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    shown = _when_modal(AnswersDialog, review)
    page.outreach.import_file(path)
    qtbot.waitUntil(lambda: bool(seen or errors), timeout=30000)
    assert errors == [] and seen == [(2, {"email"})]
    assert shown[0].answers.rowCount() == 2
    qtbot.waitUntil(lambda: rounds.list_rounds(window.db, saved.id)[0].returned_on is not None,
                    timeout=30000)
    after = suppliers.get_supplier(window.db, saved.id)
    assert after.email == "quality@tyne.example"
    assert after.certificates[0].valid_until == date(2027, 3, 31)
    assert [f.file_name for f in evidence.list_evidence(window.db, "supplier", saved.id)] == [
        "q.xlsx"]


def test_a_foreign_workbook_is_refused_in_one_sentence(window, qtbot, tmp_path, errors):
    from openpyxl import Workbook

    page, _saved = _supplier_page(window)
    other = tmp_path / "prices.xlsx"
    book = Workbook()
    book.active.append(["Part", "Price"])
    book.save(other)
    page.outreach.import_file(other)
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    assert errors == ["'prices.xlsx' is not a supplier questionnaire sent from QMS Desk; "
                     "nothing was imported."]


def test_survey_for_a_category_and_its_return(window, qtbot, mail, tmp_path, monkeypatch,
                                              errors):
    page = window.show_page("parties")
    out = tmp_path / "survey.xlsx"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(out), ""))
    page.surveys.write_survey_for(SurveyChoice(category="customer"))
    qtbot.waitUntil(lambda: out.is_file() or bool(errors), timeout=30000)
    assert errors == []
    workbook = load_workbook(out)
    sheet = workbook["Survey"]
    refs = [sheet.cell(r, 1).value for r in (6, 7)]
    sheet.cell(6, 3, 5)
    sheet.cell(6, 8, 4)  # overall
    workbook.save(out)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    page.surveys.import_file(out)
    rows = {r.ref: r for r in parties.list_parties(window.db, window.today)}

    def logged() -> bool:
        return bool(parties.get_party(window.db, rows[refs[0]].id).engagements)

    qtbot.waitUntil(lambda: logged() or bool(errors), timeout=30000)
    assert errors == []
    entry = parties.get_party(window.db, rows[refs[0]].id).engagements[0]
    assert (entry.kind, entry.satisfaction) == ("survey", 4)
    qtbot.waitUntil(lambda: "Imported 1 survey answers" in window.statusBar().currentMessage(),
                    timeout=30000)


def test_a_survey_nobody_would_receive_is_refused_in_one_sentence(window, qtbot, tmp_path,
                                                                  monkeypatch, errors):
    page = window.show_page("parties")
    out = tmp_path / "partners.xlsx"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(out), ""))
    page.surveys.write_survey_for(SurveyChoice(category="partner"))
    qtbot.waitUntil(lambda: bool(errors), timeout=30000)
    assert errors == ["No active interested party is of category partner; no survey was "
                      "written."]
    assert not out.exists()


def test_survey_dialog_offers_the_selected_party_or_a_category(qtbot):
    dialog = SurveyDialog(("IP-0002", "Acme"), "customer")
    qtbot.addWidget(dialog)
    assert dialog.one.isChecked() and not dialog.category.isEnabled()
    assert dialog.value() == SurveyChoice(party_ref="IP-0002")
    dialog.all.setChecked(True)
    dialog.category.setCurrentIndex(dialog.category.findData("regulator"))
    assert dialog.value() == SurveyChoice(category="regulator")
    alone = SurveyDialog(None, "supplier")
    qtbot.addWidget(alone)
    assert not alone.one.isEnabled() and alone.value() == SurveyChoice(category="supplier")


def test_questions_are_edited_in_settings(window, qtbot):
    seen: list[str] = []

    def edit(dialog) -> None:
        dialog.organisation.setText("Northwind Precision Ltd")
        panel = dialog.questions
        panel.edits["supplier"].setPlainText("Do you hold ISO 9001?\nDo you hold ISO 9001?")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)
        seen.append(panel.errors["supplier"].text())
        seen.append(str(dialog.tabs.currentWidget() is panel))
        panel.edits["supplier"].setPlainText("Do you hold ISO 9001?\n\nDo you audit?")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)

    drive_dialog(window.edit_settings, edit)
    assert seen == ["The questionnaire asks 'Do you hold ISO 9001?' twice.", "True"]
    assert questions.load_questions(window.db, questions.SUPPLIER) == [
        "Do you hold ISO 9001?", "Do you audit?"]
    assert questions.load_questions(window.db, questions.SURVEY) == list(
        questions.DEFAULT_SURVEY_QUESTIONS)
