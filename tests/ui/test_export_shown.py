"""Export of the filtered view: Register › Export asks "the rows shown or the whole
register" while search or filters hide rows; the row menu writes the rows shown
(issue 17 item 11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from qmsdesk.services.parties import service as party_service
from qmsdesk.services.parties.records import RequirementRecord
from qmsdesk.ui.main_window import MainWindow
from qmsdesk.ui.pages.parties_page import PartiesPage
from tests.ui.conftest import SAMPLE, drive_dialog
from tests.ui.test_table_habits import _right_click

pytestmark = pytest.mark.qt_log_ignore("does not support grabbing", "does not support raise")


@pytest.fixture
def save_as(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    target = tmp_path / "out.xlsx"
    monkeypatch.setattr("PySide6.QtWidgets.QFileDialog.getSaveFileName",
                        lambda *_a, **_k: (str(target), ""))
    return target


def _parties(qtbot: Any, window: MainWindow) -> PartiesPage:
    page = window.show_page("parties")
    assert isinstance(page, PartiesPage)
    qtbot.waitUntil(lambda: page.register.model.rowCount() == len(SAMPLE), timeout=10000)
    return page


def _menu_export(window: MainWindow) -> Any:
    return next(a for a in window.register_menu.actions()
                if a.text().replace("&", "") == "Export to spreadsheet…")


def _main_sheet(path: Path) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)["parties"].iter_rows(values_only=True))


def _exported(qtbot: Any, window: MainWindow, path: Path) -> None:
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=20000)
    assert path.exists()


def _answer(button_text: str, asked: list[str]) -> Any:
    def interact(dialog: Any) -> None:
        assert isinstance(dialog, QMessageBox)
        asked.append(dialog.text())
        button = next(b for b in dialog.findChildren(QPushButton)
                      if b.text().replace("&", "").startswith(button_text))
        button.click()
    return interact


def test_export_with_a_search_asks_and_writes_the_rows_shown(qtbot: Any, window: MainWindow,
                                                              save_as: Path) -> None:
    page = _parties(qtbot, window)
    qtbot.keyClicks(page.search, "Council")
    shown = page.register.visible_rows()
    assert [row.name for row in shown] == ["City Council"]
    asked: list[str] = []
    drive_dialog(_menu_export(window).trigger, _answer("Rows shown", asked))
    _exported(qtbot, window, save_as)
    assert f"shows 1 of the register's {len(SAMPLE)} records" in asked[0]
    rows = _main_sheet(save_as)
    assert rows[0][:2] == ("Reference", "Name")  # every column, as the full export
    assert len(rows[0]) == len(_main_sheet_headers(window))
    assert [r[0] for r in rows[1:]] == [row.ref for row in shown]  # in view order
    assert "Exported the 1 row shown to" in window.statusBar().currentMessage()


def _main_sheet_headers(window: MainWindow) -> tuple[str, ...]:
    from qmsdesk.services.exchange import sheets

    return sheets("parties")[0].headers


def test_the_whole_register_is_still_one_answer_away(qtbot: Any, window: MainWindow,
                                                     save_as: Path) -> None:
    page = _parties(qtbot, window)
    qtbot.keyClicks(page.search, "GmbH")
    asked: list[str] = []
    drive_dialog(_menu_export(window).trigger, _answer("Whole register", asked))
    _exported(qtbot, window, save_as)
    assert len(_main_sheet(save_as)) == len(SAMPLE) + 1


def test_cancel_writes_nothing_and_no_filter_asks_nothing(qtbot: Any, window: MainWindow,
                                                          save_as: Path) -> None:
    page = _parties(qtbot, window)
    qtbot.keyClicks(page.search, "Council")
    asked: list[str] = []
    drive_dialog(_menu_export(window).trigger, _answer("Cancel", asked))
    assert asked and not save_as.exists()
    page.search.clear()  # every row shown: the whole register, no question
    _menu_export(window).trigger()
    _exported(qtbot, window, save_as)
    assert len(_main_sheet(save_as)) == len(SAMPLE) + 1


def test_the_row_menu_exports_the_rows_shown_sorted_as_on_screen(
        qtbot: Any, window: MainWindow, save_as: Path, today: Any) -> None:
    db = window.db
    assert db is not None
    for party_id in (1, 4):  # Müller (a customer) and City Council (filtered out)
        party = party_service.get_party(db, party_id)
        party.requirements.append(RequirementRecord(description=f"Needs of {party.ref}"))
        party_service.save_party(db, party, today)
    page = _parties(qtbot, window)
    page.category.setCurrentIndex(page.category.findData("customer"))
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # by name, Z to A
    shown = page.register.visible_rows()
    assert [row.name for row in shown] == ["株式会社サンプル精工", "Müller Präzisionsteile GmbH"]
    index = page.proxy.index(0, 1)
    offered = _right_click(qtbot, page.table.viewport(),
                           page.table.visualRect(index).center(), "Export the rows shown…")
    assert "Export the rows shown…" in [text for text, _, _ in offered]
    _exported(qtbot, window, save_as)  # no question: the menu says which rows
    assert [r[0] for r in _main_sheet(save_as)[1:]] == [row.ref for row in shown]
    requirements = list(openpyxl.load_workbook(save_as)["requirements"].iter_rows(
        values_only=True))[1:]
    assert [r[:2] for r in requirements] == [("IP-0001", "Needs of IP-0001")]
