"""Replaying the audit trail against the records: what was changed outside QMS Desk.

Every audited field's last recorded value must be the value the record holds now; a record
the trail never created, or one it created and never deleted but that is gone, was added
or removed outside the app. The hash chain proves the trail was not altered; this proves
the records were not altered behind the trail's back.

Not found this way: a change made outside the app AND written into the trail with a
re-hashed chain (an anchor taken earlier finds that: see audit.verify_chain's expect), and
fields the trail does not cover (ids, versions, timestamps). A migration that adds a
column with a non-empty default must write the trail entries for it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models import registry
from qmsdesk.models.audit import AuditEntry, audited_columns, format_value, record_key
from qmsdesk.models.base import Audited

Key = tuple[str, str]  # (audit entity, record id)


def _key(entity: str, record_id: str, ref: str) -> Key:
    # Entries written by early versions for records keyed by text (settings) have no
    # record id; their reference is the key.
    return (entity, record_id or f"ref:{ref}")


def _recorded(session: Session) -> dict[Key, dict[str, str]]:
    """Each record's fields as the trail last left them; deleted records are dropped."""
    latest: dict[Key, dict[str, str]] = {}
    rows = session.execute(select(AuditEntry.entity, AuditEntry.record_id, AuditEntry.ref,
                                  AuditEntry.action, AuditEntry.field, AuditEntry.new_value)
                           .order_by(AuditEntry.id))
    for entity, record_id, ref, action, field, new in rows:
        key = _key(entity, record_id, ref)
        if action == "delete":
            latest.pop(key, None)
        else:
            latest.setdefault(key, {})[field] = new
    return latest


def _audited_classes() -> Iterator[type[Audited]]:
    for mapper in registry.Base.registry.mappers:  # every mapped module is loaded there
        if issubclass(mapper.class_, Audited):
            yield mapper.class_


def replay_problems(session: Session, limit: int = 20) -> tuple[list[str], int]:
    """Up to ``limit`` sentences naming records that differ from what the trail says, and
    how many differences there are in all."""
    recorded = _recorded(session)
    problems: list[str] = []
    count = 0

    def problem(text: str) -> None:
        nonlocal count
        count += 1
        if len(problems) < limit:
            problems.append(text)

    for cls in _audited_classes():
        columns = audited_columns(cls)
        for obj in session.scalars(select(cls)).all():
            key = (cls.audit_entity, record_key(obj))
            label = f"{cls.audit_entity} {obj.audit_ref or '#' + key[1]}"
            fields = recorded.pop(key, None)
            if fields is None:
                fields = recorded.pop(_key(cls.audit_entity, "", obj.audit_ref), None)
            if fields is None:
                problem(f"{label} is not in the audit trail: it was added outside QMS Desk")
                continue
            for column in columns:
                now, then = format_value(getattr(obj, column)), fields.get(column, "")
                if not _same(now, then):
                    problem(f"{label}: {column} is '{_short(now)}' but the audit trail last "
                            f"recorded '{_short(then)}': changed outside QMS Desk")
    for entity, record_id in recorded:
        problem(f"{entity} #{record_id.removeprefix('ref:')} is in the audit trail but no "
                "longer in the database: removed outside QMS Desk")
    return problems, count


def _same(now: str, then: str) -> bool:
    """Equal text, or the same number written two ways (35 recorded from the form, 35.0
    read back from a float column)."""
    if now == then:
        return True
    try:
        return float(now) == float(then)
    except ValueError:
        return False


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
