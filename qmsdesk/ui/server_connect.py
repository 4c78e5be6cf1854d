"""File › Connect to server…: open a team's QMS on PostgreSQL from its host, port,
database and login; the password is asked for, used once and never stored (PostgreSQL's
own .pgpass file or PGPASSWORD may hold it). The server is remembered, without password,
in File › Open recent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, unquote, urlsplit

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from qmsdesk.ui.dialogs.record_dialog import error_style

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from qmsdesk.models.db import Database

SCHEME = "postgresql+psycopg"


class Opener(Protocol):
    """What opening a database needs of the window (the main window provides it)."""

    def open_database(self, target: str | Path, create: bool = False) -> bool: ...
    def set_database(self, db: Database) -> None: ...
    def remember(self, path: str) -> None: ...
    def tr(self, text: str) -> str: ...
DEFAULT_PORT = 5432


def is_server(target: str) -> bool:
    return target.startswith(("postgresql://", "postgresql+"))


def server_address(host: str, port: int, database: str, user: str, password: str = "") -> str:
    """The SQLAlchemy address; every part encoded, so any password character works."""
    login = quote(user.strip(), safe="")
    if password:
        login += ":" + quote(password, safe="")
    return (f"{SCHEME}://{login}@{host.strip()}:{port}/"
            f"{quote(database.strip(), safe='')}")


def _parts(address: str) -> tuple[str, int, str, str]:
    """(host, port, database, user) of a remembered address."""
    split = urlsplit(address)
    return (split.hostname or "", split.port or DEFAULT_PORT,
            unquote(split.path.lstrip("/")), unquote(split.username or ""))


class ConnectDialog(QDialog):
    """Asks for the server; ``db`` holds the opened database once accepted."""

    def __init__(self, parent: QWidget | None = None, address: str = "",
                 error: str = "") -> None:
        super().__init__(parent)
        self.db: Database | None = None
        self.setWindowTitle(self.tr("Connect to server"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "Open your team's QMS on its PostgreSQL server. Your administrator gives you the "
            "server's name, the database and your own login (README, \"Team use on "
            "PostgreSQL\"). The password is not stored: leave it empty if your .pgpass file "
            "holds it."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        host, port, database, user = _parts(address) if address else ("", DEFAULT_PORT,
                                                                        "", "")
        self.host, self.database, self.user = QLineEdit(host), QLineEdit(database), \
            QLineEdit(user)
        self.host.setPlaceholderText(self.tr("e.g. qms.example.local"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(port)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        for text, widget in ((self.tr("&Server"), self.host), (self.tr("P&ort"), self.port),
                             (self.tr("&Database"), self.database),
                             (self.tr("&Login"), self.user),
                             (self.tr("&Password"), self.password)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = QLabel(error)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(error_style())
        self.error.setVisible(bool(error))
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.connect_button = buttons.addButton(self.tr("&Connect"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._connect)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if address else self.host).setFocus()

    def address(self, with_password: bool = False) -> str:
        return server_address(self.host.text(), self.port.value(), self.database.text(),
                              self.user.text(),
                              self.password.text() if with_password else "")

    def _connect(self) -> None:
        missing = [name for name, edit in ((self.tr("server"), self.host),
                                           (self.tr("database"), self.database),
                                           (self.tr("login"), self.user))
                   if not edit.text().strip()]
        if missing:
            self._show(self.tr("Fill in the %s.") % ", ".join(missing))
            return
        from qmsdesk.services.workspace import open_workspace

        try:
            self.db = open_workspace(self.address(with_password=True))
        except Exception as exc:  # every refusal is one sentence, without the password
            self._show(str(exc))
            return
        self.accept()

    def _show(self, message: str, style: str | None = None) -> None:
        self.error.setStyleSheet(error_style() if style is None else style)
        self.error.setText(message)
        self.error.show()

    def show_notice(self, message: str) -> None:
        """A wait while connecting (another QMS Desk upgrading the database), not an error."""
        self._show(message, "")


def connect_to_server(window: Opener, address: str = "", error: str = "") -> bool:
    """Ask for a server and open it in ``window``; remembered (without password)."""
    assert isinstance(window, QWidget)  # the dialog's parent; a Protocol cannot say so
    dialog = ConnectDialog(window, address, error)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.db is None:
        return False
    window.set_database(dialog.db)
    window.remember(dialog.address())
    return True


def open_recent(window: Opener, target: str) -> None:
    """A recent file opens as before; a server is tried with what PostgreSQL knows (.pgpass)
    and, if it needs more, asked for with the reason shown."""
    if not is_server(target):
        window.open_database(target)
        return
    from qmsdesk.services.workspace import open_workspace

    try:
        db = open_workspace(target)
    except Exception as exc:
        connect_to_server(window, target, str(exc))
        return
    window.set_database(db)
    window.remember(target)


def fill_recent_menu(window: Opener, menu: QMenu, recent: list[str]) -> None:
    menu.clear()
    if not recent:
        menu.addAction(window.tr("(none)")).setEnabled(False)
    for number, target in enumerate(recent, start=1):
        action = menu.addAction(f"&{number} {target}")
        action.setEnabled(is_server(target) or Path(target).exists())
        action.triggered.connect(lambda _=False, t=target: open_recent(window, t))
