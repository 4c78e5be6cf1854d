"""The context page (ISO 9001 4.1) driven as a person would: editor, filters, archive."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QToolButton

from qmsdesk.services.context import service
from qmsdesk.ui.dialogs.context_dialog import ContextDialog
from tests.ui.conftest import drive_dialog


def _page(window):
    return window.show_page("context")


def _save(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save),
                     Qt.MouseButton.LeftButton)


def _button_for(page, action) -> QToolButton:
    return next(b for b in page.findChildren(QToolButton) if b.defaultAction() is action)


def _issue(window, title: str, origin: str, swot: str, pestle: str = "",
           owner: str = "Anna Kowalska") -> int:
    record = service.new_issue(window.today)
    record.title, record.origin, record.swot, record.pestle = title, origin, swot, pestle
    record.owner = owner
    return service.save_issue(window.db, record, window.today).id or 0


def _titles(page) -> list[str]:
    return [row.title for row in page.visible_rows()]


def test_the_navigation_lists_context_and_risks_after_interested_parties(window):
    labels = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert labels[1:4] == ["Interested parties", "Context", "Risks & opportunities"]
    page = _page(window)
    assert page.table.count_label.text() == "0 issues"
    assert "No context issues yet" in page.table.empty.text()


def test_new_issue_through_the_editor_with_its_parties(window, qtbot):
    page = _page(window)
    seen: dict[str, object] = {}

    def fill(dialog: ContextDialog) -> None:
        qtbot.keyClicks(dialog.title, "Ageing ERP system")
        dialog.origin.setFocus()
        qtbot.keyClick(dialog.origin, Qt.Key.Key_Up)  # external -> internal
        seen["swot"] = [dialog.swot.itemData(i) for i in range(dialog.swot.count())]
        seen["pestle enabled"] = dialog.pestle.isEnabled()
        dialog.swot.setCurrentIndex(dialog.swot.findData("weakness"))
        qtbot.keyClicks(dialog.effect, "Stock figures lag a day behind")
        qtbot.keyClicks(dialog.parties.filter, "logis")  # the Łódź forwarder
        qtbot.keyClick(dialog.parties.filter, Qt.Key.Key_Down)
        qtbot.keyClick(dialog.parties.view, Qt.Key.Key_Space)
        seen["summary"] = dialog.parties.summary.text()
        _save(dialog, qtbot)

    drive_dialog(lambda: qtbot.mouseClick(_button_for(page, page.new_action),
                                          Qt.MouseButton.LeftButton), fill)
    assert seen == {"swot": ["strength", "weakness"], "pestle enabled": False,
                    "summary": "1 party chosen"}
    row = page.table.selected_row()
    assert (row.ref, row.title, row.origin, row.swot, row.pestle, row.parties) == (
        "CTX-0001", "Ageing ERP system", "internal", "weakness", "", "IP-0002")
    stored = service.get_issue(window.db, row.id)
    assert stored.effect == "Stock figures lag a day behind" and stored.party_ids == [2]


def test_a_bad_value_is_explained_under_its_field_and_nothing_saved(window, qtbot):
    page = _page(window)
    seen: dict[str, str] = {}

    def fill(dialog: ContextDialog) -> None:
        _save(dialog, qtbot)  # no title
        seen["title"] = dialog.error_text("title")
        seen["visible"] = str(dialog.isVisible())
        qtbot.keyClicks(dialog.title, "Energy prices")
        seen["after typing"] = dialog.error_text("title")

    drive_dialog(page.new_action.trigger, fill)
    assert seen == {"title": "Title is required.", "visible": "True", "after typing": ""}
    assert service.list_issues(window.db, window.today) == []


def test_filters_by_origin_swot_and_pestle_and_search(window, qtbot):
    _issue(window, "Skilled machinists are hard to recruit", "external", "threat", "social")
    _issue(window, "Five-axis machining capability", "internal", "strength")
    _issue(window, "EU machinery regulation", "external", "threat", "legal", owner="Jan Novak")
    page = _page(window)
    assert page.table.count_label.text() == "3 issues"
    page.origin.setCurrentIndex(page.origin.findData("internal"))
    assert _titles(page) == ["Five-axis machining capability"]
    page.origin.setCurrentIndex(0)
    page.swot.setCurrentIndex(page.swot.findData("threat"))
    page.pestle.setCurrentIndex(page.pestle.findData("legal"))
    assert _titles(page) == ["EU machinery regulation"]
    page.pestle.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "novak")
    assert _titles(page) == ["EU machinery regulation"]
    assert "1 of 3 issues shown" in page.table.count_label.text()


def test_archive_with_a_search_active_then_restore(window, qtbot, monkeypatch):
    _issue(window, "Skilled machinists are hard to recruit", "external", "threat", "social")
    second = _issue(window, "Ageing ERP system", "internal", "weakness")
    page = _page(window)
    qtbot.keyClicks(page.search, "erp")
    assert _titles(page) == ["Ageing ERP system"]
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr("PySide6.QtWidgets.QInputDialog.getText",
                        lambda *_a, **_k: ("No longer relevant", True))
    page.table.view.setFocus()
    qtbot.keyClick(page.table.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert _titles(page) == []
    assert page.search.text() == "erp"  # the search stays as typed
    assert page.table.empty.text() == "Nothing matches the search and filters."
    assert service.get_issue(window.db, second).status == "archived"
    page.show_archived.setChecked(True)
    assert [r.title for r in page.table.rows() if r.status == "archived"] == [
        "Ageing ERP system"]
    assert page.table.selected_row().id == second and page.restore_action.isEnabled()
    page.restore_action.trigger()
    assert service.get_issue(window.db, second).status == "active"
