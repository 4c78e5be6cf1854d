"""File › Backups…: back up now, see it listed with what it holds, restore it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox

from qmsdesk.services import backups
from qmsdesk.services.parties import service as parties
from qmsdesk.ui.dialogs.backups_dialog import BackupsDialog
from tests.factories import make_party
from tests.ui.conftest import drive_dialog


def test_back_up_now_then_restore_from_the_file_menu(window, qtbot, monkeypatch, today):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    path = window.db.path
    seen: list[str] = []

    def back_up(dialog: BackupsDialog) -> None:
        assert "No backups yet" in dialog.list.item(0).text()
        assert not dialog.restore_button.isEnabled()
        dialog.backup_button.click()
        qtbot.waitUntil(lambda: dialog.list.count() == 1 and dialog.selected() is not None,
                        timeout=10000)
        seen.append(dialog.list.item(0).text())
        seen.append(dialog.holds.text())

    drive_dialog(window.backup, back_up)
    assert "manual" in seen[0] and "4 parties" in seen[1]
    parties.save_party(window.db, make_party(today, "Added after the backup"), today)

    def restore(dialog: BackupsDialog) -> None:
        dialog.restore_button.click()

    drive_dialog(window.backup, restore)
    qtbot.waitUntil(lambda: window.db is not None and QApplication.activeModalWidget() is None,
                    timeout=10000)
    names = [row.name for row in parties.list_parties(window.db, today)]
    assert "Added after the backup" not in names and len(names) == 4
    kinds = [b.kind for b in backups.list_backups(path)]
    assert kinds == [backups.BEFORE_RESTORE, backups.MANUAL]
    assert window.stack.currentWidget() is window.page("dashboard")  # open again
