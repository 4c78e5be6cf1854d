"""File › Connect to server…: the address built from its parts (any password character),
the password never remembered, a refusal shown in the dialog, a server in Open recent."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from qmsdesk.services import user_settings
from qmsdesk.ui import server_connect
from qmsdesk.ui.main_window import MainWindow
from tests.pg_support import needs_server, scratch_database
from tests.ui.conftest import drive_dialog


def test_every_part_is_encoded_so_any_password_works():
    address = server_connect.server_address(" db.example.local ", 5433, "qms team",
                                            "anna.k", "p@ss/w:rd%#?")
    url = make_url(address)
    assert (url.host, url.port, url.database, url.username) == (
        "db.example.local", 5433, "qms team", "anna.k")
    assert url.password == "p@ss/w:rd%#?"
    plain = server_connect.server_address("db", 5432, "qms", "anna")
    assert plain == "postgresql+psycopg://anna@db:5432/qms"
    assert server_connect._parts(address)[:3] == ("db.example.local", 5433, "qms team")
    assert unquote(server_connect._parts(address)[3]) == "anna.k"


def test_missing_parts_are_named_and_nothing_is_tried(qtbot):
    dialog = server_connect.ConnectDialog()
    qtbot.addWidget(dialog)
    dialog.host.setText("db.example.local")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Fill in the database, login."
    assert dialog.db is None and dialog.password.echoMode() == dialog.password.EchoMode.Password


@needs_server
def test_a_team_server_opens_and_is_remembered_without_its_password(qtbot, monkeypatch):
    with scratch_database() as url:
        from qmsdesk.models.db import open_database

        open_database(url, user="owner", create=True).close()
        parts = make_url(url)
        window = MainWindow()
        qtbot.addWidget(window)

        def fill(dialog) -> None:
            dialog.host.setText(parts.host)
            dialog.port.setValue(parts.port)
            dialog.database.setText(parts.database)
            dialog.user.setText(parts.username)
            dialog.password.setText("not kept")
            qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

        drive_dialog(lambda: server_connect.connect_to_server(window), fill)
        assert window.db is not None and window.db.url.startswith("postgresql")
        remembered = user_settings.get(user_settings.RECENT_DATABASES)[0]
        assert remembered == server_connect.server_address(
            parts.host, parts.port, parts.database, parts.username)
        assert "not kept" not in str(user_settings.get(user_settings.RECENT_DATABASES))
        window.close_database()

        # a recent server that refuses now: the dialog comes back with the reason
        missing = remembered.replace(parts.database, parts.database + "_gone")
        seen: list[str] = []

        def refused(dialog) -> None:
            seen.append(dialog.error.text())
            assert dialog.database.text() == parts.database + "_gone"
        drive_dialog(lambda: server_connect.open_recent(window, missing), refused)
        assert seen and seen[0] and "not kept" not in seen[0]
        assert window.db is None


@pytest.mark.parametrize("target", ["postgresql+psycopg://a@h/db", "postgresql://a@h/db"])
def test_servers_are_told_apart_from_files(target):
    assert server_connect.is_server(target)
    assert not server_connect.is_server("/home/anna/qms.db")
