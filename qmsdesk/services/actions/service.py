"""Action-log use cases (one log for every register): list, load, save, count open actions."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from qmsdesk import registers as catalogue
from qmsdesk.models.base import RegisterRecord
from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.services.actions import effectiveness, rules
from qmsdesk.services.actions.records import ActionRecord, ActionRow
from qmsdesk.services.archiving import archive_problems
from qmsdesk.services.batch import (
    BATCH,
    add_error,
    check_new_refs,
    existing_ids,
    finish,
    new_refs,
    store_all,
)
from qmsdesk.services.errors import BatchValidationError, NotFoundError
from qmsdesk.services.records import conflict_guard, load_for_update
from qmsdesk.services.validation import tidy_text


@dataclass(frozen=True)
class SourceName:
    """The register a source links to and the attribute that names its records."""

    class_: type[RegisterRecord]
    key: str


# What names the record each source links to, from the register catalogue.
SOURCE_NAMES: dict[str, SourceName] = {
    source.name: SourceName(catalogue.load(source.model), source.title)
    for source in catalogue.action_sources()}
# SQLite allows 32 766 bound parameters (999 before 3.32); stay well below either.
_CHUNK = 500


Store = Callable[[Session, Action, ActionRecord], None]
_ACTION_FIELDS = ("title", "description", "kind", *rules.LINK_FIELDS, "owner", "start_date",
                  "due_date", "status", "completed_on", "progress", "effectiveness",
                  "effectiveness_by", "effectiveness_on", "evidence", "archived_on",
                  "archive_reason")


def _check_link_names(links: dict[str, int | None]) -> None:
    unknown = set(links) - set(rules.LINK_FIELDS)
    if unknown:
        raise TypeError(f"not an action link: {', '.join(sorted(unknown))}")


def new_action(today: date, **links: int | None) -> ActionRecord:
    """A blank action starting today, linked to the record it was raised from (if any):
    ``new_action(today, objective_id=3)``; the link names are rules.LINK_FIELDS."""
    _check_link_names(links)
    record = ActionRecord(start_date=today)
    for link, value in links.items():
        setattr(record, link, value)
    record.source = rules.source_of(links)
    if record.source == "objective":
        record.kind = "improvement"  # 6.2: the actions that reach an objective
    return record


def list_actions(db: Database, today: date, include_closed: bool = True,
                 limit: int | None = None, include_archived: bool = True,
                 **only: int | None) -> list[ActionRow]:
    """The log in the order entered; ``only`` narrows it to the actions raised from one
    record (``objective_id=3``), ``include_closed=False`` to open actions, ``limit`` to its
    first rows (a page shows them while the rest are read). Archived actions are finished
    ones, kept in a record's history (its linked actions, the reports); the working lists
    leave them out (``include_archived=False``, the page's "Show archived" unticked)."""
    _check_link_names(only)
    return [row for _, row in _read_actions(db, today, include_closed, limit,
                                            include_archived, only)]


def actions_by_link(db: Database, today: date, link: str,
                    ids: Sequence[int] | None = None) -> dict[int, list[ActionRow]]:
    """Every action raised from a record through ``link`` (a rules.LINK_FIELDS name), or
    from the records ``ids`` only, by that record's id, each list in the order entered:
    what ``list_actions(**{link: id})`` gives for each record, in one read (a report of
    15 000 suppliers asked once a review), or one a chunk of ``ids``."""
    _check_link_names({link: None})
    found: dict[int, list[ActionRow]] = {}
    chunks = [None] if ids is None else _chunks(list(dict.fromkeys(ids)))
    for chunk in chunks:
        for links, row in _read_actions(db, today, True, None, True, {}, link, chunk):
            found.setdefault(links[link], []).append(row)
    return found


def _read_actions(db: Database, today: date, include_closed: bool, limit: int | None,
                  include_archived: bool, only: dict[str, int | None],
                  linked_by: str | None = None, linked_to: Sequence[int] | None = None
                  ) -> Iterator[tuple[dict[str, Any], ActionRow]]:
    """The log's lines (with each line's links) as list_actions and actions_by_link ask:
    ``linked_by``, those linked through that field (to the records ``linked_to``)."""
    links = [getattr(Action, link) for link in rules.LINK_FIELDS]
    query = select(Action.id, Action.ref, Action.title, Action.kind, Action.owner,
                   Action.due_date, Action.status, Action.progress, Action.effectiveness,
                   Action.archived_on, Action.archive_reason, *links)
    for source, link in rules.SOURCE_LINKS.items():
        target = aliased(SOURCE_NAMES[source].class_)
        query = (query.add_columns(target.ref)
                 .outerjoin(target, target.id == getattr(Action, link)))
    for link, value in only.items():
        if value is not None:
            query = query.where(getattr(Action, link) == value)
    if linked_by is not None:
        linked = getattr(Action, linked_by)
        query = query.where(linked.is_not(None) if linked_to is None
                            else linked.in_(linked_to))
    if not include_closed:
        query = query.where(Action.status.in_(rules.OPEN_STATUSES))
    if not include_archived:
        query = query.where(Action.archived_on.is_(None))
    n_links = len(links)
    # Values that repeat from row to row (a kind, an owner, a due date) are kept once, not
    # once a row: the log of 200 000 actions holds about 40 MB less.
    shared: dict[Any, Any] = {}
    with db.read() as session:
        # Core rows, not ORM entities, as in list_parties: the log grows with every register.
        # More columns than SQLAlchemy's typed select() overloads name: plain tuples. Each
        # is turned into its line as it is read, so the driver's rows are never all held.
        rows: Iterable[tuple[Any, ...]] = session.connection().execute(
            query.order_by(Action.id).limit(limit))
        for row in rows:
            (action_id, ref, title, kind, owner, due, status, progress, effectiveness) = row[:9]
            kind, owner, due, status, effectiveness = (
                shared.setdefault(value, value) for value in (kind, owner, due, status,
                                                              effectiveness))
            archived_on, archive_reason = row[9:11]
            link_values = dict(zip(rules.LINK_FIELDS, row[11:11 + n_links], strict=True))
            refs = dict(zip(rules.SOURCE_LINKS, row[11 + n_links:], strict=True))
            source = rules.source_of(link_values)
            yield link_values, ActionRow(
                action_id, ref, title, kind, source, refs.get(source) or "", owner, due,
                status, progress, rules.is_overdue(due, status, today), effectiveness,
                archived_on, archive_reason)


def to_record(session: Session, action: Action) -> ActionRecord:
    record = ActionRecord(**{name: getattr(action, name) for name in _ACTION_FIELDS})
    record.id, record.ref, record.version = action.id, action.ref, action.version
    record.updated_at = action.updated_at
    record.effectiveness_signature = effectiveness.signature(action)
    record.source = rules.source_of({link: getattr(action, link) for link in rules.LINK_FIELDS})
    if record.source != rules.NO_SOURCE:
        name = SOURCE_NAMES[record.source]
        linked = session.get(name.class_, getattr(action, rules.SOURCE_LINKS[record.source]))
        if linked is not None:
            record.source_ref, record.source_title = linked.ref, getattr(linked, name.key)
    return record


def get_action(db: Database, action_id: int) -> ActionRecord:
    with db.read() as session:
        action = session.get(Action, action_id)
        if action is None:
            raise NotFoundError(f"Action #{action_id} does not exist.")
        return to_record(session, action)


def _missing_links(session: Session, records: Sequence[ActionRecord],
                   errors: dict[int, dict[str, str]]) -> None:
    """Links to records that do not exist (deleted elsewhere, or a wrong id)."""
    for source, link in rules.SOURCE_LINKS.items():
        values = [getattr(record, link) for record in records]
        found = existing_ids(session, SOURCE_NAMES[source].class_,
                             (v for v in values if rules.is_record_id(v)))
        for index, value in enumerate(values):
            if rules.is_record_id(value) and value not in found:
                add_error(errors, index, link,
                          f"The linked {source} no longer exists. Choose another.")


def normalise(record: ActionRecord) -> None:
    """Tidy a record before the rules see it: trimmed names, done means progress 100."""
    tidy_text(record, ("title", "owner", "effectiveness_by"))
    if record.status == "done":
        record.progress = 100  # done means all of it; the editor need not move the slider


def _clear_closure(record: ActionRecord) -> None:
    """A reopened action is unfinished again: its completion and effectiveness check go."""
    record.completed_on = None
    record.effectiveness, record.effectiveness_by, record.effectiveness_on = "", "", None


def check_actions(session: Session, records: Sequence[ActionRecord],
                  today: date) -> dict[int, dict[str, str]]:
    """Every rule for actions about to be stored together (tidied first), by position in
    ``records``: the form's rules (rules.validate_action) and the database's: each link
    names a record that exists, a new record's given reference is free."""
    errors: dict[int, dict[str, str]] = {}
    for index, record in enumerate(records):
        normalise(record)
        if found := rules.validate_action(record, today):
            errors[index] = found
    # A rule's message on a link field says more than "does not exist"; it wins.
    _missing_links(session, records, errors)
    for index, record in enumerate(records):  # archived: finished, with its reason
        if problems := archive_problems(record, rules.archive_refusal(record.ref,
                                                                      record.status)):
            errors.setdefault(index, {}).update(problems)
    check_new_refs(session, Action, records, errors)
    return errors


def save_actions(session: Session, records: Sequence[ActionRecord], today: date,
                 batch: int = BATCH, store: Store | None = None
                 ) -> Generator[int, None, list[Action]]:
    """The one way actions are written: check every record (check_actions), then store
    them all in the caller's session, or none (BatchValidationError, nothing written).
    ``store`` copies a record onto its row (store_action, unless the caller adds to it).

    A new record gets its given reference or the next free one; a stored one is loaded
    for update (ConflictError, NotFoundError). Yields how many are stored after each
    ``batch``; returns the stored rows.
    """
    errors = check_actions(session, records, today)
    if errors:
        raise BatchValidationError(errors)
    refs = iter(new_refs(session, Action, sum(1 for r in records if r.id is None and not r.ref),
                         {r.ref for r in records if r.ref}))
    return (yield from store_all(
        session, Action, "The action", records,
        lambda r: Action(ref=r.ref or next(refs)), store or store_action, batch))


def save_action(db: Database, record: ActionRecord, today: date,
                meaning: str = "") -> ActionRecord:
    """Validate and save one action in one transaction; return it reloaded. Recording an
    effectiveness check is an approval (services.actions.effectiveness): for an approver,
    signed, with what they meant by it (``meaning``).

    A "done" action is saved with progress 100. Reopening (done or cancelled -> open or
    in progress) clears the completion date and the effectiveness check before the rules
    run; the audit trail keeps the old values. Raises ValidationError (field -> message),
    ConflictError when the action changed elsewhere since it was loaded, NotFoundError
    when it vanished.
    """
    record = effectiveness.with_checker(db, record)
    normalise(record)
    label = record.ref or "The action"
    me = db.identity()
    with db.session() as session, conflict_guard(label):
        stored: Action | None = None
        if record.id is not None:
            action = stored = load_for_update(session, Action, record.id, record.version,
                                              label)
            if rules.is_reopening(action.status, record.status):
                _clear_closure(record)  # the editor's convenience; an import says it all
        signing = rules.signs_check(stored, record)
        if signing and not rules.validate_action(record, today):  # the form's rules first
            record, meaning = effectiveness.checked_by_signer(db, me, record, meaning)

        def store_signed(session: Session, action: Action, record: ActionRecord) -> None:
            store_action(session, action, record)  # then the signature, in the same UPDATE
            effectiveness.sign(action, me, signing, meaning)

        action_id = finish(save_actions(session, [record], today, store=store_signed))[0].id
    return get_action(db, action_id)


def store_action(session: Session, action: Action, record: ActionRecord) -> None:
    """Copy a checked record onto ``action`` (new or loaded in ``session``); only
    save_actions calls it, after check_actions."""
    for name in _ACTION_FIELDS:
        setattr(action, name, getattr(record, name))


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def count_open_actions(db: Database, objective_ids: Iterable[int]) -> dict[int, int]:
    """Open or in-progress actions per objective; every objective asked about is a key."""
    wanted = list(dict.fromkeys(objective_ids))
    counts = dict.fromkeys(wanted, 0)
    if not wanted:
        return counts
    with db.read() as session:
        for chunk in _chunks(wanted):
            query = (select(Action.objective_id, func.count())
                     .where(Action.objective_id.in_(chunk),
                            Action.status.in_(rules.OPEN_STATUSES))
                     .group_by(Action.objective_id))
            for objective_id, n in session.connection().execute(query):
                assert objective_id is not None  # the WHERE clause asks for these ids
                counts[objective_id] = n
    return counts
