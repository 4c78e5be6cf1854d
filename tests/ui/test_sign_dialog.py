"""The one sign dialog every approval opens: on a laptop it says who signs and takes the
meaning; on a team's server it also asks for the password, which the server confirms (a
wrong one is refused in one sentence, the dialog stays open, the password is not kept)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from qmsdesk.models.db import open_database
from qmsdesk.models.identity import os_login
from qmsdesk.models.staff import StaffMember
from qmsdesk.services.actions import service
from qmsdesk.ui.dialogs.approval_dialog import SignDialog, ask_signature
from tests.pg_support import needs_server
from tests.ui.conftest import drive_dialog
from tests.ui.signing import sign_next


def _done_action(window) -> service.ActionRecord:
    record = service.new_action(window.today)
    record.title, record.kind, record.status = "Fix gauge calibration", "corrective", "done"
    record.start_date = window.today - timedelta(days=20)
    record.completed_on = window.today - timedelta(days=10)
    return service.save_action(window.db, record, window.today)


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_an_effectiveness_check_is_signed_with_its_meaning_from_the_editor(window, qtbot):
    saved = _done_action(window)
    page = window.show_page("actions")
    assert page.select_record(saved.id)
    asked: list[list[str]] = []
    shown: list[str] = []

    def check(dialog) -> None:
        shown.append(dialog.check_signature.text())
        dialog.effectiveness.setCurrentIndex(dialog.effectiveness.findData("effective"))
        qtbot.keyClicks(dialog.checked_by, "Helen Whitfield")
        dialog.checked_on.set_value(window.today)
        asked.append(sign_next("Effective as quality manager"))
        _save(dialog, qtbot)

    drive_dialog(page.open_selected, check)
    assert shown == ["Not signed: saving a check asks an approver to sign it"]
    assert asked[0] == [f"{window.db.user} (login {os_login()}, administrator)"]
    record = service.get_action(window.db, saved.id)
    assert record.effectiveness == "effective"
    assert record.effectiveness_signature.startswith(
        f"\u201cEffective as quality manager\u201d, login {os_login()}, ")


def test_cancelling_the_signature_saves_nothing_and_says_why(window, qtbot):
    saved = _done_action(window)
    page = window.show_page("actions")
    assert page.select_record(saved.id)
    seen: list[str] = []

    def check(dialog) -> None:
        dialog.effectiveness.setCurrentIndex(dialog.effectiveness.findData("partly"))
        qtbot.keyClicks(dialog.checked_by, "Helen Whitfield")
        dialog.checked_on.set_value(window.today)
        drive_dialog(lambda: _save(dialog, qtbot), lambda sign: (
            seen.append("no password field" if sign.password is None else "asked"),
            sign.reject()))
        seen.append(dialog.error_text("effectiveness"))
        dialog.done(0)

    drive_dialog(page.open_selected, check)
    assert seen[0] == "no password field"  # a laptop has no password to confirm
    assert seen[1].startswith("Not signed, so not saved")
    assert service.get_action(window.db, saved.id).effectiveness == ""


def test_an_editor_sees_the_effectiveness_check_disabled_and_why(window, qtbot):
    saved = _done_action(window)
    with window.db.session() as session:
        session.add(StaffMember(login=os_login(), display_name="Jan Kowalczyk",
                                role="editor", active=True))
    page = window.show_page("actions")
    assert page.select_record(saved.id)
    seen: list[tuple[bool, str]] = []

    def look(dialog) -> None:
        seen.append((dialog.effectiveness.isEnabled(), dialog.checked_on.toolTip()))
        dialog.done(0)

    drive_dialog(page.open_selected, look)
    assert seen[0][0] is False and seen[0][1].startswith("Only an approver may approve")


@pytest.fixture(scope="module")
def password_url() -> Iterator[str]:
    from tests.pg_password_server import password_server

    with password_server() as server:
        from sqlalchemy import create_engine, text

        engine = create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE qms_sign_dialog"))
        engine.dispose()
        url = server.rsplit("/", 1)[0] + "/qms_sign_dialog"
        open_database(url, user="owner", create=True).close()
        yield url


@needs_server
def test_on_a_server_a_wrong_password_is_refused_and_the_right_one_signs(
        qtbot, password_url):
    from tests.pg_password_server import OWNER, OWNER_PASSWORD

    db = open_database(password_url)
    meanings: list[str | None] = []
    seen: list[object] = []

    def sign(dialog: SignDialog) -> None:
        assert dialog.password is not None
        assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
        seen.append(dialog.who.text())
        qtbot.keyClicks(dialog.meaning, "Approved as reviewer")
        qtbot.keyClicks(dialog.password, "wrong-password")
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
        seen.extend([dialog.isVisible(), dialog.error.text(), dialog.password.text()])
        qtbot.keyClicks(dialog.password, OWNER_PASSWORD)
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)

    try:
        drive_dialog(lambda: meanings.append(ask_signature(None, db, "Approve", "A test")),
                     sign)
    finally:
        db.close()
    assert seen == [f"{OWNER} (login {OWNER}, administrator)", True,
                    f"That is not the password of login {OWNER}: nothing was approved. "
                    "Type it again.", ""]
    assert meanings == ["Approved as reviewer"]
