"""Opening a database: checks that refuse foreign, newer or damaged files, pragmas, migrations."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from threading import get_ident
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qmsdesk.models.audit import WRITER_LOCK, install_audit_hook
from qmsdesk.models.backup import unused_name, verified_copy
from qmsdesk.models.base import Audited
from qmsdesk.models.errors import (  # re-exported: callers import them from here
    ConnectionLost,
    DatabaseBusy,
    DatabaseConflict,
    DatabaseError,
    DatabaseNotFound,
    DatabaseRefused,
    DatabaseUnreachable,
    DatabaseWriteFailed,
    PermissionRefused,
)
from qmsdesk.models.identity import Identity, IdentityMixin, on_server
from qmsdesk.models.server import (
    check_address,
    classify,
    constraint_of,
    engine_options,
    fault_sentence,
    reason,
    safe_address,
)
from qmsdesk.models.sqlite_file import (  # re-exported: callers import them from here
    APPLICATION_ID,
    FULL_CHECK_MAX_BYTES,
    check_file,
    inspect_file,
    readonly_uri,
)

log = logging.getLogger(__name__)
ChangeListener = Callable[[frozenset[str]], None]
CHANGED = "qmsdesk.changed"  # session.info key: audit entity names flushed in this session
WRITE_OPTION = "qmsdesk_write"  # execution option: this transaction will write
BUSY_TIMEOUT_MS = 10_000

# Every schema revision this build knows, oldest first. tests/models/test_migrations.py
# checks this list against the Alembic scripts, so a new revision must be added here.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006",
                                   "0007", "0008", "0009", "0010", "0011",
                                   "0012", "0013")
HEAD_REVISION = KNOWN_REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


UPGRADE_LOCK = 7416  # PostgreSQL advisory lock: one client upgrades a shared schema


SUPPORTED_URLS = "a SQLite file or a PostgreSQL server (postgresql+psycopg://user@host/database)"


@dataclass
class Database(IdentityMixin):
    """An open database: the engine, a session factory and who is making the changes."""

    url: str
    engine: Engine
    factory: sessionmaker[Session]
    given_user: str  # the name the user gave (Settings › You); a server's login wins
    path: Path | None = None
    backup_path: Path | None = None
    upgraded_from: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    listeners: list[ChangeListener] = field(default_factory=list)
    readonly: bool = False  # opened for reading only: every write is refused
    checked: bool = True  # the whole file passed quick_check on open (else: check_file)
    # thread id -> the session of its one_transaction(): units of work there join it
    joined: dict[int, Session] = field(default_factory=dict, init=False, repr=False)
    server_identity: Identity | None = None  # on a server: its login, name, role

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, always close.

        On SQLite a writing unit of work takes the file's write lock when it begins (BEGIN
        IMMEDIATE), so it never reads data another writer is about to change: writers wait
        their turn (up to the busy timeout) instead of failing half-way, and a file still
        busy after that is DatabaseBusy, one sentence. ``write=False`` is for units that only
        read: they see one consistent snapshot and never wait for a writer.

        After a commit that changed records, every listener hears which kinds of record
        changed (their audit entity names), on the thread that committed."""
        if (shared := self.joined.get(get_ident())) is not None:
            yield shared  # inside one_transaction(): its end commits or rolls back
            return
        session = self.factory()
        session.info["user"] = self.recorded_user
        try:
            connection = session.connection(execution_options={WRITE_OPTION: write})
            if write and connection.dialect.name == "postgresql":
                # The server's counterpart of BEGIN IMMEDIATE: writers take turns, so
                # reference numbers and the audit chain are allocated one writer at a time.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": WRITER_LOCK})
            yield session
            session.commit()
        except OperationalError as exc:
            _rollback_quietly(session)
            if _is_busy(exc):
                raise DatabaseBusy(
                    f"{self.display_name} is busy: another QMS Desk is writing to it (an "
                    "import, perhaps). Try again in a moment; nothing was saved.") from None
            if (fault := _storage_fault(exc)) is not None:
                raise DatabaseWriteFailed(f"{self.display_name} {fault}") from None
            raise self.fault(exc, write) from None
        except DBAPIError as exc:  # a unique key taken meanwhile, rights, a lost server
            _rollback_quietly(session)
            raise self.fault(exc, write) from None
        except BaseException:
            _rollback_quietly(session)
            raise
        finally:
            session.close()
        changed = session.info.pop(CHANGED, None)
        if changed:
            self._notify(frozenset(changed))

    @contextmanager
    def one_transaction(self) -> Iterator[Session]:
        """A writing unit of work that every unit this thread opens inside it joins: all of
        it is committed at the end, or none of it (an error, a cancel, a server that stops
        half-way)."""
        with self.session() as session:
            self.joined[get_ident()] = session
            try:
                yield session
            finally:
                del self.joined[get_ident()]

    def read(self) -> AbstractContextManager[Session]:
        """A unit of work that only reads (see session)."""
        return self.session(write=False)

    def subscribe(self, listener: ChangeListener) -> None:
        """Call ``listener(entities)`` after each commit that changed records."""
        self.listeners.append(listener)

    def _notify(self, entities: frozenset[str]) -> None:
        for listener in list(self.listeners):
            try:
                listener(entities)
            except Exception:  # the data is committed: a listener's fault is not the write's
                log.exception("change listener failed")

    def fault(self, exc: DBAPIError, write: bool = True) -> Exception:
        """The one-sentence error for a driver error (the error itself when it is not one
        a person can act on). The password never appears in it."""
        kind = classify(exc)
        if kind is None:
            return exc
        sentence = fault_sentence(kind, self.display_name, reason(exc, self.url), write)
        if kind == "conflict":
            return DatabaseConflict(sentence, constraint_of(exc))
        classes = {"lost": ConnectionLost, "denied": PermissionRefused}
        return classes.get(kind, DatabaseBusy)(sentence)

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else safe_address(self.url)

    def close(self) -> None:
        self.engine.dispose()


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def _check_revision(revision: str | None, name: str) -> str | None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseRefused(
            f"{name} was written by a newer version of QMS Desk (schema {revision}). "
            "Install the latest QMS Desk to open it; the file has not been changed."
        )
    return revision


def _storage_fault(exc: DBAPIError) -> str | None:
    """The end of a sentence for a write the file or disk refused, or None."""
    text = str(exc.orig or exc).lower()
    if "readonly" in text or "read-only" in text:
        return ("cannot be changed: the file or its folder is read-only. Copy it to a folder "
                "where you may write, or ask for write access; nothing was saved.")
    if "disk is full" in text or "database or disk is full" in text:
        return ("cannot be changed: the disk is full. Free some space and try again; "
                "nothing was saved.")
    if "disk i/o error" in text:
        return ("cannot be written: the disk reported an error. Check the drive (or the "
                "network share) and try again; nothing was saved.")
    return None


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig or exc).lower()
    return "database is locked" in text or "database is busy" in text


def _set_sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # The driver must not begin or commit transactions on its own (it would run DDL outside
    # any transaction, and begin every write deferred): _begin_sqlite begins them instead.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    with suppress(sqlite3.OperationalError):  # a file opened read-only keeps its mode
        cursor.execute("PRAGMA journal_mode = WAL")
    # FULL: a commit is on disk when it returns, even if the machine loses power next
    # (NORMAL may lose the last commits then); a record-keeping system wants that.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    """BEGIN IMMEDIATE for a unit of work that writes (the write lock first, then the
    reads); a plain BEGIN, one snapshot, for one that only reads."""
    write = conn.get_execution_options().get(WRITE_OPTION, True)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _rollback_quietly(session: Session) -> None:
    """Roll back; on a connection that is gone there is nothing to roll back (the server
    already did), and that must not hide the error that says what happened."""
    with suppress(DBAPIError):
        session.rollback()


def _make_engine(url: str) -> Engine:
    engine = create_engine(url, **engine_options(url))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
    return engine


def _note_changes(session: Session, _flush_context: Any) -> None:
    """Remember which kinds of record this flush wrote; Database.session tells listeners
    once the transaction commits."""
    changed: set[str] = session.info.setdefault(CHANGED, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Audited):
            changed.add(obj.audit_entity)


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations shipped in the package (imported only when needed), all
    in one transaction: interrupted at any point, the database keeps its old schema whole.

    PostgreSQL's DDL is transactional as it comes. SQLite's is too, once its Python driver
    leaves transactions to us (_set_sqlite_pragmas, _begin_sqlite: BEGIN IMMEDIATE, so no
    other writer meanwhile).
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Clients opening a shared database at once: one upgrades, the others wait
            # here, saying so, then find it upgraded (Alembic reads the revision after).
            from qmsdesk.models.upgrade_wait import take_lock

            take_lock(connection, UPGRADE_LOCK)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if connection.dialect.name == "sqlite":
            connection.execute(text(f"PRAGMA application_id = {APPLICATION_ID}"))


def _upgrade_failed(path: Path | None, revision: str | None,
                    exc: DBAPIError) -> DatabaseError:
    """What to tell the user when an upgrade stopped (and was rolled back, so the
    database is unchanged)."""
    reason = str(exc.orig or exc).strip().splitlines()[0]
    name = str(path) if path is not None else "The database"
    if "already exists" in reason and path is not None:
        earlier = sorted(path.parent.glob(f"{path.stem}.schema-{revision}-*{path.suffix}"),
                         key=lambda p: p.stat().st_mtime)
        offer = (f"Restore the copy made before that upgrade, {earlier[-1].name} (close QMS "
                 "Desk, then copy it over the damaged file)."
                 if earlier else "Restore a backup made before that upgrade.")
        return DatabaseRefused(
            f"{name} was left half-upgraded by an interrupted upgrade of an older QMS Desk "
            f"(schema {revision}, but with tables of a later one: {reason}). {offer} "
            "The file has not been changed.")
    fault = _storage_fault(exc)
    if fault is not None:
        unchanged = fault.replace("nothing was saved", "it is unchanged")
        return DatabaseWriteFailed(f"{name} was made by an older QMS Desk and must be "
                                   f"upgraded, but it {unchanged}")
    return DatabaseRefused(f"{name} could not be upgraded from schema {revision} ({reason}). "
                           "The file has not been changed.")


def _server_upgrade_failed(url: str, revision: str | None, exc: DBAPIError) -> DatabaseError:
    """What to tell a user whose client could not create or upgrade a server's schema (the
    transaction was rolled back: the database is unchanged)."""
    shown, why = safe_address(url), reason(exc, url)
    step = (f"upgraded from schema {revision} to {HEAD_REVISION}" if revision
            else "set up (its tables created)")
    if classify(exc) == "denied":
        return PermissionRefused(
            f"{shown} must be {step} by this version of QMS Desk, and your login may not "
            f"change its tables ({why}). Ask your administrator to open it once with the "
            "login that owns the database (or run qmsdesk server-setup); it is unchanged.")
    if classify(exc) is not None:
        return DatabaseUnreachable(fault_sentence(str(classify(exc)), shown, why, True))
    return DatabaseRefused(f"{shown} could not be {step} ({why}). It is unchanged.")


def _backup_before_upgrade(path: Path, revision: str) -> Path:
    """A verified copy beside the file, named after the schema it holds and never reused."""
    target = unused_name(path.parent, f"{path.stem}.schema-{revision}", path.suffix)
    return verified_copy(lambda: sqlite3.connect(readonly_uri(path), uri=True), target)


def _server_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            if inspect(conn).get_table_names():
                raise DatabaseRefused(
                    f"{safe_address(str(engine.url))} holds tables of another program. "
                    "Point QMS Desk at an empty database."
                )
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _open_server(url: str) -> tuple[Engine, str | None]:
    """An engine on a database server, and the schema revision found there."""
    try:
        check_address(url)
    except ValueError as exc:
        raise DatabaseUnreachable(f"{exc} QMS Desk opens {SUPPORTED_URLS}.") from None
    parsed = make_url(url)
    shown = safe_address(url)
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnreachable(
            f"{shown} is a {parsed.get_backend_name()} database. QMS Desk opens "
            f"{SUPPORTED_URLS}.")
    try:
        engine = _make_engine(url)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnreachable(
            f"This installation cannot talk to {shown}: {exc}. QMS Desk opens "
            f"{SUPPORTED_URLS}.") from None
    try:
        return engine, _check_revision(_server_revision(engine), shown)
    except DBAPIError as exc:
        engine.dispose()
        if classify(exc) == "denied":
            raise PermissionRefused(
                f"Your login may not read {shown} ({reason(exc, url)}). Ask your "
                "administrator to add it to a QMS Desk role (qmsdesk server-setup).") from None
        raise DatabaseUnreachable(
            f"Cannot connect to {shown}: {reason(exc, url)}. Check that the server is "
            "running and the address, user and password are right.") from None
    except DatabaseError:
        engine.dispose()
        raise


def open_database(
    target: str | Path, user: str = "unknown", create: bool = False, revision: str = "head",
    readonly: bool = False, full_check: bool | None = None,
) -> Database:
    """Open (and, if allowed, create) a database from a file path or a SQLAlchemy URL.

    An older schema is backed up and upgraded; a foreign, newer or damaged file is refused
    with DatabaseRefused and left exactly as it was. ``readonly`` opens a file for reading
    only (a read-only file or folder, a copy on a CD): nothing is written in it or beside
    it, and every write is refused with DatabaseWriteFailed. On a server, ``readonly``
    reads a database only as it is: one without QMS Desk tables or at an older schema is
    refused instead of set up or upgraded.

    ``full_check``: run SQLite's quick_check over the whole file before opening it; by
    default only for files up to FULL_CHECK_MAX_BYTES (the result says so in
    ``Database.checked``; check_file does the rest). A file about to be upgraded is always
    checked in full first.
    """
    path: Path | None = None
    if is_url(target):
        url = str(target)
        if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
            path = Path(make_url(url).database or "")
    else:
        path = Path(target).expanduser()
        url = f"sqlite:///{path}"
    backup: Path | None = None
    current: str | None
    checked = True
    if path is not None:
        if path.exists():
            if path.is_dir():
                raise DatabaseRefused(f"{path} is a folder, not a database file.")
            checked = (full_check if full_check is not None
                       else path.stat().st_size <= FULL_CHECK_MAX_BYTES)
            current = _check_revision(inspect_file(path, create, checked), str(path))
        elif create:
            path.parent.mkdir(parents=True, exist_ok=True)
            current = None
        else:
            raise DatabaseNotFound(
                f"{path} does not exist. Create it with 'init' or choose another file."
            )
        if readonly:
            if current != HEAD_REVISION:
                raise DatabaseRefused(
                    f"{path} was made by an older QMS Desk and must be upgraded before it can "
                    "be read; open it once where it may be changed. It has not been changed.")
            url = f"sqlite:///{readonly_uri(path)}&uri=true"
        elif current is not None and current != HEAD_REVISION and revision == "head":
            if not checked:  # never upgrade (or back up) a damaged file
                check_file(path)
                checked = True
            backup = _backup_before_upgrade(path, current)
        engine = _make_engine(url)
    else:
        engine, current = _open_server(url)
        if readonly and current != HEAD_REVISION:  # read as it is: never set up or upgrade
            engine.dispose()
            raise DatabaseRefused(
                f"{safe_address(url)} " + ("holds no QMS Desk database" if current is None
                                           else f"was made by an older QMS Desk (schema "
                                                f"{current}) and must be upgraded before it "
                                                "can be read; open it once with QMS Desk as "
                                                "the database's owner") +
                ". It has not been changed.")
    if current != (HEAD_REVISION if revision == "head" else revision):
        try:
            upgrade_schema(engine, revision)
        except DBAPIError as exc:
            engine.dispose()
            if backup is not None:  # the file is exactly as it was: this copy adds nothing
                backup.unlink(missing_ok=True)
            if path is None:
                raise _server_upgrade_failed(url, current, exc) from None
            raise _upgrade_failed(path, current, exc) from None
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit_hook(factory)
    event.listen(factory, "after_flush", _note_changes)
    identity: Identity | None = None
    if path is None and engine.dialect.name == "postgresql":
        try:
            identity = on_server(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise DatabaseUnreachable(fault_sentence(
                classify(exc) or "lost", safe_address(url), reason(exc, url), False)) from None
    return Database(url=url, engine=engine, factory=factory, given_user=user, path=path,
                    backup_path=backup, upgraded_from=current if backup else None,
                    readonly=readonly, checked=checked, server_identity=identity)
