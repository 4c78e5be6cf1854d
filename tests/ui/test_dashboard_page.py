"""The dashboard: due and overdue items from every register, opening each in its editor."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from qmsdesk.services import dashboard
from qmsdesk.ui import register_table
from qmsdesk.ui.app import init_settings
from qmsdesk.ui.main_window import MainWindow
from qmsdesk.ui.pages import dashboard_page

pytestmark = pytest.mark.dashboard_charts  # every test here draws them

TODAY = date(2026, 11, 21)
EDITORS = {"parties": "PartyDialog", "objectives": "ObjectiveDialog",
           "actions": "ActionDialog", "suppliers": "SupplierDialog"}


def _open_demo(qtbot, demo_file, tmp_path) -> MainWindow:
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_file.read_bytes())
    init_settings()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_database(copy)
    page = window.page("dashboard")
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)  # read on a worker
    return window


@pytest.fixture
def demo_window(qtbot, demo_file, tmp_path, monkeypatch):
    window = _open_demo(qtbot, demo_file, tmp_path)
    yield window
    QThreadPool.globalInstance().waitForDone(10000)
    if window.db is not None:
        window.db.close()


def test_dashboard_is_first_and_lists_every_kind_of_due_item(demo_window, qtbot):
    page = demo_window.page("dashboard")
    assert demo_window.stack.currentWidget() is page
    kinds = {row.kind for row in page.table.rows()}
    assert kinds == set(dashboard.kinds())
    overdue = [row for row in page.table.rows() if row.overdue]
    text = page.figure_labels["overdue"].text()
    assert f">{len(overdue)}<" in text
    when = page.table.model.index(0, 1).data()
    assert when.startswith("Overdue")
    qtbot.waitUntil(lambda: page.flow_chart.canvas is not None, timeout=10000)


@pytest.mark.parametrize("register", list(EDITORS))
def test_double_click_opens_the_item_in_its_editor(demo_window, qtbot, register):
    page = demo_window.page("dashboard")
    row = next(r for r in page.table.rows() if r.register == register)
    page.table.select_id(row.id)
    opened: list[str] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        opened.append(type(dialog).__name__)
        opened.append(dialog.heading.text())
        dialog.done(0)

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, look)
    page.table.open_requested.emit()
    assert opened[0] == EDITORS[register]
    assert opened[1].startswith(row.ref)
    assert demo_window.stack.currentWidget() is demo_window.page(register)


def _weak_figure(page) -> str:
    return page.figure_labels["suppliers"].text()


def test_renaming_the_bands_keeps_the_weak_supplier_count(demo_window, qtbot):
    from qmsdesk.services.suppliers import reviews as supplier_reviews
    from qmsdesk.services.suppliers.rules import Band

    page = demo_window.page("dashboard")
    before = page.overview
    assert before.weak_bands == ("C", "D") and before.weak_suppliers > 0
    noun = "supplier" if before.weak_suppliers == 1 else "suppliers"
    assert f"{noun} in use in band C or D" in _weak_figure(page)
    renamed = {"A": "Gold", "B": "Silver", "C": "Watch", "D": "Exit"}
    supplier_reviews.save_bands(demo_window.db, [
        Band(renamed[band.name], band.minimum) for band in supplier_reviews.load_bands(
            demo_window.db)])
    qtbot.waitUntil(lambda: page.overview.weak_bands == ("Watch", "Exit"), timeout=3000)
    after = page.overview
    assert after.weak_suppliers == before.weak_suppliers
    assert {renamed.get(k, k): n for k, n in before.suppliers_by_band.items()} == \
        after.suppliers_by_band
    assert after.suppliers_by_band["No data"] == before.suppliers_by_band["No data"]
    assert f"{after.weak_suppliers}</span><br>{noun} in use in band Watch or Exit" in \
        _weak_figure(page)


def test_my_work_shows_only_the_users_items_and_a_first_read_says_how_many_are_overdue(
        qtbot, demo_file, tmp_path):
    from qmsdesk.services import user_settings

    user_settings.set_identity("Anna Kowalska", "Quality Manager")  # a demo owner
    window = _open_demo(qtbot, demo_file, tmp_path)
    page = window.page("dashboard")
    everything = page.table.visible_rows()
    hers = [item for item in everything if item.owner == "Anna Kowalska"]
    assert 0 < len(hers) < len(everything)
    overdue = sum(item.overdue for item in hers)
    assert f"Anna Kowalska, {overdue} items of yours overdue" in \
        window.statusBar().currentMessage()
    page.mine.click()  # as Alt+M or a click does
    assert page.table.visible_rows() == hers
    page.mine.setChecked(False)
    assert len(page.table.visible_rows()) == len(everything)
    QThreadPool.globalInstance().waitForDone(10000)
    window.db.close()


@pytest.mark.parametrize("width", [1024, 1366])
def test_the_due_list_shows_when_and_what_is_due_in_a_laptop_window(demo_window, qtbot,
                                                                    width):
    from qmsdesk.ui.column_fit import MAIN_COLUMN_MIN
    from qmsdesk.ui.pages.dashboard_page import CHARTS_MAX_WIDTH, TITLE_COLUMN

    demo_window.resize(width, 700)
    qtbot.waitUntil(lambda: demo_window.width() == width)
    page = demo_window.page("dashboard")
    view = page.table.view
    qtbot.waitUntil(view.isVisible)
    QApplication.processEvents()
    header = view.horizontalHeader()
    assert header.model().headerData(TITLE_COLUMN, Qt.Orientation.Horizontal) == "Title"
    for column in range(TITLE_COLUMN):  # due, when, reference: whole, from the left edge
        left = header.sectionViewportPosition(column)
        assert left >= 0 and left + header.sectionSize(column) <= view.viewport().width()
    # the title readable without scrolling sideways; the charts beside it, not squeezed
    assert header.sectionViewportPosition(TITLE_COLUMN) + MAIN_COLUMN_MIN \
        <= view.viewport().width()
    charts = page.charts_pane
    assert charts.minimumWidth() <= charts.width() <= CHARTS_MAX_WIDTH


@pytest.mark.parametrize("count", [0, 1, 2])
def test_each_figure_s_caption_agrees_with_its_number(demo_window, count):
    import re

    page = demo_window.page("dashboard")
    overview = dataclasses.replace(
        page.overview, actions_by_status={"open": count}, weak_suppliers=count,
        objectives_by_health={"off track": count}, high_risks_without_action=count,
        approved_expired=0)
    page._show_overview(overview)
    for key in ("actions", "objectives", "suppliers", "risks"):
        caption = page.figure_labels[key].text().split("<br>")[1]
        plural = re.search(r"\b(actions|objectives|suppliers|risks)\b", caption)
        assert (plural is None) == (count == 1), (key, count, caption)


def test_a_long_due_list_shows_its_most_urgent_items_while_the_rest_are_read(
        demo_window, qtbot, monkeypatch):
    """At 100x the due list holds about 80 000 items: a newly opened database shows its
    first screenful at once, and the figures wait for the whole list."""
    page = demo_window.pages["dashboard"]
    service = dashboard_page.service
    real_items = service.due_items
    release = threading.Event()
    reads: list[int | None] = []

    def due_items(db, today, limit=None):
        reads.append(limit)
        if limit is None:
            release.wait(10)  # the whole list is still being read
        return real_items(db, today, limit=limit)

    monkeypatch.setattr(service, "due_items", due_items)
    monkeypatch.setattr(register_table, "FIRST_ROWS", 3)
    monkeypatch.setattr(register_table, "INLINE_WAIT_S", 0.0)
    page.table.set_rows([])  # as on a database just opened
    page._figure("overdue", "?", "overdue")
    page.refresh()
    qtbot.waitUntil(lambda: page.table.partial, timeout=5000)
    whole = real_items(page.db, page.today)
    first = [row.ref for row in page.table.visible_rows()]
    assert len(first) == 3 and len(whole) > 3
    assert first == [item.ref for item in whole[:len(first)]]
    assert page.loading and page._figures["overdue"][0] == "?"
    release.set()
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert len(page.table.visible_rows()) == len(whole) and not page.table.partial
    assert page._figures["overdue"][0] == str(sum(item.overdue for item in whole))
    assert sorted(reads, key=str) == [3, None]


@pytest.mark.parametrize("day", [TODAY, date(2026, 12, 30), date(2027, 6, 18)], ids=str)
def test_the_overdue_figure_is_where_the_overdue_items_end(shared_demo, day):
    items = dashboard.due_items(shared_demo, day)
    assert 0 < dashboard_page.overdue_count(items) < len(items)
    assert dashboard_page.overdue_count(items) == sum(item.overdue for item in items)
    assert dashboard_page.overdue_count([]) == 0
