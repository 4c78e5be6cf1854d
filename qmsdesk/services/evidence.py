"""Evidence files on records: attach, list, supersede, read back (models.evidence).

A file is read once, hashed (sha256) and stored once per content however many records
it is attached to. Attaching is one transaction and lands on the audit trail with the
file's name, type, size and hash. Nothing is deleted: attaching a newer file in place of
one supersedes it, and the older one stays listed as superseded.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk import clock
from qmsdesk.models.base import Base, RegisterRecord
from qmsdesk.models.db import Database
from qmsdesk.models.evidence import Evidence, EvidenceBlob
from qmsdesk.models.registry import metadata
from qmsdesk.services import db_settings
from qmsdesk.services.errors import NotFoundError, ValidationError
from qmsdesk.services.validation import check_text

DEFAULT_LIMIT_MB = 25
MAX_LIMIT_MB = 200  # a database is no file server
NAME_LIMIT = 255
NOTE_LIMIT = 500


@dataclass(frozen=True)
class EvidenceFile:
    """One attachment, without its bytes."""

    id: int
    record_entity: str
    record_id: int
    record_ref: str
    file_name: str
    media_type: str
    size: int
    sha256: str
    note: str
    attached_by: str
    attached_at: datetime
    superseded_by: int | None
    version: int

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    @property
    def printed(self) -> str:
        """"certificate.pdf (212 KB, sha256 3f2a…c09e)": how reports list it."""
        return f"{self.file_name} ({size_text(self.size)}, sha256 {self.sha256})"


def size_text(size: int) -> str:
    """1 234 567 -> "1.2 MB"; small files in bytes or KB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _file(row: Evidence) -> EvidenceFile:
    return EvidenceFile(row.id, row.record_entity, row.record_id, row.record_ref,
                        row.file_name, row.media_type, row.size, row.sha256, row.note,
                        row.attached_by, row.attached_at, row.superseded_by_id, row.version)


@cache
def record_models() -> dict[str, type[Base]]:
    """The kinds of record evidence may be attached to: every register record with a
    reference, by its audit entity ("supplier", "action", "management review" …)."""
    assert metadata.tables  # every mapped module is loaded
    models: dict[str, type[Base]] = {}
    for mapper in Base.registry.mappers:
        model: type[Base] = mapper.class_
        entity = str(getattr(model, "audit_entity", ""))
        if entity and issubclass(model, RegisterRecord):
            models[entity] = model
    return models


def limit_mb(db: Database) -> int:
    """The largest file that may be attached, in MB (Settings; 25 by default)."""
    with db.read() as session:
        text = db_settings.read(session, db_settings.EVIDENCE_LIMIT_MB)
    try:
        value = int(text) if text else DEFAULT_LIMIT_MB
    except ValueError:
        return DEFAULT_LIMIT_MB
    return value if 1 <= value <= MAX_LIMIT_MB else DEFAULT_LIMIT_MB


def set_limit_mb(db: Database, value: int) -> None:
    if not 1 <= value <= MAX_LIMIT_MB:
        raise ValidationError({"evidence_limit": f"The file size limit is between 1 and "
                                                 f"{MAX_LIMIT_MB} MB."})
    with db.session() as session:
        db_settings.write(session, {db_settings.EVIDENCE_LIMIT_MB: str(value)})


def _record(session: Session, entity: str, record_id: int) -> Any:
    model = record_models().get(entity)
    record = session.get(model, record_id) if model is not None else None
    if record is None:
        raise NotFoundError(f"The {entity} this file was to be attached to no longer exists; "
                            "nothing was attached.")
    return record


def _read(path: Path, limit: int) -> bytes:
    """The file's bytes, or a ValidationError saying why they cannot be attached."""
    try:
        size = path.stat().st_size
        if size > limit * 1024 * 1024:
            raise ValidationError({"file": (
                f"{path.name} is {size_text(size)}; files up to {limit} MB can be attached "
                "(Settings › Organisation changes the limit). Nothing was attached.")})
        data = path.read_bytes()
    except IsADirectoryError:
        raise ValidationError({"file": f"{path.name} is a folder; attach the files in it "
                                       "one by one."}) from None
    except OSError as exc:
        raise ValidationError({"file": f"{path.name} could not be read "
                                       f"({exc.strerror or exc}); nothing was attached."}
                              ) from None
    if not data:
        raise ValidationError({"file": f"{path.name} is empty; nothing was attached."})
    return data


def attach(db: Database, entity: str, record_id: int, path: Path, note: str = "",
           supersedes: int | None = None, attached_by: str = "") -> EvidenceFile:
    """Attach the file at ``path`` to a record (optionally in place of an earlier
    attachment of the same record), in one transaction, on the audit trail. It is
    attached by the database's user unless ``attached_by`` names someone (the demo)."""
    data = read_file(db, path)
    with db.session() as session:
        return attach_in(session, entity, record_id, path.name, data, note,
                         attached_by or db.user, supersedes)


def read_file(db: Database, path: Path) -> bytes:
    """The bytes of a file to attach, or a ValidationError saying why they cannot be
    (too large for the configured limit, a folder, unreadable, empty)."""
    return _read(path, limit_mb(db))


def attach_in(session: Session, entity: str, record_id: int, file_name: str, data: bytes,
              note: str, attached_by: str, supersedes: int | None = None) -> EvidenceFile:
    """Attach ``data`` (read_file) under ``file_name`` in the caller's unit of work, so it
    is written with the caller's other changes or not at all (an import files its file
    with the records it changed)."""
    errors: dict[str, str] = {}
    check_text(errors, "file", file_name, "File name", NAME_LIMIT)
    note = " ".join(note.split())
    check_text(errors, "note", note, "Note", NOTE_LIMIT)
    if errors:
        raise ValidationError(errors)
    digest = hashlib.sha256(data).hexdigest()
    record = _record(session, entity, record_id)
    older = None
    if supersedes is not None:
        older = session.get(Evidence, supersedes)
        if older is None or (older.record_entity, older.record_id) != (entity, record_id):
            raise NotFoundError("The file to be replaced is no longer on this record; "
                                "nothing was attached.")
        if older.superseded_by_id is not None:
            raise ValidationError({"file": f"{older.file_name} was already replaced by "
                                           "a newer file; nothing was attached."})
    if session.get(EvidenceBlob, digest) is None:
        session.add(EvidenceBlob(sha256=digest, size=len(data), data=data))
        session.flush()  # the content first: the attachment refers to it
    row = Evidence(record_entity=entity, record_id=record_id, record_ref=record.ref,
                   file_name=file_name, media_type=mimetypes.guess_type(file_name)[0]
                   or "application/octet-stream", size=len(data), sha256=digest,
                   note=note, attached_by=attached_by, attached_at=clock.now())
    session.add(row)
    session.flush()
    if older is not None:
        older.superseded_by_id = row.id
    return _file(row)


def list_evidence(db: Database, entity: str, record_id: int) -> list[EvidenceFile]:
    """A record's attachments: current ones first, newest first, then the superseded."""
    with db.read() as session:
        rows = session.scalars(select(Evidence).where(
            Evidence.record_entity == entity, Evidence.record_id == record_id)
            .order_by(Evidence.attached_at.desc(), Evidence.id.desc()))
        files = [_file(row) for row in rows]
    return sorted(files, key=lambda f: not f.current)


def evidence_by_ref(db: Database, entities: Iterable[str],
                    current_only: bool = True) -> dict[str, list[EvidenceFile]]:
    """Record reference -> its attachments (oldest first), for the reports."""
    query = select(Evidence).where(Evidence.record_entity.in_(tuple(entities))) \
        .order_by(Evidence.attached_at, Evidence.id)
    if current_only:
        query = query.where(Evidence.superseded_by_id.is_(None))
    found: dict[str, list[EvidenceFile]] = defaultdict(list)
    with db.read() as session:
        for row in session.scalars(query):
            found[row.record_ref].append(_file(row))
    return dict(found)


def attached_in(db: Database, start: date, end: date) -> list[EvidenceFile]:
    """Every attachment made from ``start`` to ``end`` (local days), oldest first: what
    the auditor pack carries for its period."""
    low = datetime.combine(start, time.min).astimezone()
    high = datetime.combine(end, time.max).astimezone()
    with db.read() as session:
        return [_file(row) for row in session.scalars(
            select(Evidence).where(Evidence.attached_at >= low, Evidence.attached_at <= high)
            .order_by(Evidence.attached_at, Evidence.id))]


def content(db: Database, sha256: str) -> bytes:
    with db.read() as session:
        blob = session.get(EvidenceBlob, sha256)
        if blob is None:
            raise NotFoundError("The file's content is missing from the database.")
        return bytes(blob.data)


def write_copy(db: Database, item: EvidenceFile, target: Path) -> Path:
    """Write the attachment's bytes to ``target``, checking they still hash to what was
    recorded."""
    data = content(db, item.sha256)
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise ValidationError({"file": f"{item.file_name} no longer matches its recorded "
                                       "sha256: the database was changed outside QMS Desk."})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def save_copy(db: Database, item: EvidenceFile, folder: Path) -> Path:
    """The attachment in ``folder`` under its own name (for a viewer or a pack)."""
    return write_copy(db, item, folder / Path(item.file_name).name)
