"""Approvals as recorded acts: who may approve (the approver role, and on a laptop the
approvers named in Settings), and the signature an approval stores and prints: the
approver's login and name, the moment, and the sha256 of the content approved.

One rule for the four approvals: a supplier review approved, a policy revision issued, a
report revision approved, an action's effectiveness check recorded. On a team's server the
server has the last word (models.roles: a login outside the approver role is refused there
too, and its login is the server's), and the person signs with their password again
(``confirm``); each approval may carry what the approver meant by it ("Approved as
reviewer").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.models.identity import Identity
from qmsdesk.models.password_check import confirm_password
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.validation import check_text

MEANING_LIMIT = 200  # "Approved as reviewer": one line
MEANING_EXAMPLE = "Approved as reviewer"


@dataclass(frozen=True)
class Signature:
    login: str
    name: str
    at: datetime
    content_hash: str
    meaning: str = ""


def content_hash(values: dict[str, Any]) -> str:
    """The sha256 of the approved content: its fields as sorted JSON (dates as ISO text)."""
    def plain(value: Any) -> Any:
        if isinstance(value, date | datetime):
            return value.isoformat()
        return value

    payload = json.dumps({key: plain(value) for key, value in values.items()},
                         sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def signature_line(login: str, at: datetime | None, digest: str, meaning: str = "") -> str:
    """What a printed record says after the approver's name: "“Approved as reviewer”, login
    anna, 2026-12-02 10:15 UTC, content sha256 …" ("" for an approval recorded before
    approvals were signed)."""
    said = f"\u201c{meaning}\u201d" if meaning else ""
    if not login or at is None:
        return said
    stamp = at.strftime("%Y-%m-%d %H:%M UTC")
    line = f"login {login}, {stamp}" + (f", content sha256 {digest}" if digest else "")
    return f"{said}, {line}" if said else line


def tidy_meaning(errors: dict[str, str], meaning: str, key: str = "meaning") -> str:
    """The meaning as stored (one line, spaces tidied); a too long one adds to ``errors``."""
    tidy = " ".join(meaning.split())
    check_text(errors, key, tidy, "Meaning", MEANING_LIMIT)
    return tidy


def signer(db: Database) -> str:
    """Who signs, as the sign dialog says it: "Anna Kowalska (login anna, approver)"."""
    me = db.identity()
    return f"{me.name} (login {me.login}, {me.role})"


def needs_password(db: Database) -> bool:
    """Whether signing asks for the password again: on a team's server, yes; a laptop's
    file has no password (the OS login opened the session)."""
    return db.identity().on_server


def confirm(db: Database, password: str) -> None:
    """On a team's server: raise SignatureRefused (one sentence) unless ``password`` is the
    signed-in login's, tried on a short connection of its own; nothing on a laptop."""
    me = db.identity()
    if me.on_server:
        confirm_password(db.url, me.login, password, db.display_name)


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def role_refusal(db: Database) -> str:
    """Why the person at the keyboard lacks the approver role, or "" (what the GUI says
    beside an approval it disables)."""
    me = db.identity()
    if me.may("approver"):
        return ""
    where = ("Ask your administrator for the approver role" if me.on_server
             else "An administrator gives it in Settings › Team")
    return (f"Only an approver may approve; you ({me.name}, login {me.login}) are "
            f"{me.role}. {where}.")


def approver_refusal(db: Database, name: str) -> str:
    """Why the person at the keyboard (``name`` on a laptop) may not approve, or "".

    They need the approver role (a team's server: the group role the server gives their
    login; a laptop: the staff table's role for the OS login, administrator if unlisted),
    and on a laptop also to be among the approvers named in Settings (anyone, while none
    are named)."""
    if reason := role_refusal(db):
        return reason
    if db.identity().on_server:
        return ""
    if not name.strip():
        return "Say who you are first (Settings › You): an approval names a person."
    named = load_settings(db).approvers()
    if named and not any(_same_person(name, person) for person in named):
        return (f"Only the approvers named in Settings › Organisation may approve "
                f"({'; '.join(named)}); you are {name.strip()}.")
    return ""


def sign(me: Identity, name: str, values: dict[str, Any], meaning: str = "") -> Signature:
    """The signature of ``me`` (a login, shown as ``name``) over ``values``, now, with what
    they meant by it (tidied; the caller checked its length with ``tidy_meaning``)."""
    return Signature(me.login, name, clock.now(), content_hash(values),
                     " ".join(meaning.split()))
