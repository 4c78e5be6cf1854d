"""The GUI says why opening a database waits: another QMS Desk upgrading it."""

from __future__ import annotations

from qmsdesk.models.upgrade_wait import UPGRADE_WAIT
from qmsdesk.ui.app import announce_wait
from qmsdesk.ui.server_connect import ConnectDialog
from tests.ui.conftest import drive_dialog


def test_the_wait_shows_in_the_status_bar_and_in_the_connect_dialog(window, qtbot):
    shown: list[str] = []

    def connecting(dialog) -> None:
        announce_wait(window, UPGRADE_WAIT)
        shown.append(dialog.error.text() if dialog.error.isVisible() else "")

    drive_dialog(lambda: ConnectDialog(window).exec(), connecting)
    assert shown == [UPGRADE_WAIT]
    assert window.statusBar().currentMessage() == UPGRADE_WAIT
