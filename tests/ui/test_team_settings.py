"""Settings › Team: an administrator adds a member through the dialog; an editor sees the
team but not the buttons, and the approvals they may not give are disabled, saying why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from qmsdesk.models.identity import os_login
from qmsdesk.models.staff import StaffMember
from qmsdesk.services import staff
from tests.ui.conftest import drive_dialog


def _click_save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _add_member(team, qtbot, login: str, name: str, role: str) -> None:
    def member(dialog) -> None:
        qtbot.keyClicks(dialog.login, login)
        qtbot.keyClicks(dialog.display_name, name)
        dialog.role.setCurrentIndex(dialog.role.findData(role))
        _click_save(dialog, qtbot)

    drive_dialog(lambda: qtbot.mouseClick(team.add_button, Qt.MouseButton.LeftButton),
                 member)


def test_the_team_s_changes_wait_for_save_and_cancel_discards_them(window, qtbot,
                                                                    monkeypatch):
    seen: list[object] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.question",
                        lambda *_args: seen.append("asked to discard")
                        or QMessageBox.StandardButton.Discard)

    def cancelled(dialog) -> None:
        team = dialog.team
        assert dialog.tabs.tabText(dialog.tabs.indexOf(team)) == "&Team"
        assert team.add_button.isEnabled() and "administrator" in team.who.text()
        _add_member(team, qtbot, "jkowalczyk", "Jan Kowalczyk", "approver")
        seen.append(team.outcome.text())
        seen.append([(m.display_name, team.model.data(team.model.index(0, 4)))
                     for m in team.model.rows()])
        assert staff.list_staff(window.db) == []  # nothing written yet
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel),
                         Qt.MouseButton.LeftButton)

    drive_dialog(window.edit_settings, cancelled)
    assert seen == ["Jan Kowalczyk will be saved when you save Settings; Cancel discards the "
                    "team's changes.", [("Jan Kowalczyk", "Saved with Settings")],
                    "asked to discard"]
    assert staff.list_staff(window.db) == []  # Cancel discarded it

    def accepted(dialog) -> None:
        _add_member(dialog.team, qtbot, "jkowalczyk", "Jan Kowalczyk", "approver")
        _add_member(dialog.team, qtbot, "akowalska", "Anna Kowalska", "viewer")
        dialog.organisation.setText("Northwind Precision Ltd")
        _click_save(dialog, qtbot)
        seen.append(dialog.isVisible())

    drive_dialog(window.edit_settings, accepted)
    assert seen[-1] is False  # Save stored everything and closed Settings
    assert sorted((m.login, m.role) for m in staff.list_staff(window.db)) == [
        ("akowalska", "viewer"), ("jkowalczyk", "approver")]


def test_a_login_twice_among_the_waiting_changes_is_refused_in_the_member_dialog(
        window, qtbot):
    errors: list[str] = []

    def settings(dialog) -> None:
        team = dialog.team
        _add_member(team, qtbot, "jkowalczyk", "Jan Kowalczyk", "editor")

        def again(member) -> None:
            qtbot.keyClicks(member.login, "jkowalczyk")
            qtbot.keyClicks(member.display_name, "Someone Else")
            _click_save(member, qtbot)
            errors.append(member.error_text("login"))

        drive_dialog(lambda: qtbot.mouseClick(team.add_button, Qt.MouseButton.LeftButton),
                     again)
        errors.append(str(len(team.model.rows())))

    drive_dialog(window.edit_settings, settings)
    assert errors == ["jkowalczyk is on the team already (as Jan Kowalczyk); change that "
                      "entry.", "1"]
    assert staff.list_staff(window.db) == []


def test_an_editor_sees_why_they_may_not_keep_the_team_or_approve(window, qtbot):
    with window.db.session() as session:
        session.add(StaffMember(login=os_login(), display_name="Jan Kowalczyk",
                                role="editor", active=True))
    seen: list[tuple[bool, str]] = []

    def settings(dialog) -> None:
        team = dialog.team
        seen.append((team.add_button.isEnabled(), team.add_button.toolTip()))

    drive_dialog(window.edit_settings, settings)
    assert seen[0][0] is False
    assert seen[0][1].startswith("Only an administrator may change the team")
    objectives = window.page("objectives")
    objectives.refresh()
    assert not objectives.revise_button.isEnabled()
    assert objectives.revise_button.toolTip().startswith("Only an approver may approve")
    reports = window.page("reports")
    reports._update_buttons()
    assert not reports.approve_button.isEnabled()
    assert "Settings › Team" in reports.approve_button.toolTip()


def test_an_editor_reviews_a_supplier_but_the_approval_fields_say_why_not(window, qtbot):
    from qmsdesk.services.suppliers import service

    record = service.new_supplier(window.today)
    record.name = "Tyne Heat Treatment Ltd"
    saved = service.save_supplier(window.db, record, window.today)
    with window.db.session() as session:
        session.add(StaffMember(login=os_login(), display_name="Jan Kowalczyk",
                                role="editor", active=True))
    page = window.show_page("suppliers")
    page.refresh(select_id=saved.id)
    seen: list[tuple[bool, bool, str]] = []

    def review(dialog) -> None:
        seen.append((dialog.approved_by.isEnabled(), dialog.approved_on.isEnabled(),
                     dialog.approved_on.toolTip()))

    drive_dialog(page.review_action.trigger, review)
    assert seen[0][:2] == (False, False)
    assert seen[0][2].startswith("Only an approver may approve; you (")
