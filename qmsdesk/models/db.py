"""Opening a database: checks that refuse foreign, newer or damaged files, pragmas, migrations."""

from __future__ import annotations

import logging
import sqlite3
import struct
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from qmsdesk.errors import UserFacingError
from qmsdesk.models.audit import WRITER_LOCK, install_audit_hook
from qmsdesk.models.backup import unused_name, verified_copy
from qmsdesk.models.base import Audited

log = logging.getLogger(__name__)
ChangeListener = Callable[[frozenset[str]], None]
CHANGED = "qmsdesk.changed"  # session.info key: audit entity names flushed in this session
WRITE_OPTION = "qmsdesk_write"  # execution option: this transaction will write
BUSY_TIMEOUT_MS = 10_000

# Every schema revision this build knows, oldest first. tests/models/test_migrations.py
# checks this list against the Alembic scripts, so a new revision must be added here.
KNOWN_REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD_REVISION = KNOWN_REVISIONS[-1]
# Written into the SQLite header so a QMS Desk file is recognisable ("QMSD").
APPLICATION_ID = 0x514D5344
SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseError(UserFacingError):
    """A database that cannot be opened; the message says which file and what to do."""


class DatabaseNotFound(DatabaseError):
    pass


class DatabaseRefused(DatabaseError):
    """The file is foreign, newer or damaged; it has not been touched."""


class DatabaseBusy(DatabaseError):
    """Another writer held the file's write lock for longer than the busy timeout."""


class DatabaseWriteFailed(DatabaseError):
    """The file, its folder or the disk refused a write (read-only, full, failing)."""


class DatabaseUnreachable(DatabaseError):
    """A database URL of a kind QMS Desk does not support, or a server that does not answer."""


SUPPORTED_URLS = "a SQLite file or a PostgreSQL server (postgresql+psycopg://user@host/database)"


@dataclass
class Database:
    """An open database: the engine, a session factory and who is making the changes."""

    url: str
    engine: Engine
    factory: sessionmaker[Session]
    user: str
    path: Path | None = None
    backup_path: Path | None = None
    upgraded_from: str | None = None
    info: dict[str, Any] = field(default_factory=dict)
    listeners: list[ChangeListener] = field(default_factory=list)
    readonly: bool = False  # opened for reading only: every write is refused

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
        session = self.factory()
        session.info["user"] = self.user
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
            session.rollback()
            if _is_busy(exc):
                raise DatabaseBusy(
                    f"{self.display_name} is busy: another QMS Desk is writing to it (an "
                    "import, perhaps). Try again in a moment; nothing was saved.") from None
            if (fault := _storage_fault(exc)) is not None:
                raise DatabaseWriteFailed(f"{self.display_name} {fault}") from None
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        changed = session.info.pop(CHANGED, None)
        if changed:
            self._notify(frozenset(changed))

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

    @property
    def display_name(self) -> str:
        return str(self.path) if self.path else make_url(self.url).render_as_string()

    def close(self) -> None:
        self.engine.dispose()


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def _read_header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(100)


def _readonly_uri(path: Path) -> str:
    # immutable=1 stops SQLite from creating -wal/-shm files beside a file it only reads;
    # only safe when no -wal exists (a -wal may hold committed data not yet in the file).
    wal = path.with_name(path.name + "-wal")
    return path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")


def _inspect_sqlite_file(path: Path, create: bool) -> str | None:
    """Check a file without writing to it; return its schema revision (None when empty).

    Raises DatabaseRefused for anything QMS Desk must not open.
    """
    size = path.stat().st_size
    if size == 0:
        if create:
            return None
        raise DatabaseRefused(f"{path} is an empty file, not a QMS Desk database. "
                              "Create a database with 'init' or File › New database….")
    header = _read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseRefused(
            f"{path} is not a QMS Desk database (not an SQLite file). "
            "Choose a .db file created by QMS Desk."
        )
    if len(header) < 100:
        raise DatabaseRefused(f"{path} is damaged (its header is cut short). Restore a backup.")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count = struct.unpack(">I", header[28:32])[0]
    if page_count and size < page_size * page_count:
        raise DatabaseRefused(
            f"{path} is damaged: it is shorter than its header says (truncated copy?). "
            "Restore a backup."
        )
    app_id = struct.unpack(">i", header[68:72])[0]
    try:
        with closing(sqlite3.connect(_readonly_uri(path), uri=True)) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise DatabaseRefused(f"{path} is damaged ({check[0] if check else '?'}). "
                                      "Restore a backup.")
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"{path} is damaged or not a database ({exc}). "
                              "Restore a backup.") from exc
    if not tables:
        return None
    if app_id != APPLICATION_ID or revision is None:
        raise DatabaseRefused(
            f"{path} is an SQLite database of another program, not QMS Desk. "
            "It has not been changed."
        )
    return _check_revision(revision, str(path))


def _check_revision(revision: str | None, name: str) -> str | None:
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise DatabaseRefused(
            f"{name} was written by a newer version of QMS Desk (schema {revision}). "
            "Install the latest QMS Desk to open it; the file has not been changed."
        )
    return revision


def _storage_fault(exc: OperationalError) -> str | None:
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


def _make_engine(url: str) -> Engine:
    engine = create_engine(url)
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
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if connection.dialect.name == "sqlite":
            connection.execute(text(f"PRAGMA application_id = {APPLICATION_ID}"))


def _upgrade_failed(path: Path | None, revision: str | None,
                    exc: OperationalError) -> DatabaseError:
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


def _backup_before_upgrade(path: Path, revision: str) -> Path:
    """A verified copy beside the file, named after the schema it holds and never reused."""
    target = unused_name(path.parent, f"{path.stem}.schema-{revision}", path.suffix)
    return verified_copy(lambda: sqlite3.connect(_readonly_uri(path), uri=True), target)


def _server_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            if inspect(conn).get_table_names():
                raise DatabaseRefused(
                    f"{engine.url.render_as_string()} holds tables of another program. "
                    "Point QMS Desk at an empty database."
                )
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _open_server(url: str) -> tuple[Engine, str | None]:
    """An engine on a database server, and the schema revision found there."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnreachable(
            f"{url!r} is not a database address. QMS Desk opens {SUPPORTED_URLS}.") from None
    shown = parsed.render_as_string(hide_password=True)
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
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise DatabaseUnreachable(
            f"Cannot connect to {shown}: {reason}. Check that the server is running and "
            "the address, user and password are right.") from None
    except DatabaseError:
        engine.dispose()
        raise


def open_database(
    target: str | Path, user: str = "unknown", create: bool = False, revision: str = "head",
    readonly: bool = False,
) -> Database:
    """Open (and, if allowed, create) a database from a file path or a SQLAlchemy URL.

    An older schema is backed up and upgraded; a foreign, newer or damaged file is refused
    with DatabaseRefused and left exactly as it was. ``readonly`` opens a file for reading
    only (a read-only file or folder, a copy on a CD): nothing is written in it or beside
    it, and every write is refused with DatabaseWriteFailed.
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
    if path is not None:
        if path.exists():
            if path.is_dir():
                raise DatabaseRefused(f"{path} is a folder, not a database file.")
            current = _inspect_sqlite_file(path, create)
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
            url = f"sqlite:///{_readonly_uri(path)}&uri=true"
        elif current is not None and current != HEAD_REVISION and revision == "head":
            backup = _backup_before_upgrade(path, current)
        engine = _make_engine(url)
    else:
        engine, current = _open_server(url)
    if current != (HEAD_REVISION if revision == "head" else revision):
        try:
            upgrade_schema(engine, revision)
        except OperationalError as exc:
            engine.dispose()
            if backup is not None:  # the file is exactly as it was: this copy adds nothing
                backup.unlink(missing_ok=True)
            raise _upgrade_failed(path, current, exc) from None
    factory = sessionmaker(engine, expire_on_commit=False)
    install_audit_hook(factory)
    event.listen(factory, "after_flush", _note_changes)
    return Database(url=url, engine=engine, factory=factory, user=user, path=path,
                    backup_path=backup, upgraded_from=current if backup else None,
                    readonly=readonly)
