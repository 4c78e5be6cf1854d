"""Help › About: the version, where the data lives, the Python, Qt and binding versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmsdesk import __version__, paths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def show_about(window: QWidget, database: str | None) -> None:
    """``database``: the open database's name, if one is open."""
    import platform
    from html import escape

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion
    from PySide6.QtWidgets import QMessageBox

    database = database or window.tr("none open")
    rows = [(window.tr("Database"), database), (window.tr("Data folder"), paths.data_dir()),
            (window.tr("Log folder"), paths.log_dir())]
    details = "".join(f"<tr><td>{escape(label)}:&nbsp;</td><td>{escape(str(value))}</td></tr>"
                      for label, value in rows)
    QMessageBox.about(window, window.tr("About QMS Desk"), window.tr(
        "<h3>QMS Desk %1</h3><p>Offline registers for an ISO 9001 quality management "
        "system: interested parties, quality objectives, suppliers and audit-ready "
        "reports.</p><table>%2</table><p><small>Python %3, Qt %4, PySide6 %5</small></p>")
        .replace("%1", __version__).replace("%2", details)
        .replace("%3", platform.python_version()).replace("%4", qVersion())
        .replace("%5", pyside_version))
