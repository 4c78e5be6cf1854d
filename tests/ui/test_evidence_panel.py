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


def _drop_on(widget, files: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in files])
    enter = QDragEnterEvent(widget.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    widget.dropEvent(QDropEvent(QPointF(widget.rect().center()), Qt.DropAction.CopyAction,
                                mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier))


def test_the_party_editor_has_an_evidence_tab_that_takes_files_dropped_anywhere(
        window, qtbot, tmp_path):
    from tests.ui.conftest import drive_dialog

    page = window.show_page("parties")
    party_id = page.rows()[0].id if hasattr(page, "rows") else 1
    assert page.select_record(party_id)
    minutes = _file(tmp_path, "minutes.pdf", b"%PDF minutes")

    def drop(dialog) -> None:
        panel = dialog.evidence_panel
        assert dialog.tabs.tabText(dialog.tabs.indexOf(panel)) == "E&vidence"
        _drop_on(dialog, [minutes])  # anywhere on the editor
        assert dialog.tabs.currentWidget() is panel
        assert _cells(panel) == [("minutes.pdf", "Current")]
    drive_dialog(page.open_selected, drop)
    assert [f.file_name for f in evidence.list_evidence(window.db, "party", party_id)] == \
        ["minutes.pdf"]


def test_the_action_editor_takes_the_8d_report(qtbot, db, today, tmp_path, monkeypatch):
    from qmsdesk.services.actions import service as actions
    from qmsdesk.ui.action_editing import edit_action
    from tests.ui.conftest import drive_dialog

    record = actions.new_action(today)
    record.title, record.owner, record.due_date = "Fix burrs", "Anna", today
    saved = actions.save_action(db, record, today)
    report = _file(tmp_path, "8D report.pdf", b"%PDF 8D")

    def attach(dialog) -> None:
        dialog.evidence_panel.attach([report])
    drive_dialog(lambda: edit_action(None, db, today, actions.get_action(db, saved.id)), attach)
    assert [f.file_name for f in evidence.list_evidence(db, "action", saved.id)] == \
        ["8D report.pdf"]


def test_every_page_attaches_evidence_to_a_kind_of_record_that_exists():
    from qmsdesk import registers as catalogue

    kinds = evidence.record_models()
    pages = [catalogue.load(register.page) for register in catalogue.with_pages()]
    named = {page.evidence_entity for page in pages if page.evidence_entity}
    assert named == {"party", "context issue", "risk", "objective", "supplier"}
    assert named | {"action", "supplier review", "management review"} == set(kinds)
