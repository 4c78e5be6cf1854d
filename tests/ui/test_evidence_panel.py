"""The evidence tab of an editor: attach by button or by dropping files, replace with a
newer file, view and save a copy; refusals shown in the panel, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from qmsdesk.services import evidence
from qmsdesk.services.parties.service import save_party
from qmsdesk.ui.evidence_panel import EvidencePanel
from tests.factories import make_party


@pytest.fixture
def panel(qtbot, db, today):
    party = save_party(db, make_party(today, "Bowland Gauge Company Ltd"), today)
    widget = EvidencePanel(db, "party")
    qtbot.addWidget(widget)
    widget.set_record(party.id)
    widget.show()
    return widget


def _file(folder: Path, name: str, data: bytes) -> Path:
    (folder / name).write_bytes(data)
    return folder / name


def _cells(panel: EvidencePanel) -> list[tuple[str, str]]:
    return [(panel.table.item(row, 0).text(), panel.table.item(row, 4).text())
            for row in range(panel.table.rowCount())]


def _drop(panel: EvidencePanel, files: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in files])
    enter = QDragEnterEvent(panel.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dragEnterEvent(enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(panel.rect().center()), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(drop)
    return True


def test_a_new_record_asks_to_be_saved_first(qtbot, db):
    widget = EvidencePanel(db, "party")
    qtbot.addWidget(widget)
    assert "Save the record first" in widget.hint.text()
    assert not widget.attach_button.isEnabled()


def test_files_are_attached_by_button_and_by_dropping(panel, qtbot, tmp_path, monkeypatch):
    cert = _file(tmp_path, "ISO 9001 certificate.pdf", b"%PDF certificate")
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileNames",
                        lambda *_args: ([str(cert)], ""))
    qtbot.mouseClick(panel.attach_button, Qt.MouseButton.LeftButton)
    assert _cells(panel) == [("ISO 9001 certificate.pdf", "Current")]
    photos = [_file(tmp_path, f"audit-photo-{n}.jpg", bytes([n]) * 10) for n in (1, 2)]
    assert _drop(panel, photos)
    assert sorted(name for name, _ in _cells(panel)) == [
        "ISO 9001 certificate.pdf", "audit-photo-1.jpg", "audit-photo-2.jpg"]
    assert "sha256 " in panel.table.item(0, 0).toolTip()


def test_a_newer_file_replaces_the_selected_one_which_stays_listed(
        panel, qtbot, tmp_path, monkeypatch):
    panel.attach([_file(tmp_path, "cert-2024.pdf", b"2024")])
    panel.table.selectRow(0)
    assert panel.replace_button.isEnabled()
    newer = _file(tmp_path, "cert-2027.pdf", b"2027")
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *_args: (str(newer), ""))
    qtbot.mouseClick(panel.replace_button, Qt.MouseButton.LeftButton)
    assert _cells(panel) == [("cert-2027.pdf", "Current"),
                             ("cert-2024.pdf", "Replaced by cert-2027.pdf")]
    panel.table.selectRow(1)
    assert not panel.replace_button.isEnabled()


def test_a_refused_file_is_explained_and_the_others_are_kept(panel, tmp_path, db):
    evidence.set_limit_mb(db, 1)
    small = _file(tmp_path, "minutes.pdf", b"minutes")
    big = _file(tmp_path, "scan.tiff", b"\0" * (2 * 1024 * 1024))
    assert panel.attach([small, big]) == 1
    assert panel.error.isVisible()
    assert panel.error.text().startswith("scan.tiff is 2.0 MB; files up to 1 MB")
    assert _cells(panel) == [("minutes.pdf", "Current")]


def test_view_opens_a_checked_copy_and_save_writes_where_asked(
        panel, qtbot, tmp_path, monkeypatch):
    panel.attach([_file(tmp_path, "8D report.pdf", b"%PDF 8D")])
    opened: list[str] = []
    monkeypatch.setattr("qmsdesk.ui.report_runner.open_file",
                        lambda path, _parent=None: opened.append(path))
    panel.table.selectRow(0)
    qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert Path(opened[0]).read_bytes() == b"%PDF 8D"
    target = tmp_path / "out" / "copy.pdf"
    target.parent.mkdir()
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda *_args: (str(target), ""))
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert target.read_bytes() == b"%PDF 8D"
