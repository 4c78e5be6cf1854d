"""Pages learn about writes from the window's one signal: what they show is never stale,
and a search stays true to the rows it filters."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from qmsdesk.services.parties import service as party_service
from qmsdesk.services.suppliers import service as supplier_service
from qmsdesk.ui.dialogs.supplier_dialog import SupplierDialog
from tests.ui.conftest import drive_dialog


def _names(page) -> list[str]:
    return [row.name for row in page.visible_rows()]


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def test_archiving_with_a_search_active_leaves_only_matching_rows(window, qtbot, monkeypatch):
    page = window.show_page("parties")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *_a, **_k: ("No longer relevant", True))
    qtbot.keyClicks(page.search, "city")
    assert _names(page) == ["City Council"]
    page.archive_action.trigger()
    assert _names(page) == []
    assert "Nothing matches" in page.empty.text()
    assert page.search.text() == "city"


def test_saving_with_a_search_active_shows_the_saved_record_only_if_it_matches(window, qtbot):
    page = window.show_page("parties")
    qtbot.keyClicks(page.search, "council")
    assert _names(page) == ["City Council"]

    def rename(dialog) -> None:
        dialog.name.selectAll()
        qtbot.keyClicks(dialog.name, "Borough Planning Office")
        _save(dialog, qtbot)

    drive_dialog(page.open_selected, rename)
    assert party_service.get_party(window.db, 4).name == "Borough Planning Office"
    assert _names(page) == []  # it no longer matches "council"
    page.search.clear()
    assert "Borough Planning Office" in _names(page) and "City Council" not in _names(page)


def test_a_party_created_from_the_supplier_editor_is_on_the_parties_page(window, qtbot):
    parties = window.show_page("parties")
    assert len(_names(parties)) == 4
    suppliers = window.show_page("suppliers")

    def fill(dialog: SupplierDialog) -> None:
        qtbot.keyClicks(dialog.name, "Wear Valley Anodising Ltd")
        dialog.new_party.setChecked(True)
        _save(dialog, qtbot)

    drive_dialog(suppliers.new_action.trigger, fill)
    assert supplier_service.list_suppliers(window.db, window.today)[0].name == \
        "Wear Valley Anodising Ltd"
    assert parties.stale  # it was not on screen: it re-reads when shown, not before
    window.show_page("parties")
    assert "Wear Valley Anodising Ltd" in _names(parties)
    assert parties.count_label.text() == "5 parties"


def test_a_write_elsewhere_refreshes_the_page_on_screen(window, qtbot):
    page = window.show_page("parties")
    record = party_service.new_party(window.today)
    record.name = "Harbour Authority"
    record.influence, record.interest = 3, 3  # a new party starts unrated
    party_service.save_party(window.db, record, window.today)  # e.g. an import finishing
    qtbot.waitUntil(lambda: "Harbour Authority" in _names(page), timeout=2000)
    assert not page.stale


def test_pages_that_do_not_show_a_register_ignore_its_changes(window):
    reports = window.page("reports")
    reports.stale = False
    reports.data_changed(frozenset({"parties"}))
    assert not reports.stale
    window.page("dashboard").data_changed(frozenset({"parties"}))
    assert window.page("dashboard").stale or window.page("dashboard").isVisible()
