"""The import window with files it cannot read exactly: a CSV that is not UTF-8 (the person
chooses its encoding, seeing its lines), a header that comes twice, more problems than are
listed; and the date fields, which take only the dates QMS Desk keeps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from qmsdesk.services.parties import service as party_service
from qmsdesk.ui.child_table import ChildColumn, ChildDelegate, ChildListModel
from qmsdesk.ui.formatting import from_qdate
from qmsdesk.ui.widgets import DateEdit
from tests.ui.conftest import SAMPLE, drive_dialog

LATIN_1 = (b"\xef\xbb\xbfName,Next review\r\n"  # a BOM, then Windows-1252 bytes
           b"Zo\xeb Ltd,2027-01-01\r\nM\xfcller GmbH,2027-02-01\r\n")


@pytest.fixture
def open_file(monkeypatch, tmp_path: Path):
    """The file the open dialog answers with: write its bytes to ``open_file[0]``."""
    chosen = [tmp_path / "parties.csv"]
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getOpenFileName",
                        lambda *_a, **_k: (str(chosen[0]), ""))
    return chosen


def _import(window, interact) -> None:
    action = next(a for a in window.register_menu.actions()
                  if a.text().replace("&", "") == "Import from spreadsheet…")
    drive_dialog(action.trigger, interact)


def _wait_for(qtbot, dialog, page) -> None:
    qtbot.waitUntil(lambda: dialog.stack.currentWidget() is page and dialog._task is None,
                    timeout=20000)


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_csv_that_is_not_utf_8_is_read_in_the_encoding_chosen(window, qtbot, open_file):
    window.show_page("parties")
    open_file[0].write_bytes(LATIN_1)
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.encoding_page)
        page = dialog.encoding_page
        seen["message"] = page.message.text()
        seen["heading"] = dialog.heading.text()
        seen["default"] = (page.combo.currentText(), page.preview.toPlainText())
        page.combo.setCurrentIndex(page.combo.findData("utf-8"))
        seen["utf-8"] = (page.preview.toPlainText(), page.read_button.isEnabled())
        page.combo.setCurrentIndex(page.combo.findData("cp1252"))
        _click(qtbot, page.read_button)
        _wait_for(qtbot, dialog, dialog.columns_page)
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.ready_page)
        _click(qtbot, dialog.import_button)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)

    _import(window, interact)
    assert seen["message"].startswith("'parties.csv' is not UTF-8 text: line 2 holds the "
                                      "byte 0xEB")
    assert seen["heading"] == "Which encoding is parties.csv in?"
    assert seen["default"] == ("Windows-1252 (Western Europe)",
                               "Name,Next review\nZoë Ltd,2027-01-01\nMüller GmbH,"
                               "2027-02-01\n")
    assert "Zo\ufffd Ltd" in seen["utf-8"][0] and seen["utf-8"][1] is False
    names = {r.name for r in party_service.list_parties(window.db, window.today)}
    assert {"Zoë Ltd", "Müller GmbH"} <= names


def test_a_csv_left_unread_imports_nothing(window, qtbot, open_file):
    window.show_page("parties")
    open_file[0].write_bytes(LATIN_1)
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.encoding_page)
        seen["buttons"] = (dialog.cancel_button.text(), dialog.back_button.isVisible())
        _click(qtbot, dialog.cancel_button)

    _import(window, interact)
    assert seen["buttons"] == ("Close", False)
    assert len(party_service.list_parties(window.db, window.today)) == len(SAMPLE)


def test_a_header_twice_is_a_problem_before_any_column_is_chosen(window, qtbot, open_file):
    window.show_page("parties")
    open_file[0].write_text("Name,Next review,Name\r\nAcme,2027-01-01,Beta\r\n",
                            encoding="utf-8")
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.problems_page)
        seen["problems"] = [str(p) for p in dialog.problems_page.model.rows()]
        seen["back"] = dialog.back_button.isVisible()

    _import(window, interact)
    assert seen["problems"] == [
        "parties.csv, row 1: Columns A ('Name') and C ('Name') have the same header: rename "
        "or delete one, and import again."]
    assert seen["back"] is False


def test_more_problems_than_listed_are_counted(window, qtbot, open_file):
    window.show_page("parties")
    open_file[0].write_text("Name,Next review,Influence\r\n" + "".join(
        f"Party {n},2027-01-01,high\r\n" for n in range(300)), encoding="utf-8")
    seen = {}

    def interact(dialog) -> None:
        _wait_for(qtbot, dialog, dialog.columns_page)
        _click(qtbot, dialog.check_button)
        _wait_for(qtbot, dialog, dialog.problems_page)
        page = dialog.problems_page
        seen["shown"] = (page.heading.text(), len(page.model.rows()),
                         page.more_label.isVisible(), page.more_label.text())
        seen["report"] = page.report

    _import(window, interact)
    assert seen["shown"] == (
        "Nothing was imported: the file has 300 problems.", 200, True,
        "The first 200 are listed, and 100 more are not: correct these, check the file "
        "again, and the next ones are listed.")
    assert seen["report"].endswith("... and 100 more: correct these and check the file again.")


# --- date fields --------------------------------------------------------------------------


def test_date_fields_take_only_the_dates_kept(qtbot):
    required, optional = DateEdit(), DateEdit(optional=True)
    for widget in (required, optional):
        qtbot.addWidget(widget)
        assert from_qdate(widget.maximumDate()) == date(2100, 12, 31)
    assert from_qdate(required.minimumDate()) == date(1900, 1, 1)
    required.set_value(date(1899, 12, 25))
    assert required.value() == date(1900, 1, 1)  # clamped: no earlier date can be entered
    optional.set_value(date(1950, 6, 1))  # an old date is kept, not shown as "Not set"
    assert optional.value() == date(1950, 6, 1)
    optional.set_value(None)
    assert optional.value() is None and optional.text() == "Not set"


def test_a_child_table_date_editor_takes_only_the_dates_kept(qtbot):
    columns = [ChildColumn("on_date", "Date", "date")]
    model = ChildListModel(columns, [party_service.EngagementRecord(on_date=date(2026, 1, 5))],
                           party_service.EngagementRecord)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    editor = ChildDelegate(columns).createEditor(view.viewport(), QStyleOptionViewItem(),
                                                 model.index(0, 0))
    assert (from_qdate(editor.minimumDate()), from_qdate(editor.maximumDate())) == (
        date(1900, 1, 1), date(2100, 12, 31))
