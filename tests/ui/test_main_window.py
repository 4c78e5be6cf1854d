"""The window shell: first launch, opening databases, refusing bad files, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from qmsdesk import paths
from qmsdesk.services import org_settings, user_settings
from qmsdesk.ui.app import init_settings
from qmsdesk.ui.dialogs.welcome_dialog import WelcomeDialog
from qmsdesk.ui.main_window import MainWindow
from tests.ui.conftest import drive_dialog


def test_first_launch_welcome_starts_a_new_qms(qtbot, monkeypatch):
    init_settings()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert not window.register_menu.isEnabled()

    def welcome(dialog: WelcomeDialog) -> None:
        qtbot.keyClicks(dialog.organisation, "Acme Precision Ltd")
        dialog.user_name.clear()
        qtbot.keyClicks(dialog.user_name, "Grace Adeyemi")
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    drive_dialog(lambda: window.open_initial(None, demo=False), welcome)
    assert window.db is not None
    assert window.db.path == paths.default_database_path()
    assert org_settings.load_settings(window.db).organisation == "Acme Precision Ltd"
    assert user_settings.user_name() == "Grace Adeyemi"
    assert window.db.user == "Grace Adeyemi"
    assert window.page("parties").body.currentWidget() is window.page("parties").empty
    assert "No interested parties yet" in window.page("parties").empty.text()
    assert window.register_menu.isEnabled()
    window.db.close()


def test_welcome_needs_an_organisation(qtbot):
    dialog = WelcomeDialog(paths.default_database_path())
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == 0
    assert "organisation" in dialog.error.text()


def test_refused_file_shows_message_and_keeps_current_database(window, tmp_path: Path,
                                                               monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.main_window.show_error",
                        lambda parent, title, message, details="": shown.append(message))
    foreign = tmp_path / "photo.db"
    foreign.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    before = foreign.read_bytes()
    current = window.db
    assert window.open_database(foreign) is False
    assert shown and "photo.db" in shown[0] and "not a QMS Desk database" in shown[0]
    assert window.db is current
    assert foreign.read_bytes() == before


def test_opened_databases_are_remembered(window, sample_db: Path, tmp_path: Path):
    other = tmp_path / "other.db"
    from tests.ui.conftest import make_sample_db

    make_sample_db(other, window.today)
    assert window.open_database(other)
    assert window.recent_databases()[:2] == [str(other), str(sample_db)]
    assert window.windowTitle().endswith("other.db")
    window._fill_recent_menu()
    labels = [a.text() for a in window.recent_menu.actions()]
    assert labels[0].endswith("other.db")


def test_every_page_is_listed_in_order(window):
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels == ["Dashboard", "Interested parties", "Context", "Risks & opportunities",
                      "Objectives", "Suppliers", "Actions", "Reports"]
    window.nav.doItemsLayout()
    assert window.nav.horizontalScrollBar().maximum() == 0  # every label fits, none cut


def test_menu_shortcuts_are_attached_once_a_database_is_open(window):
    assert window.backup_action.shortcut().toString() == "Ctrl+B"
    assert window.settings_action.shortcut().toString() == "Ctrl+,"


def test_help_about_shows_the_version_and_where_the_data_is(window, sample_db: Path):
    from qmsdesk import __version__

    help_menu = next(action.menu() for action in window.menuBar().actions()
                     if action.text() == "&Help")
    about = next(action for action in help_menu.actions() if "About" in action.text())
    seen: list[str] = []
    drive_dialog(about.trigger, lambda box: seen.append(box.text()))
    text = seen[0]
    assert f"<h3>QMS Desk {__version__}</h3>" in text
    assert str(sample_db.name) in text
    assert str(paths.data_dir()) in text and str(paths.log_dir()) in text
    assert "PySide6 6." in text


def test_a_file_that_may_only_be_read_opens_read_only_with_a_banner(window, qtbot, monkeypatch,
                                                                    sample_db):
    import pytest

    from qmsdesk.models.db import DatabaseWriteFailed
    from qmsdesk.services import workspace
    from qmsdesk.services.parties import service as parties

    assert not window.banner.isVisible()
    window.db.close()
    window.db = None
    # The file or its folder is read-only (root ignores file modes, so the check is faked).
    monkeypatch.setattr(workspace.os, "access", lambda path, mode: False)
    assert window.open_database(sample_db)
    assert window.db.readonly and window.banner.isVisible()
    assert "Read-only" in window.banner.text()
    record = parties.get_party(window.db, 1)
    record.owner = "Someone"
    with pytest.raises(DatabaseWriteFailed, match="read-only"):
        parties.save_party(window.db, record, window.today)
    # nothing was written beside the file: no -wal, no -shm
    assert sorted(p.name for p in sample_db.parent.glob("sample.db*")) == ["sample.db"]


def test_what_an_earlier_version_kept_in_qsettings_is_moved_to_the_user_settings(qtbot):
    from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

    init_settings()  # sets QSettings' INI location to this test's config folder
    old = QSettings()
    old.setValue("recent_databases", ["/qms/main.db", "/qms/old.db"])
    old.setValue("exchange/folder", "/exports")
    old.setValue("main_window/geometry", QByteArray(b"\x01\xd9\xd0\xcb"))
    old.setValue("import_mappings/parties/Parties/abc123", '{"Name": "name"}')
    old.sync()
    del old
    QCoreApplication.processEvents()

    init_settings()
    assert user_settings.get(user_settings.RECENT_DATABASES) == ["/qms/main.db",
                                                                 "/qms/old.db"]
    assert user_settings.get(user_settings.EXPORT_FOLDER) == "/exports"
    assert user_settings.get(user_settings.WINDOW_GEOMETRY) == "AdnQyw=="
    assert user_settings.get(user_settings.IMPORT_MAPPINGS) == {
        "parties": {"Parties": {"abc123": {"Name": "name"}}}}
    assert QSettings().allKeys() == []  # one store from now on
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.recent_databases() == ["/qms/main.db", "/qms/old.db"]


def test_a_first_start_makes_the_demo_in_the_data_folder_and_asks_who_you_are(
        qtbot, monkeypatch, demo_file):
    from qmsdesk.services import workspace
    from tests.demo_copy import copying

    monkeypatch.setattr(workspace, "create_demo_database", copying(demo_file))
    init_settings()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_initial(None, demo=True)  # as `make run` does the first time
    dialog = window.identity_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: window.db is not None, timeout=60000)  # opens behind the question
    # the demo is made in the data folder, whole
    assert window.db.path == paths.demo_database_path()
    page = window.page("parties")
    assert page.model.rowCount() >= 30
    assert "Müller Präzisionsteile GmbH" in [r.name for r in page.model.rows()]
    assert not list(paths.data_dir().glob("*.partial*"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and dialog.isVisible()  # a name is needed
    qtbot.keyClicks(dialog.name, "Anna  Kowalska ")
    dialog.role.setCurrentText("Quality Manager")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert user_settings.prepared_by() == "Anna Kowalska, Quality Manager"
    assert window.db.user == "Anna Kowalska"  # the trail names her from now on
    window.db.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.open_initial(None, demo=True)
    assert again.identity_dialog is None  # asked once
    qtbot.waitUntil(lambda: again.db is not None, timeout=60000)
    again.db.close()


def test_a_big_file_damaged_where_the_open_check_cannot_see_is_closed_when_found(
        qtbot, tmp_path, monkeypatch):
    from datetime import date

    from qmsdesk.models import db as db_module
    from qmsdesk.models.parties import Party
    from qmsdesk.ui.main_window import MainWindow
    from tests.models.test_refuse_files import _damage_a_leaf_page

    path = tmp_path / "big.db"
    database = db_module.open_database(path, create=True)
    with database.session() as session:
        session.add_all(Party(ref=f"IP-{n:04d}", name=f"Party {n}", category="customer",
                              influence=3, interest=3, next_review=date(2027, 1, 1),
                              description=f"Needs of party {n}. " * 25) for n in range(1, 61))
    database.close()
    _damage_a_leaf_page(path)
    monkeypatch.setattr(db_module, "FULL_CHECK_MAX_BYTES", 4096)  # "too big" to check on open
    shown: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.background_checks.show_error",
                        lambda parent, title, message, details="": shown.append(message))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_database(path)  # the cheap check lets it through...
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)  # ...the one behind it does not
    assert str(path) in shown[0] and "is damaged" in shown[0]
    assert "Restore a backup" in shown[0]
    assert window.db is None and window.pages == {}
    assert window.stack.currentWidget() is window.placeholder


def test_file_export_calendar_writes_the_due_items(window, qtbot, tmp_path, monkeypatch):
    from icalendar import Calendar
    from PySide6.QtWidgets import QFileDialog

    from qmsdesk.services.parties import service as parties
    from tests.factories import make_party

    parties.save_party(window.db, make_party(window.today, "Harland Automotive"), window.today)
    target = tmp_path / "due"  # the dialog may come back without the extension
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.calendar_action.trigger()
    qtbot.waitUntil(lambda: "Calendar written" in window.statusBar().currentMessage(),
                    timeout=10000)
    events = Calendar.from_ical((tmp_path / "due.ics").read_bytes()).walk("VEVENT")
    summaries = [str(e["summary"]) for e in events]
    assert any(s.endswith("Interested-party review: Harland Automotive") for s in summaries)
    assert f"({len(events)} due items" in window.statusBar().currentMessage()


def test_the_reports_menu_is_never_empty_and_offers_each_pages_report(window):
    offered = {}
    for key in ("dashboard", "parties", "context", "risks", "actions"):
        window.show_page(key)
        offered[key] = [(a.text(), a.isEnabled()) for a in window.reports_menu.actions()]
    assert all(offered.values())
    assert offered["dashboard"] == [("No report for this page: see the Reports page", False)]
    assert offered["context"] == [("Context, risks and opportunities (PDF)…", True)]
    assert ("Action &log (PDF)…", True) in offered["actions"]
    assert ("Traceability matrix (PDF)…", True) in offered["risks"]
