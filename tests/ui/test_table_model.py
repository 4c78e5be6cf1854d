"""The generic table model and filter proxy, without any widget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QAbstractProxyModel, QModelRoleData, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QTableView

from qmsdesk.ui.table_model import ROW_ROLE, SORT_ROLE, Column, RecordFilterProxy, RecordTableModel


@dataclass(frozen=True)
class Row:
    ref: str
    name: str
    due: date | None
    count: int


COLUMNS = [
    Column("Ref", lambda r: r.ref),
    Column("Name", lambda r: r.name),
    Column("Due", lambda r: r.due.isoformat() if r.due else "",
           sort_key=lambda r: r.due.toordinal() if r.due else 0),
    Column("Count", lambda r: str(r.count), sort_key=lambda r: r.count,
           align=Qt.AlignmentFlag.AlignRight),
]
ROWS = [Row("IP-0001", "Zeta GmbH", date(2027, 1, 5), 10),
        Row("IP-0002", "Ærø Sejl", None, 2),
        Row("IP-0003", "alpha SA", date(2026, 3, 1), 9)]


def make(rows=ROWS):
    model = RecordTableModel(COLUMNS)
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_rows(rows)
    return model, proxy


def column_values(proxy, column):
    return [proxy.index(i, column).data() for i in range(proxy.rowCount())]


def test_model_shows_rows_through_column_specs(qapp):
    model, _ = make()
    assert (model.rowCount(), model.columnCount()) == (3, 4)
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Due"
    assert model.index(1, 1).data() == "Ærø Sejl"
    assert model.index(1, 2).data() == ""
    assert model.index(0, 3).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight)
    assert model.index(2, 0).data(ROW_ROLE) is ROWS[2]


def test_sorting_uses_sort_keys_not_text(qapp):
    _, proxy = make()
    proxy.sort(3, Qt.SortOrder.AscendingOrder)  # "10" sorts after "9" as a number
    assert column_values(proxy, 3) == ["2", "9", "10"]
    proxy.sort(2, Qt.SortOrder.DescendingOrder)
    assert column_values(proxy, 0) == ["IP-0001", "IP-0003", "IP-0002"]
    proxy.sort(1, Qt.SortOrder.AscendingOrder)  # case-insensitive by default
    assert column_values(proxy, 1) == ["alpha SA", "Zeta GmbH", "Ærø Sejl"]
    assert proxy.index(0, 1).data(SORT_ROLE) == "alpha sa"


def test_search_matches_any_column_case_insensitively(qapp):
    _, proxy = make()
    proxy.set_search_text("ÆRØ")
    assert column_values(proxy, 0) == ["IP-0002"]
    proxy.set_search_text("2027")
    assert column_values(proxy, 0) == ["IP-0001"]
    proxy.set_search_text("")
    assert proxy.rowCount() == 3


def test_a_cell_showing_the_empty_dash_is_not_searched_and_the_text_stays_compact(qapp):
    """The dash a column shows for "nothing here" is no word to find; left in, one
    character beyond Latin-1 would store the row's whole search text at twice the size."""
    import sys

    from qmsdesk.ui.table_model import search_texts

    columns = [*COLUMNS, Column("Owner", lambda r: "—" if r.count < 5 else "Anna Kowalska")]
    texts = search_texts(columns, ROWS)
    assert texts[1] == "ip-0002\x1færø sejl\x1f\x1f2"  # no owner: no dash
    assert "anna kowalska" in texts[0]
    assert sys.getsizeof(texts[1] + "x") - sys.getsizeof(texts[1]) == 1  # a byte a char
    model = RecordTableModel(columns)
    proxy = RecordFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(ROWS)
    proxy.set_search_text("—")
    assert proxy.rowCount() == 0
    proxy.set_search_text("sejl")
    assert column_values(proxy, 0) == ["IP-0002"]


def test_predicates_combine_with_search_and_survive_reset(qapp):
    model, proxy = make()
    proxy.set_predicate("many", lambda r: r.count > 5)
    assert sorted(column_values(proxy, 0)) == ["IP-0001", "IP-0003"]
    proxy.set_search_text("alpha")
    assert column_values(proxy, 0) == ["IP-0003"]
    model.set_rows([*ROWS, Row("IP-0004", "Alpha Two", None, 50)])
    assert sorted(column_values(proxy, 0)) == ["IP-0003", "IP-0004"]
    proxy.set_predicate("many", None)
    proxy.set_search_text("")
    assert proxy.rowCount() == 4


def test_large_register_filters(qapp):
    rows = [Row(f"IP-{i:05d}", f"Party {i}", None, i) for i in range(20_000)]
    model, proxy = make(rows)
    proxy.set_search_text("party 1999")
    assert sorted(column_values(proxy, 0)) == ["IP-01999", "IP-19990", "IP-19991",
                                               "IP-19992", "IP-19993", "IP-19994",
                                               "IP-19995", "IP-19996", "IP-19997", "IP-19998",
                                               "IP-19999"]
    assert model.find(lambda r: r.ref == "IP-12345") == 12345


def test_new_rows_keep_the_chosen_order_and_selection_follows_a_sort(qapp):
    model, proxy = make()
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    model.set_rows([*ROWS, Row("IP-0004", "Beta", None, 5)])
    assert column_values(proxy, 3) == ["10", "9", "5", "2"]
    from PySide6.QtCore import QPersistentModelIndex

    tracked = QPersistentModelIndex(proxy.index(0, 0))  # IP-0001, count 10
    proxy.sort(3, Qt.SortOrder.AscendingOrder)
    assert tracked.row() == 3 and tracked.data() == "IP-0001"


def test_new_rows_are_filtered_on_their_own_text_not_the_old_rows(qapp):
    # What archiving or renaming a record with a search active does: the rows are re-read,
    # and a view asks for the rows while the reset is still being announced. Only rows that
    # match may stay on screen.
    model, proxy = make([Row("IP-0001", "Acme Tools", None, 1),
                         Row("IP-0002", "Agency workers", None, 2)])
    seen: list[int] = []
    for signal in (proxy.modelReset, proxy.layoutChanged):  # as a QTableView does
        signal.connect(lambda: seen.append(proxy.rowCount()))
    proxy.set_search_text("acme")
    assert column_values(proxy, 1) == ["Acme Tools"]
    model.set_rows([Row("IP-0002", "Agency workers", None, 2)])
    assert column_values(proxy, 1) == [] and seen[-1] == 0
    model.set_rows([Row("IP-0002", "Agency workers", None, 2),
                    Row("IP-0003", "Acme Foundry", None, 3)])
    assert column_values(proxy, 1) == ["Acme Foundry"]
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert column_values(proxy, 1) == ["Acme Foundry"] and seen[-1] == 1


@given(st.lists(st.integers(0, 6), max_size=60), st.integers(1, 9))
@settings(max_examples=150, deadline=None)
def test_a_long_column_is_ordered_in_runs_as_one_stable_sort_would(keys, run):
    from qmsdesk.ui import table_model

    column = Column("Size", str, sort_key=lambda size: size)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table_model, "SORT_RUN", run)  # runs of a few rows, then merged
        assert table_model.ascending_order(column, keys) == \
            sorted(range(len(keys)), key=keys.__getitem__)


@given(st.permutations(list(range(30))), st.sets(st.integers(0, 29), max_size=30))
@settings(max_examples=100, deadline=None)
def test_where_each_row_went_is_the_inverse_permutation_for_few_rows_or_many(order, wanted):
    from qmsdesk.ui.record_filter import inverse, where_each

    row_of = inverse(order)
    assert where_each(order, wanted) == {position: row_of[position] for position in wanted}


@settings(max_examples=60, deadline=None)
@given(counts=st.lists(st.integers(0, 30), min_size=0, max_size=60),
       steps=st.lists(st.tuples(st.sampled_from(["search", "sort", "only even", "rows"]),
                                st.integers(0, 3), st.booleans(),
                                st.sampled_from(["", "1", "2", "party 1", "x"])),
                      max_size=8))
def test_the_rows_shown_are_those_passing_in_the_order_sorted_whatever_the_steps(
        qapp, counts, steps):
    """Against a plain list: after any mix of reads, sorts, searches and predicates, the
    proxy shows exactly the rows that pass, in the order the source is sorted in."""
    rows = [Row(f"IP-{i:03d}", f"Party {n}", None, n) for i, n in enumerate(counts)]
    model, proxy = make(rows)
    search, even, order = "", False, None
    for step, column, flag, text in steps:
        if step == "search":
            search = text
            proxy.set_search_text(text)
        elif step == "sort":
            order = (column, flag)
            proxy.sort(column, Qt.SortOrder.DescendingOrder if flag
                       else Qt.SortOrder.AscendingOrder)
        elif step == "only even":
            even = flag
            proxy.set_predicate("even", (lambda r: r.count % 2 == 0) if flag else None)
        else:
            rows = rows[column:] + rows[:column]
            model.set_rows(rows)
        expected = [model.row_at(r) for r in range(model.rowCount())]
        if order is not None:  # the source's own order, as sorted
            assert [r.ref for r in expected] == [r.ref for r in model.rows()]
        expected = [r for r in expected if (not even or r.count % 2 == 0) and (
            search.casefold() in "\x1f".join(c.text(r) for c in COLUMNS).casefold())]
        shown = [proxy.index(i, 0).data(ROW_ROLE) for i in range(proxy.rowCount())]
        assert shown == expected


class _DataOnly(RecordFilterProxy):
    """The proxy as Qt's own would answer a delegate: ``data`` once a role."""

    multiData = QAbstractProxyModel.multiData


def _painted(proxy, qtbot, counted):
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.resize(420, 160)
    view.show()
    calls = dict.fromkeys(counted, 0)
    for name in counted:  # an instance's own attribute: what Qt calls into
        real = getattr(proxy, name)
        setattr(proxy, name, lambda *a, name=name, real=real: (
            calls.__setitem__(name, calls[name] + 1), real(*a))[1])
    return view.grab().toImage(), calls


def test_a_repaint_asks_each_cell_once_and_paints_what_asking_each_role_paints(qapp, qtbot):
    """A delegate asks seven roles of every cell it paints; answered in one call a cell
    (multiData) the picture is the same as answered role by role, tones and a cell with
    no colour after one with a colour included (the delegate reuses its roles' values)."""
    columns = [*COLUMNS, Column("Tone", lambda r: "", foreground=lambda r: (
        QColor("#B00020") if r.count > 5 else None), background=lambda r: (
        QColor("#FFF3C4") if r.due is None else None))]
    pictures = []
    for proxy_class in (RecordFilterProxy, _DataOnly):
        model, proxy = RecordTableModel(columns), proxy_class()
        proxy.setSourceModel(model)
        model.set_rows(ROWS)
        cells = proxy.rowCount() * proxy.columnCount()
        if proxy_class is RecordFilterProxy:
            picture, calls = _painted(proxy, qtbot, ("data", "multiData"))
            assert calls == {"data": 0, "multiData": cells}
        else:
            picture, calls = _painted(proxy, qtbot, ("data",))
            assert calls["data"] >= 7 * cells
        pictures.append(picture)
    assert pictures[0] == pictures[1]


def test_every_role_asked_at_once_is_set_or_cleared(qapp):
    _, proxy = make()
    index = proxy.index(0, 3)
    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole,
                 Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ForegroundRole):
        asked = QModelRoleData(role)
        asked.setData("left from the cell painted before")
        index.multiData(asked)  # as a view asks: through the index, as a span
        assert asked.data() == proxy.data(index, role)
