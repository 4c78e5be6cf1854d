"""The objectives page: policy revisions, the objective editor, measurements, actions."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from qmsdesk.services.actions import service as action_service
from qmsdesk.services.objectives import policy as policy_service
from qmsdesk.services.objectives import service
from qmsdesk.ui.child_table import open_editor
from qmsdesk.ui.dialogs.action_dialog import ActionDialog
from qmsdesk.ui.dialogs.objective_dialog import ObjectiveDialog
from qmsdesk.ui.dialogs.policy_dialog import PolicyDialog
from tests.ui.conftest import drive_dialog
from tests.ui.signing import sign_next

COMMITMENT = "Deliver right first time, on time"


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _with_policy(window) -> None:
    policy_service.revise_policy(window.db, "We satisfy our customers.",
                                 [COMMITMENT, "Improve continually"], "Helen Whitfield",
                                 date(2026, 1, 10), window.today)


def _fill_objective(dialog: ObjectiveDialog, qtbot) -> None:
    qtbot.keyClicks(dialog.title, "Right First Time 99.8 %")
    dialog.commitment.setCurrentIndex(dialog.commitment.findData(COMMITMENT))
    qtbot.keyClicks(dialog.kpi, "Right First Time")
    qtbot.keyClicks(dialog.unit, "%")
    qtbot.keyClicks(dialog.baseline, "99.1")
    qtbot.keyClicks(dialog.target, "99.8")
    dialog.start.set_value(date(2026, 1, 1))
    dialog.due.set_value(date(2026, 12, 31))
    qtbot.keyClicks(dialog.owner, "James O'Neill")
    dialog.status.setCurrentIndex(dialog.status.findData("active"))


def test_policy_revisions_head_the_page(window, qtbot):
    page = window.show_page("objectives")
    assert "No quality policy recorded yet" in page.policy_text.text()
    signed: list[list[str]] = []

    def fill(dialog: PolicyDialog) -> None:
        qtbot.keyClicks(dialog.statement, "We make parts that fit, first time.")
        qtbot.keyClicks(dialog.commitments, "Meet requirements")
        qtbot.keyClicks(dialog.approved_by, "Helen Whitfield")
        signed.append(sign_next("Approved as top management"))
        _save(dialog, qtbot)

    drive_dialog(lambda: qtbot.mouseClick(page.revise_button, Qt.MouseButton.LeftButton), fill)
    assert "revision 1, approved by Helen Whitfield" in page.policy_box.title()
    assert "fit, first time" in page.policy_text.text()

    def revise(dialog: PolicyDialog) -> None:
        assert dialog.statement.toPlainText() == "We make parts that fit, first time."
        dialog.statement.setPlainText("We make parts that fit, first time, every time.")
        sign_next()
        _save(dialog, qtbot)

    drive_dialog(page.revise_policy, revise)
    history = policy_service.policy_history(window.db)
    assert [(p.revision, p.statement) for p in history] == [
        (2, "We make parts that fit, first time, every time."),
        (1, "We make parts that fit, first time.")]
    assert len(signed[0]) == 1 and "(login " in signed[0][0]  # who signs, said first
    assert history[1].signature.startswith("\u201cApproved as top management\u201d, login ")


def test_new_objective_with_measurements_and_live_chart(window, qtbot):
    _with_policy(window)
    page = window.show_page("objectives")
    points: list[int] = []

    def fill(dialog: ObjectiveDialog) -> None:
        _fill_objective(dialog, qtbot)
        dialog.tabs.setCurrentIndex(1)
        for day, value in ((date(2026, 9, 30), "99.5"), (date(2026, 10, 31), "99.6")):
            qtbot.mouseClick(next(b for b in dialog.findChildren(QPushButton)
                                  if b.text() == "Add measurement"), Qt.MouseButton.LeftButton)
            editor = open_editor(dialog.measurement_view)
            qtbot.keyClicks(editor, value)
            qtbot.keyClick(editor, Qt.Key.Key_Tab)
            row = dialog.measurements.rowCount() - 1
            dialog.measurements.setData(dialog.measurements.index(row, 0), day)
        dialog.rebuild_chart()
        points.append(len(dialog.chart.figure.qms_measured.get_xdata()))
        _save(dialog, qtbot)

    drive_dialog(page.new_action.trigger, fill)
    assert points == [2]
    row = page.table.selected_row()
    assert (row.ref, row.title, row.target_text) == ("OBJ-2026-01", "Right First Time 99.8 %",
                                                     "≥ 99.8 %")
    assert row.latest_value == 99.6 and row.health in ("on track", "at risk")
    record = service.get_objective(window.db, row.id)
    user = window.db.user
    assert [(m.period, m.value, m.recorded_by) for m in record.measurements] == [
        ("2026-09", 99.5, user), ("2026-10", 99.6, user)]


def test_bad_numbers_and_dates_are_explained_and_nothing_saved(window, qtbot):
    _with_policy(window)
    page = window.show_page("objectives")
    seen: dict[str, str] = {}

    def fill(dialog: ObjectiveDialog) -> None:
        _fill_objective(dialog, qtbot)
        dialog.baseline.setText("about 99")
        dialog.measurements.add()
        dialog.measurements.setData(dialog.measurements.index(0, 0), date(2025, 6, 1))
        dialog.measurements.setData(dialog.measurements.index(0, 1), 99.0)
        _save(dialog, qtbot)
        seen["baseline"] = dialog.error_text("baseline")
        seen["measurements"] = dialog.general_error.text()

    drive_dialog(page.new_action.trigger, fill)
    assert "number" in seen["baseline"].lower()
    assert "before the objective starts" in seen["measurements"]
    assert service.list_objectives(window.db, window.today) == []


def test_action_added_from_the_objective_editor(window, qtbot):
    _with_policy(window)
    record = service.new_objective(window.today)
    for key, value in dict(title="OTIF 95 %", kpi_name="OTIF", unit="%", baseline=88.0,
                           target=95.0, start_date=date(2026, 1, 1),
                           due_date=date(2026, 12, 31), owner="Sofia Ricci",
                           policy_commitment=COMMITMENT, status="active").items():
        setattr(record, key, value)
    saved = service.save_objective(window.db, record, window.today)
    page = window.show_page("objectives")
    page.refresh(select_id=saved.id)

    def add_action(action: ActionDialog) -> None:
        assert action.source.currentData() == "objective"
        qtbot.keyClicks(action.title, "Daily call-off review with logistics")
        qtbot.keyClicks(action.owner, "Sofia Ricci")  # else: "nobody owns it" first
        _save(action, qtbot)

    def edit(dialog: ObjectiveDialog) -> None:
        dialog.tabs.setCurrentIndex(2)
        drive_dialog(lambda: qtbot.mouseClick(dialog.actions.new_button,
                                              Qt.MouseButton.LeftButton), add_action)
        assert [r.title for r in dialog.actions.table.rows()] == [
            "Daily call-off review with logistics"]
        dialog.done(0)

    drive_dialog(page.open_selected, edit)
    rows = action_service.list_actions(window.db, window.today, objective_id=saved.id)
    assert [(r.ref, r.source_ref) for r in rows] == [("ACT-0001", saved.ref)]
    assert page.table.selected_row().open_actions == 1
    assert QApplication.activeModalWidget() is None
