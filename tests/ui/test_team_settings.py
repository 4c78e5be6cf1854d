"""Settings › Team: an administrator adds a member through the dialog; an editor sees the
team but not the buttons, and the approvals they may not give are disabled, saying why."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from qmsdesk.models.identity import os_login
from qmsdesk.models.staff import StaffMember
from qmsdesk.services import staff
from tests.ui.conftest import drive_dialog


def _click_save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_an_administrator_adds_a_member_from_settings(window, qtbot):
    outcome: list[str] = []

    def member(dialog) -> None:
        qtbot.keyClicks(dialog.login, "jkowalczyk")
        qtbot.keyClicks(dialog.display_name, "Jan Kowalczyk")
        dialog.role.setCurrentIndex(dialog.role.findData("approver"))
        _click_save(dialog, qtbot)

    def settings(dialog) -> None:
        team = dialog.team
        assert dialog.tabs.tabText(dialog.tabs.indexOf(team)) == "&Team"
        assert team.add_button.isEnabled() and "administrator" in team.who.text()
        drive_dialog(lambda: qtbot.mouseClick(team.add_button, Qt.MouseButton.LeftButton),
                     member)
        outcome.append(team.outcome.text())
        outcome.append(team.model.rows()[0].display_name)

    drive_dialog(window.edit_settings, settings)
    assert outcome == ["Jan Kowalczyk is on the team as approver.", "Jan Kowalczyk"]
    assert [(m.login, m.role) for m in staff.list_staff(window.db)] == [("jkowalczyk",
                                                                        "approver")]


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
