"""New records of an import written in bulk: the rows the register's own store function
fills in, inserted with one executemany per table and batch inside the import's one
transaction, and the audit entries the session hook writes for a new record.

Why: an import of 50 000 parties spent most of its time in the ORM's unit of work and in
the hook around it (one ORM object, one identity-map entry and one history per field).
What stays the same: the register's own check runs first, in the write's transaction; its store
function says what a row holds (it fills in a stand-in for the ORM row, see Blank), and
the trail gets the entries the hook would have written, in its order (a record, then its
children), chained by audit.write_entries, the hook's own writer.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.orm import Session

from qmsdesk.models.audit import Change, audited_columns, created_fields, write_entries
from qmsdesk.models.db import Database
from qmsdesk.models.many_rows import insert_many
from qmsdesk.services.batch import finish, store_all
from qmsdesk.services.errors import BatchValidationError
from qmsdesk.services.exchange.adapters import BATCH, Planned, load_for_write, refuse_taken

Check = Callable[[Session, Sequence[Any]], dict[int, dict[str, str]]]
Store = Callable[..., None]  # (session, row, record): the register's store function
MadeWith = Callable[[Any, str], dict[str, Any]]  # (record, reference) -> a new row's values
Refuse = Callable[[Session, Sequence[Planned]], None]
Then = Callable[[Session, Sequence[Planned], dict[str, int]], None]


@dataclass
class NewRow:
    """One record to insert: its class, its column values, and its children (rows of other
    classes whose ``parent_key`` column takes this row's id once it has one). A row of a
    child table inserted on its own (its parent stored already) says its parent's reference
    in ``audit_ref``, as its entries name it."""

    model: type[Any]
    values: dict[str, Any]
    children: list[NewRow] = field(default_factory=list)
    parent_key: str = ""
    audit_ref: str = ""  # the reference its trail entries name, when not its own ``ref``


class Blank:
    """Stands in for a new ORM row while a register's store function fills it in: it takes
    the attributes set on it, and its list relationships collect the children appended.
    ``id`` is None, as a row not yet inserted has."""

    def __init__(self, model: type[Any], **values: Any) -> None:
        self.__dict__.update(values)
        self.id = None
        for name in _shape(model).child_lists:
            setattr(self, name, [])


def new_row(model: type[Any], store: Callable[[Any], None], **values: Any) -> NewRow:
    """The row ``store(blank)`` fills in for a new record of ``model`` (``values``: what the
    row is made with, as ``Model(ref=...)``), with the children it appends (one level: a
    child's own children are not collected)."""
    blank = Blank(model, **values)
    store(blank)
    columns = _shape(model).columns
    row = NewRow(model, {k: v for k, v in vars(blank).items() if k in columns and k != "id"})
    for name, (child_model, parent_key) in _shape(model).child_lists.items():
        child_columns = _shape(child_model).columns
        for child in getattr(blank, name):
            state = inspect(child).dict  # an ORM child made by the store function
            row.children.append(NewRow(child_model, {
                k: v for k, v in state.items() if k in child_columns and k != "id"},
                parent_key=parent_key))
    return row


def write_in_bulk(db: Database, planned: Sequence[Planned], model: type[Any],
                  check: Check, store: Store, *options: Any,
                  made_with: MadeWith = lambda record, ref: {"ref": ref},
                  refuse: Refuse | None = None, then: Then | None = None, batch: int = BATCH,
                  ) -> Generator[int, None, None]:
    """Save planned records of ``model`` in one session, as its register's check-then-store
    function does: ``check(session, records)`` (the register's rules that ask the database,
    again inside the write's transaction: the plan checked every rule on these very
    records; anything found raises BatchValidationError and nothing is written), then per
    ``batch`` the new records inserted in bulk and the stored ones updated on their rows,
    both by the register's ``store(session, row, record)``; yields how many are done after
    each batch. Closing it part-way rolls everything back. ``options``: to load a stored
    record's children with it; ``made_with(record, ref)``: the values a new row is made
    with, as the register's save makes it; ``refuse(session, planned)``: what refuses
    references taken meanwhile (refuse_taken by default); ``then(session, batch, ids)``:
    what the register writes after a batch's records, each record's id by reference."""
    with db.session() as session:
        # Held for the session's length: its identity map keeps only what is referenced,
        # and the store function finds the stored records there, children loaded.
        _loaded = load_for_write(session, model, planned, *options)
        if refuse is None:
            refuse_taken(session, model, planned)
        else:
            refuse(session, planned)
        if errors := check(session, [item.record for item in planned]):
            raise BatchValidationError(errors)
        for start in range(0, len(planned), batch):
            part = planned[start:start + batch]
            # The order a flush of the batch writes the trail in: new records, then changes.
            new = [item for item in part if item.original is None]
            ids = dict(zip((item.ref for item in new), insert_new(session, [
                new_row(model, partial(store, session, record=item.record),
                        **made_with(item.record, item.ref)) for item in new]), strict=True))
            stored = [item.record for item in part if item.original is not None]
            finish(store_all(session, model, model.__name__, stored, _stored_only, store,
                             len(part)))
            if then is not None:
                ids.update((item.ref, item.existing_id) for item in part
                           if item.existing_id is not None)
                then(session, part, ids)
            yield start + len(part)


def _stored_only(record: Any) -> Any:
    raise AssertionError(f"{record.ref} is new: insert_new writes it")


def insert_new(session: Session, rows: Sequence[NewRow]) -> list[int]:
    """Insert ``rows`` and their children in ``session``'s transaction (one executemany per
    table), then chain the audit entries a flush of the same new records writes; the ids
    of ``rows``, in their order."""
    if not rows:
        return []
    ids = _insert(session, rows)
    changes: list[Change] = []
    for row in rows:
        ref = row.audit_ref or str(row.values.get("ref", ""))
        _entries(row, ids, ref, changes)
        for child in row.children:  # a child names its parent's reference, as audit_ref does
            _entries(child, ids, ref, changes)
    write_entries(session, changes)
    return [ids[id(row)] for row in rows]


def _insert(session: Session, rows: Sequence[NewRow]) -> dict[int, int]:
    """Python id of each NewRow -> its database id: the parents first, then each child
    table (its parent key filled in)."""
    ids: dict[int, int] = {}
    level: Sequence[NewRow] = rows
    while level:
        by_model: dict[type[Any], list[NewRow]] = {}
        for row in level:
            if row.parent_key:
                row.values[row.parent_key] = ids[row.values.pop(_PARENT)]
            by_model.setdefault(row.model, []).append(row)
        for model, group in by_model.items():
            made = {key: make(None) for key, make in _shape(model).made.items()}
            params = [_complete(model, row.values, made) for row in group]
            table: Table = model.__table__
            connection = session.connection()
            keys = tuple(params[0])
            if "ref" in table.c and table.c.ref.unique and all(
                    values.keys() == params[0].keys() for values in params):
                # Inserted as the driver takes them, then their ids asked by reference:
                # a third of the time of SQLAlchemy's INSERT ... RETURNING of each row.
                insert_many(connection, table, keys,
                            [[values[key] for key in keys] for values in params])
                refs = [values["ref"] for values in params]
                found = dict(connection.execute(select(table.c.ref, table.c.id).where(
                    table.c.ref.in_(refs))).all())
                new_ids: Sequence[int] = [found[ref] for ref in refs]
            else:
                new_ids = connection.execute(insert(table).returning(
                    table.c.id, sort_by_parameter_order=True), params).scalars().all()
            ids.update(zip(map(id, group), new_ids, strict=True))
        children = []
        for row in level:
            for child in row.children:
                child.values[_PARENT] = id(row)
                children.append(child)
        level = children
    return ids


_PARENT = "\x00parent"  # a child's parent (a Python id) until the parent has its own


def _entries(row: NewRow, ids: dict[int, int], ref: str, changes: list[Change]) -> None:
    values, record_id = row.values, str(ids[id(row)])
    entity = row.model.audit_entity
    changes.extend(("create", entity, record_id, ref, key, "", new)
                   for key, new in created_fields(row.model, values.__getitem__))


def _complete(model: type[Any], values: dict[str, Any], made: dict[str, Any]
              ) -> dict[str, Any]:
    """The values as the ORM inserts them: a column left out takes its default (the value
    the hook then reads from the new row; ``made``: what a default function gave for the
    batch, e.g. its moment), the version starts at the mapper's first."""
    shape = _shape(model)
    defaults, version = shape.defaults, shape.version
    for key, value in defaults.items():
        if key not in values:
            if value is _MISSING:  # the hook would read back what the database chose
                raise ValueError(f"{model.__name__}.{key} needs a value in a bulk insert")
            values[key] = value
    for key, value in made.items():
        values.setdefault(key, value)
    values.update(version)
    return values


_MISSING = object()  # an audited column whose default only the database knows


@dataclass(frozen=True)
class _Shape:
    """What a bulk insert needs to know of a mapped class."""

    columns: frozenset[str]
    child_lists: dict[str, tuple[type[Any], str]]  # relationship -> (child class, its key)
    defaults: dict[str, Any]  # what the ORM inserts for a column a new row leaves out
    version: dict[str, Any]  # the version column and its first value, if versioned
    made: dict[str, Callable[[Any], Any]]  # columns a default function fills (a moment)


def _shape(model: type[Any]) -> _Shape:
    # A class is hashable; mypy says type[...] is not (python/mypy#11470).
    return _shape_of(model)  # type: ignore[arg-type]


@cache
def _shape_of(model: type[Any]) -> _Shape:
    mapper = inspect(model)
    defaults: dict[str, Any] = {}
    made: dict[str, Callable[[Any], Any]] = {}
    for column in mapper.local_table.columns:
        if column.primary_key:
            continue
        if column.default is not None and column.default.is_scalar:
            defaults[column.key] = column.default.arg
        elif column.default is not None and column.default.is_callable:
            made[column.key] = column.default.arg  # SQLAlchemy's: takes a context, or None
        elif column.default is None and column.server_default is None:
            defaults[column.key] = None  # what the database stores for a column left out
        elif column.server_default is not None and column.key in audited_columns(model):
            defaults[column.key] = _MISSING
    version = {}
    if mapper.version_id_col is not None and mapper.version_id_generator:
        version[mapper.version_id_col.key] = mapper.version_id_generator(None)
    child_lists = {}
    for rel in mapper.relationships:
        if rel.uselist:
            (_, remote), = rel.local_remote_pairs
            child_lists[rel.key] = (rel.mapper.class_, remote.key)
    return _Shape(frozenset(c.key for c in mapper.local_table.columns), child_lists,
                  defaults, version, made)
