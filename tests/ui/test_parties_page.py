"""The interested-parties page driven as a person would: keyboard, mouse, dialogs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QToolButton,
)

from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.parties import Party
from qmsdesk.services.parties import service
from qmsdesk.ui.child_table import open_editor
from qmsdesk.ui.dialogs.party_dialog import PartyDialog
from qmsdesk.ui.pages.parties_page import COLUMNS
from tests.ui.conftest import drive_dialog


def _page(window):
    return window.show_page("parties")


def _button_for(page, action) -> QToolButton:
    return next(b for b in page.findChildren(QToolButton) if b.defaultAction() is action)


def _save_button(dialog: PartyDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def _names(page) -> list[str]:
    return [row.name for row in page.visible_rows()]


def test_register_lists_every_active_party(window):
    page = _page(window)
    assert page.proxy.rowCount() == 4
    assert "株式会社サンプル精工" in _names(page)
    assert page.count_label.text() == "4 parties"
    assert window.nav.item(0).text() == "Dashboard"


def test_search_filters_as_you_type(window, qtbot):
    page = _page(window)
    page.search.insert("ŁÓDŹ")  # QTest types ASCII only; case-folded Unicode must match
    assert _names(page) == ["Łódź Logistics Sp. z o.o."]
    page.search.clear()
    qtbot.keyClicks(page.search, "logis")
    assert _names(page) == ["Łódź Logistics Sp. z o.o."]
    assert "1 of 4 parties shown" in page.count_label.text()
    page.search.clear()
    page.category.setCurrentIndex(page.category.findData("customer"))
    assert sorted(_names(page)) == ["Müller Präzisionsteile GmbH", "株式会社サンプル精工"]
    page.quadrant.setCurrentIndex(page.quadrant.findData("Manage closely"))
    assert _names(page) == ["Müller Präzisionsteile GmbH"]


def test_new_party_through_the_editor(window, qtbot):
    page = _page(window)

    def fill(dialog: PartyDialog) -> None:
        dialog.name.insert("Ørsted")  # QTest types ASCII only
        qtbot.keyClicks(dialog.name, " Components A/S")
        dialog.category.setCurrentText("Partner")
        dialog.influence.setValue(4)
        dialog.interest.setValue(3)  # a new party starts unrated
        qtbot.keyClicks(dialog.email, "quality@orsted.example")
        assert dialog.quadrant.text().strip() == "Manage closely"
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)

    drive_dialog(lambda: qtbot.mouseClick(_button_for(page, page.new_action),
                                          Qt.MouseButton.LeftButton), fill)
    assert "Ørsted Components A/S" in _names(page)
    assert page.selected_row().name == "Ørsted Components A/S"
    with window.db.session() as session:
        party = session.query(Party).filter_by(name="Ørsted Components A/S").one()
        assert (party.ref, party.category, party.influence) == ("IP-0005", "partner", 4)
        entries = session.query(AuditEntry).filter_by(ref="IP-0005", action="create").all()
        assert {e.field for e in entries} >= {"name", "category", "email"}


def test_invalid_input_is_shown_next_to_the_field_and_nothing_saved(window, qtbot):
    page = _page(window)
    seen: dict[str, str] = {}

    def fill(dialog: PartyDialog) -> None:
        qtbot.keyClicks(dialog.email, "not-an-email")
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
        seen["name"] = dialog.error_text("name")
        seen["email"] = dialog.error_text("email")
        seen["visible"] = str(dialog.isVisible())

    drive_dialog(page.new_action.trigger, fill)
    assert seen == {"name": "Name is required.",
                    "email": "'not-an-email' is not an email address (name@example.com).",
                    "visible": "True"}
    assert page.model.rowCount() == 4


def test_duplicate_name_is_refused(window, qtbot):
    page = _page(window)
    seen: list[str] = []

    def fill(dialog: PartyDialog) -> None:
        dialog.name.insert("MÜLLER PRÄZISIONSTEILE GMBH")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
        seen.append(dialog.error_text("name"))

    drive_dialog(page.new_action.trigger, fill)
    assert seen == ["An active party with this name already exists (IP-0001)."]


def test_enter_opens_editor_and_requirement_added_in_place(window, qtbot):
    page = _page(window)
    page.select_party(2)
    page.table.setFocus()

    def edit(dialog: PartyDialog) -> None:
        assert dialog.name.text() == "Łódź Logistics Sp. z o.o."
        dialog.tabs.setCurrentIndex(1)
        add = next(b for b in dialog.findChildren(QPushButton)
                   if b.text() == "Add need or expectation")
        qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
        editor = open_editor(dialog.requirement_view)
        qtbot.keyClicks(editor, "Delivery slots booked 48 h ahead")
        # Save straight from the open cell: what was typed must not be lost.
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)

    drive_dialog(lambda: qtbot.keyClick(page.table, Qt.Key.Key_Return), edit)
    record = service.get_party(window.db, 2)
    assert [r.description for r in record.requirements] == ["Delivery slots booked 48 h ahead"]
    assert page.selected_row().requirement_count == 1


def test_cancel_with_changes_asks_and_keeps_database(window, qtbot, monkeypatch):
    page = _page(window)
    page.select_party(1)
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(title)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    still_open: list[bool] = []

    def edit(dialog: PartyDialog) -> None:
        dialog.name.setText("Renamed but not saved")
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        still_open.append(dialog.isVisible())
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        still_open.append(dialog.isVisible())

    drive_dialog(page.open_action.trigger, edit)
    assert asked == ["Unsaved changes", "Unsaved changes"]
    assert still_open == [True, False]
    assert service.get_party(window.db, 1).name == "Müller Präzisionsteile GmbH"


def test_conflicting_save_is_refused_and_explained(window, qtbot, monkeypatch):
    page = _page(window)
    page.select_party(1)
    messages: list[str] = []

    def edit(dialog: PartyDialog) -> None:
        other = service.get_party(window.db, 1)  # someone else saves first
        other.owner = "James O'Neill"
        service.save_party(window.db, other, window.today)
        dialog.owner.setText("Sofia Ricci")

        def answer() -> None:
            box = QApplication.activeModalWidget()
            messages.append(box.text())
            keep = next(b for b in box.buttons() if b.text() == "Keep editing")
            keep.click()

        QTimer.singleShot(0, answer)
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
        assert dialog.isVisible()

    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    drive_dialog(page.open_action.trigger, edit)
    assert messages and "changed elsewhere" in messages[0]
    assert service.get_party(window.db, 1).owner == "James O'Neill"


def test_archive_and_restore(window, qtbot, monkeypatch):
    page = _page(window)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *_a, **_k: ("No longer relevant", True))
    page.select_party(4)
    qtbot.mouseClick(_button_for(page, page.archive_action), Qt.MouseButton.LeftButton)
    assert "City Council" not in _names(page)
    archived = service.get_party(window.db, 4)
    assert (archived.status, archived.archive_reason) == ("archived", "No longer relevant")
    qtbot.mouseClick(page.show_archived, Qt.MouseButton.LeftButton)
    assert "City Council (archived)" in [page.model.column(1).text(r) for r in page.visible_rows()]
    page.select_party(4)
    page.restore_action.trigger()
    restored = service.get_party(window.db, 4)
    assert (restored.status, restored.archive_reason) == ("active", "")
    with window.db.session() as session:
        actions = [e.action for e in session.query(AuditEntry).filter_by(ref="IP-0004",
                                                                         field="status")]
    assert actions == ["create", "archive", "restore"]


def test_clicking_a_dot_on_the_grid_selects_the_party(window, qtbot):
    page = _page(window)
    page.rebuild_chart()
    qtbot.waitUntil(lambda: page.chart.canvas is not None and not page.chart.building,
                    timeout=10000)  # built on a worker
    canvas = page.chart.canvas
    qtbot.waitUntil(lambda: canvas.width() > 100 and canvas.height() > 100)
    canvas.draw()
    scatter = canvas.figure.qms_scatter
    target = next(i for i, r in enumerate(page._chart_points) if r.ref == "IP-0003")
    x, y = scatter.axes.transData.transform(scatter.get_offsets()[target])
    ratio = canvas.devicePixelRatioF()
    point = QPoint(int(x / ratio), int(canvas.height() - y / ratio))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point)
    assert page.selected_row().ref == "IP-0003"


def test_report_runs_in_background_and_opens(window, qtbot, monkeypatch, tmp_path: Path):
    page = _page(window)
    out = tmp_path / "register.pdf"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda *a, **k: (str(out), "PDF (*.pdf)"))
    opened: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.report_runner.open_file", opened.append)
    page.report_action.trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    assert opened == [str(out)]
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("text", ["zzz-no-such-party"])
def test_empty_search_result_says_so(window, qtbot, text):
    page = _page(window)
    qtbot.keyClicks(page.search, text)
    assert page.body.currentWidget() is page.empty
    assert "Nothing matches the search" in page.empty.text()


def test_reviewed_today_moves_the_next_review_one_interval_on(window, qtbot):
    page = _page(window)
    page.select_party(1)

    def review(dialog: PartyDialog) -> None:
        dialog.interval.setValue(6)
        qtbot.mouseClick(dialog.mark_reviewed, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)

    drive_dialog(page.open_action.trigger, review)
    record = service.get_party(window.db, 1)
    assert record.last_review == window.today
    assert record.next_review == date(2027, 5, 21)


def test_register_shows_latest_satisfaction_with_trend(window, qtbot):
    record = service.get_party(window.db, 2)
    record.engagements = [
        service.EngagementRecord(on_date=date(2026, 3, 1), kind="survey", summary="Q1",
                                 satisfaction=4),
        service.EngagementRecord(on_date=date(2026, 9, 1), kind="complaint",
                                 summary="Late delivery", satisfaction=2),
        service.EngagementRecord(on_date=date(2026, 10, 1), kind="call", summary="Chased"),
    ]
    service.save_party(window.db, record, window.today)
    page = _page(window)
    page.refresh()
    row = page.model.find(lambda r: r.id == 2)
    column = [c.header for c in COLUMNS].index("Satisf.")
    index = page.model.index(row, column)
    assert index.data() == "2/5 ↓"
    assert "previous 4/5" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert page.model.index(page.model.find(lambda r: r.id == 1), column).data() == "—"


def test_archive_and_restore_follow_the_selection(window, qtbot, monkeypatch):
    page = _page(window)
    page.select_party(1)
    assert page.archive_action.isEnabled() and not page.restore_action.isEnabled()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *_a, **_k: ("No longer relevant", True))
    page.archive_action.trigger()
    page.show_archived.setChecked(True)
    page.select_party(1)
    assert page.restore_action.isEnabled() and not page.archive_action.isEnabled()


def test_party_editor_lists_and_adds_its_actions(window, qtbot):
    page = _page(window)
    page.select_party(3)
    titles: list[list[str]] = []

    def add_action(dialog) -> None:
        assert dialog.source.currentData() == "party"
        qtbot.keyClicks(dialog.title, "Send 8D for the bore complaint")
        qtbot.keyClicks(dialog.owner, "Anna Kowalska")  # else: "nobody owns it" first
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                         Qt.MouseButton.LeftButton)

    def edit(dialog: PartyDialog) -> None:
        dialog.tabs.setCurrentWidget(dialog.actions)
        drive_dialog(lambda: qtbot.mouseClick(dialog.actions.new_button,
                                              Qt.MouseButton.LeftButton), add_action)
        titles.append([r.title for r in dialog.actions.table.rows()])
        dialog.done(0)

    drive_dialog(page.open_action.trigger, edit)
    assert titles == [["Send 8D for the bore complaint"]]
    from qmsdesk.services.actions import service as action_service

    rows = action_service.list_actions(window.db, window.today, party_id=3)
    assert [(r.source, r.source_ref) for r in rows] == [("party", "IP-0003")]


def test_new_party_cannot_add_actions_until_saved(window, qtbot):
    page = _page(window)
    states: list[bool] = []
    drive_dialog(page.new_action.trigger, lambda dialog: states.append(
        any("Actions" in dialog.tabs.tabText(i) for i in range(dialog.tabs.count()))))
    assert states == [False]


def test_archiving_asks_why_until_told_and_cancel_archives_nothing(window, monkeypatch):
    page = _page(window)
    answers = iter([("  ", True), ("Merged into the county's authority", True)])
    prompts: list[str] = []

    def ask(_parent, _title, prompt, *_args, **_kwargs):
        prompts.append(prompt)
        return next(answers)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText", ask)
    page.select_party(4)
    page.archive_action.trigger()
    assert "Why is it archived?" in prompts[0] and "A reason is needed" in prompts[1]
    assert service.get_party(window.db, 4).archive_reason == \
        "Merged into the county's authority"
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *_a, **_k: ("", False))  # Cancel
    page.select_party(1)
    page.archive_action.trigger()
    assert service.get_party(window.db, 1).status == "active"
