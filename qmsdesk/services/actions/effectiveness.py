"""An action's effectiveness check (ISO 9001 10.2.1 d) as an approval: recorded by an
approver only, signed with their login, the moment, the sha256 of the action as checked and
what they meant by it (services.signoff, the rule every approval shares). On a team's server
a trigger refuses the check to anyone else and records the server's login (models.roles).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from qmsdesk.models.db import Database
from qmsdesk.models.identity import Identity
from qmsdesk.models.objectives import Action
from qmsdesk.services import signoff
from qmsdesk.services.actions import rules
from qmsdesk.services.actions.records import ActionRecord
from qmsdesk.services.errors import ValidationError

# What a signature covers: the action as checked (its reference is added).
SIGNED_FIELDS = ("title", "description", "kind", *rules.LINK_FIELDS, "owner", "start_date",
                 "due_date", "status", "completed_on", "progress", "effectiveness",
                 "effectiveness_by", "effectiveness_on", "evidence")


def with_checker(db: Database, record: ActionRecord) -> ActionRecord:
    """On a team's server the checker is the person signed in: a check started without a
    name (the editor's field is theirs, read-only) gets their staff name."""
    started = record.effectiveness or record.effectiveness_on is not None
    if started and not record.effectiveness_by.strip() and db.identity().on_server:
        return replace(record, effectiveness_by=db.user)
    return record


def checked_by_signer(db: Database, me: Identity, record: ActionRecord,
                      meaning: str) -> tuple[ActionRecord, str]:
    """The record as the signer may save it, with its tidied meaning: on a team's server the
    checker is the signed-in person's staff name, whatever was typed. ValidationError when
    the person at the keyboard, who signs, lacks the approver role (the report approvers
    named in Settings are for reports, reviews and policy revisions; on a laptop "Checked
    by" may name whoever did the check for them) or the meaning is too long."""
    if me.on_server:
        record = replace(record, effectiveness_by=db.user)
    errors: dict[str, str] = {}
    if reason := signoff.role_refusal(db):
        errors["effectiveness_by"] = reason
    tidy = signoff.tidy_meaning(errors, meaning, "effectiveness")
    if errors:
        raise ValidationError(errors)
    return record, tidy


def content(action: Action) -> dict[str, Any]:
    """What signing an effectiveness check of ``action`` covers."""
    return {"ref": action.ref, **{name: getattr(action, name) for name in SIGNED_FIELDS}}


def sign(action: Action, me: Identity, signing: bool, meaning: str) -> None:
    """Sign a check just recorded on ``action``; a check taken away (the action reopened)
    takes its signature with it. An unchanged check keeps the signature it has."""
    if signing:
        signed = signoff.sign(me, action.effectiveness_by, content(action), meaning)
        action.effectiveness_login, action.effectiveness_at = signed.login, signed.at
        action.effectiveness_hash, action.effectiveness_meaning = (signed.content_hash,
                                                                   signed.meaning)
    elif (not action.effectiveness or action.effectiveness_on is None) and \
            (action.effectiveness_login or action.effectiveness_at is not None):
        action.effectiveness_login, action.effectiveness_at = "", None
        action.effectiveness_hash, action.effectiveness_meaning = "", ""


def signature(action: Action) -> str:
    """The printed signature of ``action``'s check ("" when none was signed)."""
    return signoff.signature_line(action.effectiveness_login, action.effectiveness_at,
                                  action.effectiveness_hash, action.effectiveness_meaning)
