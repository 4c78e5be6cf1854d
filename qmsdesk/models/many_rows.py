"""Many rows of one table inserted by one executemany, handed to the driver as it takes them.

SQLAlchemy turns each row's values into the driver's parameters one by one (a third of
writing a large import's trail, half of inserting its records); here the INSERT is compiled
once per table, dialect and columns, and each value goes through its column's own bind
processing only where the column type has one (a moment stored in UTC, a date, a flag).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection, Dialect

Processor = Callable[[Any], Any] | None
_COMPILED: dict[tuple[str, str, str, tuple[str, ...]],
                tuple[str, tuple[str, ...] | None, tuple[Processor, ...]]] = {}


def insert_many(connection: Connection, table: Table, keys: Sequence[str],
                rows: Sequence[Sequence[Any]], same: Mapping[str, Any] | None = None) -> None:
    """INSERT ``rows`` (each its values of ``keys``, in that order) into ``table``;
    ``same``: values every row has (bound once, not once a row)."""
    if not rows:
        return
    same = same or {}
    columns = (*same, *keys)
    sql, order, processors = _compiled(connection.dialect, table, columns)
    bound = [value if process is None else process(value)
             for process, value in zip(processors, same.values(), strict=False)]
    row_processors = processors[len(same):]
    if any(process is not None for process in row_processors):
        rows = [[value if process is None else process(value)
                 for process, value in zip(row_processors, row, strict=True)] for row in rows]
    params: list[Any]
    if order is None:  # named parameters (PostgreSQL's drivers)
        params = [dict(zip(columns, (*bound, *row), strict=True)) for row in rows]
    elif order == columns:
        params = [(*bound, *row) for row in rows]
    else:  # the dialect puts the columns in another order
        where = [columns.index(key) for key in order]
        params = [tuple(values[i] for i in where)
                  for values in ((*bound, *row) for row in rows)]
    connection.exec_driver_sql(sql, params)


def _compiled(dialect: Dialect, table: Table, columns: tuple[str, ...]
              ) -> tuple[str, tuple[str, ...] | None, tuple[Processor, ...]]:
    """The INSERT as the dialect writes it, the order of its positional parameters (None:
    named ones), and each column's bind processor (None: its value as it is)."""
    key = (dialect.name, dialect.driver, table.name, columns)
    if key not in _COMPILED:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        if extra := set(compiled.params) - set(columns):  # a default only SQLAlchemy fills in
            raise ValueError(f"{table.name}: no value for {', '.join(sorted(extra))}")
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        _COMPILED[key] = (compiled.string, order, tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in columns))
    return _COMPILED[key]
