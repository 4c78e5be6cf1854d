"""Opening a database builds and reads only the page in view; hidden pages never draw;
the dashboard reads on a worker; a selection on the grid moves without a redraw."""

from __future__ import annotations

import threading

from qmsdesk import registers
from qmsdesk.services.parties import service as parties
from qmsdesk.ui import register_table
from qmsdesk.ui.pages import dashboard_page


def _chart_ready(page) -> bool:
    return page.chart.canvas is not None and not page.chart.building


def test_opening_a_database_builds_only_the_first_page(window):
    assert set(window.pages) == {"dashboard"}
    assert window.nav.count() == len(registers.with_pages())  # every entry is listed
    assert window.stack.currentWidget() is window.pages["dashboard"]


def test_visiting_a_page_builds_it_once(window, qtbot):
    row = [r.key for r in registers.with_pages()].index("parties")
    window.nav.setCurrentRow(row)  # as a click in the navigation does
    page = window.pages["parties"]
    assert set(window.pages) == {"dashboard", "parties"}
    assert window.stack.currentWidget() is page and page.proxy.rowCount() == 4
    window.show_page("dashboard")
    assert window.show_page("parties") is page


def test_a_hidden_page_never_draws_its_chart(window, qtbot):
    page = window.page("parties")  # built, not shown
    assert not page.isVisible()
    page.refresh()
    qtbot.wait(400)  # longer than the grid's debounce
    assert page.chart.canvas is None and not page.chart.building
    window.show_page("parties")
    qtbot.waitUntil(lambda: _chart_ready(page), timeout=10000)
    canvas = page.chart.canvas
    window.show_page("dashboard")
    record = parties.new_party(window.today)
    record.name, record.category, record.owner = "Harbour Authority", "regulator", "Anna"
    record.influence, record.interest = 3, 3  # a new party starts unrated
    parties.save_party(window.db, record, window.today)
    page.refresh()  # even asked to, a hidden page only marks its grid for later
    qtbot.wait(400)
    assert page.chart.canvas is canvas and not page.chart.building
    window.show_page("parties")
    qtbot.waitUntil(lambda: page.chart.canvas is not canvas and _chart_ready(page),
                    timeout=10000)
    assert len(page.chart.figure.qms_scatter.get_offsets()) == 5


def test_selection_is_an_overlay_not_a_redraw(window, qtbot):
    page = window.show_page("parties")
    qtbot.waitUntil(lambda: _chart_ready(page), timeout=10000)
    qtbot.waitUntil(lambda: page.chart.full_draws > 0, timeout=5000)  # painted once
    draws = page.chart.full_draws
    page.select_party(3)
    ring, name = page.chart.overlay
    target = next(i for i, r in enumerate(page._chart_points) if r.id == 3)
    assert tuple(ring.get_offsets()[0]) == tuple(page.chart.figure.qms_scatter
                                                 .get_offsets()[target])
    assert name.get_text() == "IP-0003 株式会社サンプル精工"
    page.select_party(1)
    assert page.chart.overlay[1].get_text().startswith("IP-0001 ")
    assert ring.axes is None  # the old ring is gone from the figure
    qtbot.wait(100)
    assert page.chart.full_draws == draws


def test_the_dashboard_reads_on_workers_its_counts_before_the_whole_due_list(window, qtbot,
                                                                            monkeypatch):
    page = window.pages["dashboard"]
    threads: list[threading.Thread] = []
    events: list[str] = []
    service = dashboard_page.service
    real_items, real_overview = service.due_items, service.overview

    def due_items(db, today, limit=None):
        threads.append(threading.current_thread())
        events.append("due list read")
        return real_items(db, today, limit=limit)

    def overview(db, today):
        threads.append(threading.current_thread())
        events.append("counts read")
        return real_overview(db, today)

    monkeypatch.setattr(service, "due_items", due_items)
    monkeypatch.setattr(service, "overview", overview)
    monkeypatch.setattr(register_table, "INLINE_WAIT_S", 0.0)  # as a slow read
    applied: list[int] = []

    def set_rows(rows, *_):
        if not page.table.partial:  # the whole list (an empty table first shows its head)
            applied.append(len(rows))
            events.append("rows shown")

    monkeypatch.setattr(page.table, "set_rows", set_rows)
    page.refresh()
    page.refresh()  # the first read is superseded: only the newest is applied
    assert page.loading and applied == []
    qtbot.waitUntil(lambda: not page.loading, timeout=10000)
    assert threads and all(t is not threading.main_thread() for t in threads)
    assert len(applied) == 1 and page.overview is not None
    # The counts do not wait for a long due list: they are read before it.
    last = {event: len(events) - 1 - events[::-1].index(event) for event in events}
    assert last["counts read"] < last["due list read"] < last["rows shown"]


def test_the_worker_that_imports_at_start_leaves_the_first_query_nothing_to_set_up():
    """At start a worker imports what opening a database needs and resolves the models'
    mappings: the first query, made on the GUI thread as the database opens (who the user
    is), did that in 60-115 ms. In a fresh process, where nothing has queried yet."""
    import subprocess
    import sys

    code = ("from qmsdesk.ui.app import import_first_modules\n"
            "import qmsdesk.services.dashboard\n"  # the models imported, not yet queried
            "from qmsdesk.models.base import Base\n"
            "print(all(m.configured for m in Base.registry.mappers))\n"
            "import_first_modules()\n"
            "print(all(m.configured for m in Base.registry.mappers))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.split() == ["False", "True"]


def test_the_grid_waits_for_every_party_while_the_first_rows_are_shown(window, qtbot,
                                                                        monkeypatch):
    """A long register shows its first rows while the rest are read; the grid is drawn
    once, of every party, when they have all come (not of the first rows, to be thrown
    away a moment later while taking the interpreter from the window painting them)."""
    monkeypatch.setattr(register_table, "INLINE_WAIT_S", 0.0)
    monkeypatch.setattr(register_table, "FIRST_ROWS", 2)
    release = threading.Event()
    read_all = parties.list_parties

    def slow_list(db, today, archived=False, limit=None):
        if limit is None:
            release.wait(10)
        return read_all(db, today, archived, limit=limit)

    monkeypatch.setattr(parties, "list_parties", slow_list)
    built: list[int] = []
    from qmsdesk.ui.pages import parties_page

    real_grid = parties_page._grid
    monkeypatch.setattr(parties_page, "_grid", lambda rows: (built.append(len(rows)),
                                                             real_grid(rows))[1])
    page = window.show_page("parties")
    qtbot.waitUntil(lambda: page.register.partial, timeout=5000)
    assert page.proxy.rowCount() == 2
    qtbot.wait(400)  # longer than the grid's debounce
    assert built == [] and page.chart.canvas is None  # still "Loading chart…"
    release.set()
    qtbot.waitUntil(lambda: _chart_ready(page), timeout=10000)
    assert built == [len([r for r in page.visible_rows() if r.status == "active"])]
    assert built[0] > 2
