"""What the editors say back: dates that start from today, a live scorecard that shows the
problem instead of a result, messages that go once fixed and come all at once, "Saved",
a policy revision that changes nothing refused, files that cannot be opened."""

from __future__ import annotations

import logging
import os
from collections.abc import Generator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from qmsdesk.services.actions import service as actions
from qmsdesk.services.errors import ServiceError, ValidationError
from qmsdesk.services.objectives import policy as policy_service
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.objectives import service as objectives
from qmsdesk.services.objectives.records import MeasurementRecord
from qmsdesk.services.parties import service as parties
from qmsdesk.services.progress import Progress
from qmsdesk.services.suppliers import rules as supplier_rules
from qmsdesk.services.suppliers.records import CriterionScore, ReviewRecord
from qmsdesk.ui import report_runner, tasks
from qmsdesk.ui.action_editing import edit_action
from qmsdesk.ui.child_table import open_editor
from qmsdesk.ui.dialogs.objective_dialog import ObjectiveContext, ObjectiveDialog
from qmsdesk.ui.dialogs.party_dialog import PartyDialog
from qmsdesk.ui.dialogs.review_dialog import ReviewDialog
from qmsdesk.ui.widgets import DateEdit
from tests.ui.conftest import drive_dialog


def _save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _close(dialog) -> None:
    dialog._initial = None
    dialog.done(0)
    dialog.deleteLater()


# --- dates -----------------------------------------------------------------------------------
@pytest.mark.qt_log_ignore("does not support grabbing", "does not support raise")
def test_an_empty_date_steps_and_opens_its_calendar_at_today(qtbot, today):
    edit = DateEdit(optional=True)
    qtbot.addWidget(edit)
    edit.set_value(None)
    edit.show()
    edit.setFocus()
    assert edit.value() is None and edit.text() == "Not set"
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 6,
                                                                 edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible, timeout=2000)
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year, today.month)
    assert edit.value() is None  # opening the calendar picks nothing
    qtbot.keyClick(calendar, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not calendar.isVisible(), timeout=2000)
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert edit.value() == today


# --- the review's live scorecard -------------------------------------------------------------
def _review(today) -> ReviewRecord:
    return ReviewRecord(supplier_id=1, review_date=today, reviewer="Anna Kowalska",
                        scores=[CriterionScore("Quality", 60.0), CriterionScore("Delivery", 40.0)])


def _type_score(qtbot, dialog: ReviewDialog, row: int, text: str) -> None:
    view = dialog.score_view
    index = dialog.scores.index(row, 2)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = open_editor(view)
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # leaving the cell commits it


def test_the_live_summary_shows_the_problem_not_a_total(qtbot, today):
    def refuse(record: ReviewRecord) -> object:
        raise ValidationError(supplier_rules.validate_review(record, today, False))

    dialog = ReviewDialog(_review(today), refuse, today, "SUP-0001 — Acme",
                          supplier_rules.DEFAULT_BANDS)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    _type_score(qtbot, dialog, 0, "120")
    _type_score(qtbot, dialog, 1, "abc")
    dialog.update_summary()
    assert "Total" not in dialog.summary.text() and "band" not in dialog.summary.text()
    assert "Quality: the score must be 0 to 100" in dialog.summary.text()
    assert "Delivery: the score must be 0 to 100" in dialog.summary.text()
    _save(qtbot, dialog)  # flagged by Save, still no result
    dialog.update_summary()
    assert "Total" not in dialog.summary.text()
    assert "Quality" in dialog.score_error.text() and "Delivery" in dialog.score_error.text()
    _type_score(qtbot, dialog, 0, "80")
    dialog.update_summary()
    assert "Quality" not in dialog.score_error.text()  # fixed: its message went
    assert "Delivery" in dialog.score_error.text()
    _type_score(qtbot, dialog, 1, "70")
    dialog.update_summary()
    assert "Total" in dialog.summary.text() and "76" in dialog.summary.text()
    _close(dialog)


# --- messages ------------------------------------------------------------------------------
def test_a_field_s_message_goes_when_the_field_is_edited(qtbot, today):
    def refuse(_record: object) -> object:
        raise ValidationError({"name": "The name is required.",
                               "owner": "Name who owns the relationship."})

    dialog = PartyDialog(parties.new_party(today), refuse, today)
    dialog.show()
    _save(qtbot, dialog)
    assert dialog.error_text("name") and dialog.error_text("owner")
    qtbot.keyClicks(dialog.name, "Acme")
    assert dialog.error_text("name") == ""
    assert dialog.error_text("owner") == "Name who owns the relationship."  # not edited
    _close(dialog)


def test_every_problem_of_every_measurement_is_shown_at_once(qtbot, today):
    def refuse(record: object) -> object:
        raise ValidationError(objective_rules.validate_objective(record, today))

    record = objectives.new_objective(today)
    record.measurements = [MeasurementRecord(on_date=None, value="lots"),
                           MeasurementRecord(on_date=today, value="much")]
    dialog = ObjectiveDialog(record, refuse, today, ObjectiveContext())
    dialog.show()
    _save(qtbot, dialog)
    shown = dialog.general_error.text()
    expected = [m for k, m in objective_rules.validate_objective(dialog.value(), today).items()
                if k.startswith("measurements[")]
    assert len(expected) >= 3  # two problems in the first row, one in the second
    assert all(message in shown for message in expected)
    _close(dialog)


def test_saving_an_action_says_so_in_the_status_bar(window, qtbot, today):
    def fill(dialog) -> None:
        qtbot.keyClicks(dialog.title, "Calibrate the torque wrenches")
        qtbot.keyClicks(dialog.owner, "Anna Kowalska")
        _save(qtbot, dialog)

    drive_dialog(lambda: edit_action(window, window.db, today, actions.new_action(today)), fill)
    assert window.statusBar().currentMessage().startswith("Saved ACT-")


def test_a_policy_revision_that_changes_nothing_is_refused(window, qtbot):
    policy_service.revise_policy(window.db, "We satisfy our customers.", ["Improve"],
                                 "Helen Whitfield", window.today, window.today)
    page = window.show_page("objectives")
    seen: list[str] = []

    def save_unchanged(dialog) -> None:
        _save(qtbot, dialog)
        seen.append(dialog.error_text("statement"))

    drive_dialog(page.revise_policy, save_unchanged)
    assert "unchanged" in seen[0] and "nothing was saved" in seen[0]
    assert [p.revision for p in policy_service.policy_history(window.db)] == [1]
    with pytest.raises(ValidationError):  # the rule is the service's: every path gets it
        policy_service.revise_policy(window.db, " We satisfy our customers. ",
                                     ["Improve", ""], "Someone Else", window.today,
                                     window.today)


# --- logs and files ----------------------------------------------------------------------------
def test_an_expected_refusal_is_a_warning_in_the_log_not_an_error(qtbot, caplog):
    def refused() -> Generator[Progress, None, None]:
        yield Progress(0, 1)
        raise ServiceError("Row 3: the name is required.")

    failures: list[BaseException] = []
    with caplog.at_level(logging.INFO, logger="qmsdesk.ui.tasks"):
        tasks.start_task(refused, pytest.fail, failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    records = [r for r in caplog.records if r.name == "qmsdesk.ui.tasks"]
    assert [r.levelno for r in records] == [logging.WARNING]
    assert "Row 3" in records[0].getMessage() and records[0].exc_info is None


@pytest.mark.skipif(os.name != "posix", reason="the opener is xdg-open")
def test_a_file_nothing_can_open_names_its_folder(qtbot, monkeypatch, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opener = bin_dir / "xdg-open"
    opener.write_text("#!/bin/sh\necho 'xdg-open: no method available' >&2\nexit 3\n")
    opener.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr("sys.platform", "linux")
    told: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information",
                        lambda _parent, _title, text: told.append(text))
    pdf = tmp_path / "reports" / "register.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.4\n")
    report_runner.open_file(str(pdf))
    qtbot.waitUntil(lambda: bool(told), timeout=5000)
    assert told == [f"No program on this computer opens register.pdf, so it was not opened; "
                    f"it is saved in {pdf.parent}."]


def test_issued_files_follow_the_umask_not_0600(tmp_path, today):
    from qmsdesk import paths
    from qmsdesk.reports.auditor_pack import _zip
    from qmsdesk.reports.control import title_block
    from qmsdesk.reports.document import build_pdf
    from qmsdesk.reports.document_control import DocumentControl

    old = os.umask(0o022)
    try:
        assert paths.new_file_mode() == 0o644
        control = DocumentControl("Register", "QMS-F-01", "1", "Acme", "Anna", "Helen", today)
        pdf = build_pdf(tmp_path / "register.pdf", control, [*title_block(control)]).path
        (tmp_path / "pack").mkdir()
        (tmp_path / "pack" / "a.txt").write_text("a")
        _zip(tmp_path / "pack", ["a.txt"], tmp_path / "pack.zip")
    finally:
        os.umask(old)
    assert Path(pdf).stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "pack.zip").stat().st_mode & 0o777 == 0o644
