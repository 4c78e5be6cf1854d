"""The Reports page: issuing, the report log, re-opening, management-review meetings."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from qmsdesk import registers as catalogue
from qmsdesk.models.audit import AuditEntry
from qmsdesk.services import management_reviews as meetings
from qmsdesk.services.actions import service as action_service
from tests.ui.conftest import drive_dialog


def _page(window):
    return window.show_page("reports")


@pytest.fixture
def saved_to(monkeypatch, tmp_path: Path):
    """Answer every save dialog with a new file in tmp_path; collect what gets opened."""
    names = iter(tmp_path / f"out-{n}" for n in range(100))
    opened: list[str] = []

    def ask(*_args, **_kwargs):
        name = next(names)
        return str(name.with_suffix(".zip" if "Zip" in _args[3] else ".pdf")), ""

    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName", ask)
    monkeypatch.setattr("qmsdesk.ui.report_runner.open_file", opened.append)
    # a failure must fail the test, not wait for someone to close a message box
    monkeypatch.setattr("qmsdesk.ui.report_runner.show_error",
                        lambda _parent, _title, text: opened.append(f"error: {text}"))
    return opened


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_issued_reports_are_logged_with_their_revision_and_reopen(window, qtbot, saved_to):
    page = _page(window)
    assert page.log.body.currentWidget() is page.log.empty
    button = page.findChild(type(page.open_button), "issue_parties")
    _click(qtbot, button)
    qtbot.waitUntil(lambda: len(saved_to) == 1, timeout=30000)
    _click(qtbot, button)
    qtbot.waitUntil(lambda: len(saved_to) == 2, timeout=30000)
    rows = page.log.rows()
    assert [(r.title, r.revision) for r in rows] == [("Interested parties register", 1)] * 2
    assert "content unchanged" in window.statusBar().currentMessage()
    model = page.log.view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:4] == ["Generated", "Report", "Document", "Rev"]
    page.log.select_id(rows[1].id)
    assert page.open_button.isEnabled()
    _click(qtbot, page.open_button)
    assert saved_to[-1] == rows[1].path
    Path(rows[1].path).unlink()
    page.refresh(rows[1].id)
    assert not page.open_button.isEnabled()
    column = headers.index("File")
    assert model.index(page.log.current_index().row(), column).data() == "Missing"


def test_a_management_review_is_recorded_and_moves_the_default_period(window, qtbot, today):
    page = _page(window)
    assert page.period_from.value() == date(today.year, 1, 1)
    assert page.period_to.value() == today

    def fill(dialog) -> None:
        dialog.held_on.set_value(today + timedelta(days=1))  # not held yet: refused
        dialog.period_from.set_value(date(today.year - 1, 1, 1))
        dialog.period_to.set_value(date(today.year - 1, 12, 31))
        qtbot.keyClicks(dialog.chair, "Managing Director")
        qtbot.keyClicks(dialog.attendees, "QM, Production, Sales")
        qtbot.keyClicks(dialog.conclusions, "Policy remains suitable.")
        _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))
        assert "once it has been held" in dialog.error_text("held_on")
        dialog.held_on.set_value(date(today.year, 2, 10))
        _click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Save))

    page.tabs.setCurrentWidget(page.meetings)
    drive_dialog(page.meetings.new_button.click, fill)
    (row,) = page.meetings.rows()
    assert (row.ref, row.chair) == (f"MR-{today.year}-01", "Managing Director")
    assert page.period_from.value() == date(today.year, 1, 1)  # day after 31 December
    with window.db.session() as session:
        assert session.query(AuditEntry).filter_by(entity="management review").count() > 0


def test_actions_decided_at_a_review_are_added_from_its_editor(window, qtbot, today):
    saved = meetings.save_meeting(window.db, meetings.ReviewMeeting(
        held_on=today - timedelta(days=30), period_from=today - timedelta(days=400),
        period_to=today - timedelta(days=35)), today)
    page = _page(window)
    page.tabs.setCurrentWidget(page.meetings)

    def add_action(action_dialog) -> None:
        qtbot.keyClicks(action_dialog.title, "Second supplier for castings")
        qtbot.keyClicks(action_dialog.owner, "Sofia Ricci")  # else: "nobody owns it" first
        _click(qtbot, action_dialog.buttons.button(QDialogButtonBox.StandardButton.Save))

    def in_meeting(dialog) -> None:
        dialog.tabs.setCurrentWidget(dialog.actions)
        drive_dialog(dialog.actions.new_button.click, add_action)
        assert [r.title for r in dialog.actions.table.rows()] == ["Second supplier for castings"]

    page.meetings.table.select_id(saved.id)
    drive_dialog(page.meetings.open_button.click, in_meeting)
    (action,) = action_service.list_actions(window.db, today, management_review_id=saved.id)
    assert (action.source, action.source_ref) == ("management review", saved.ref)
    assert page.meetings.rows()[0].open_actions == 1


def test_a_period_ending_before_it_starts_is_refused_without_running(window, qtbot, saved_to,
                                                                     today):
    page = _page(window)
    page.period_from.set_value(today)
    page.period_to.set_value(today - timedelta(days=1))
    _click(qtbot, page.review_button)
    assert page.period_error.isVisible()
    assert "end on or after" in page.period_error.text()
    assert saved_to == [] and page.log.rows() == []


def test_management_review_pack_and_auditor_pack_from_the_gui(window, qtbot, saved_to, today):
    page = _page(window)
    page.period_from.set_value(date(today.year, 3, 1))
    page.period_to.set_value(date(today.year, 10, 31))
    _click(qtbot, page.review_button)
    qtbot.waitUntil(lambda: len(saved_to) == 1, timeout=60000)
    assert page.log.rows()[0].report_type == "management-review"
    assert page.log.rows()[0].period == f"{today.year}-03-01 to {today.year}-10-31"
    # the chosen period stays for the next pack
    assert (page.period_from.value(), page.period_to.value()) == (
        date(today.year, 3, 1), date(today.year, 10, 31))
    _click(qtbot, page.pack_button)
    qtbot.waitUntil(lambda: len(saved_to) == 2, timeout=60000)
    (pack,) = Path(saved_to[1]).glob("*.zip")
    with zipfile.ZipFile(pack) as archive:
        assert any(name.endswith("manifest.sha256") for name in archive.namelist())
    rows = page.log.rows()
    every = sorted(report.key for report in catalogue.reports())
    assert len(rows) == 1 + len(every)  # the pack issued earlier, then one of each
    in_pack = [row for row in rows if row.archive_member]
    assert sorted(row.report_type for row in in_pack) == every
    assert {"management-review", "objectives", "parties", "suppliers", "actions"} <= set(every)
    assert all(row.archive_member[0] == pack for row in in_pack)


def _approve_dialog(page, qtbot, interact) -> None:
    drive_dialog(lambda: _click(qtbot, page.approve_button), interact)


def test_an_approver_approves_a_revision_and_a_new_copy_prints_it(
        window, qtbot, saved_to, monkeypatch):
    from pypdf import PdfReader

    from qmsdesk.services import user_settings
    from qmsdesk.services.org_settings import load_settings, save_settings

    settings = load_settings(window.db)
    settings.organisation, settings.approved_by = "Northwind", "Helen Whitfield"
    save_settings(window.db, settings)
    page = _page(window)
    _click(qtbot, page.findChild(type(page.open_button), "issue_parties"))
    qtbot.waitUntil(lambda: len(saved_to) == 1, timeout=30000)
    page.log.select_id(page.log.rows()[0].id)
    assert page.approve_button.isEnabled()

    user_settings.set_identity("Anna Kowalska", "Quality Manager")  # not an approver

    def refused(dialog) -> None:
        assert not dialog.approve_button.isEnabled()
        assert "Only the approvers named in Settings" in dialog.error.text()
    _approve_dialog(page, qtbot, refused)

    user_settings.set_identity("Helen Whitfield", "Managing Director")
    asked: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.question",
                        lambda _parent, title, _text: asked.append(title)
                        or QMessageBox.StandardButton.Yes)

    def approve(dialog) -> None:
        assert dialog.who.text() == "Helen Whitfield, Managing Director"
        assert dialog.change.text() == "First issue"
        _click(qtbot, dialog.approve_button)
    _approve_dialog(page, qtbot, approve)

    assert asked == ["Issue with the approval?"]
    qtbot.waitUntil(lambda: len(saved_to) == 2, timeout=30000)
    rows = page.log.rows()
    assert [(r.revision, r.approved.rsplit(", ", 1)[0]) for r in rows] == \
        [(1, "Helen Whitfield, Managing Director")] * 2
    assert not page.approve_button.isEnabled()  # approved once
    first_page = " ".join(PdfReader(saved_to[1]).pages[0].extract_text().split())
    assert "Approved by Helen Whitfield, Managing Director" in first_page
