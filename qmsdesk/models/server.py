"""PostgreSQL specifics: connection options, addresses safe to show, server faults as sentences.

A team's server can stop, restart, stall or refuse a login at any moment; none of that may
reach a person as a traceback or show the password of the address they gave.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

CONNECT_TIMEOUT_S = 10  # a server that accepts but never answers fails after this
# A statement running longer than this is a stalled server or a stuck lock, not work: the
# largest import writes in batches of 500 records, each a few short statements.
STATEMENT_TIMEOUT_MS = 120_000
# Waiting for another writer (the writer lock, a row lock) longer than this says "busy".
LOCK_TIMEOUT_MS = 30_000
# TCP keepalives: a server that vanished mid-statement (cable, crash) is noticed in ~1 min.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
              "keepalives_count": 3}
APPLICATION_NAME = "QMS Desk"
HIDDEN = "***"

# SQLSTATE classes and codes (PostgreSQL appendix A) and what they mean to a person.
_LOST = ("08", "57P01", "57P02", "57P03")   # connection exceptions, server shut down
_TIMEOUT = ("57014",)                        # query_canceled: statement_timeout
_BUSY = ("55P03", "40001", "40P01")          # lock timeout, serialization, deadlock
_DENIED = ("42501",)                         # insufficient_privilege
_CONFLICT = ("23",)                          # integrity constraint violation
_LOST_WORDS = ("server closed the connection", "terminating connection",
               "connection is closed", "consuming input failed", "connection refused",
               "the connection is lost", "ssl connection has been closed", "no connection",
               "could not receive data", "could not send data", "connection timeout")


def engine_options(url: str) -> dict[str, Any]:
    """Keyword arguments for create_engine on a PostgreSQL address (none for SQLite).

    Values the address itself gives (``?connect_timeout=3``) win over these defaults.
    pool_pre_ping tests a pooled connection before lending it, so the first save after a
    server restart gets a fresh connection instead of the dead one.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or \
            parsed.get_driver_name() not in ("psycopg", "psycopg2"):  # libpq's options
        return {}
    given = set(parsed.query)
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S,
                            "application_name": APPLICATION_NAME, **KEEPALIVES}
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}"
    if "options" not in given:
        args["options"] = options
    return {"pool_pre_ping": True,
            "connect_args": {key: value for key, value in args.items() if key not in given}}


def _authority(url: str) -> tuple[str, str, str]:
    """(scheme://, user info, the rest) of an address as typed, without parsing it the way
    a URL library would: a password with an unencoded '@' or '/' must still be found."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url, "", ""
    userinfo, _, tail = rest.rpartition("@")
    return scheme + sep, userinfo, tail


def password_in(url: str) -> str:
    """The password as typed in ``url`` ('' when none)."""
    return _authority(url)[1].partition(":")[2]


def safe_address(url: str) -> str:
    """``url`` as it may be shown: the password replaced by ***, however it was typed."""
    start, userinfo, tail = _authority(url)
    if not userinfo:
        return url
    user, sep, password = userinfo.partition(":")
    return f"{start}{user}{':' + HIDDEN if sep and password else ''}@{tail}"


def scrub(message: str, url: str) -> str:
    """``message`` with every trace of the address's password removed: the password as
    typed, decoded, and the pieces a parser may have taken for a host or a port."""
    password = password_in(url)
    if not password:
        return message
    secrets = {password, unquote(password)}
    cuts = [m.start() for m in re.finditer(r"[@/:?#]", password)]
    secrets.update(password[cut + 1:] for cut in cuts)  # what a parser took for the host
    secrets.update(password[:cut] for cut in cuts)      # and what it kept as the password
    secrets = {secret for secret in secrets if len(secret) >= 3}
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, HIDDEN)
    return message


def badly_encoded(url: str) -> str | None:
    """Why the password in ``url`` cannot be read as intended, or None."""
    password = password_in(url)
    if not password:
        return None
    if re.search(r"[@/?#]", password) or re.search(r"%(?![0-9A-Fa-f]{2})", password):
        return ("the password contains a character that must be URL-encoded in an address "
                "(@ as %40, / as %2F, ? as %3F, # as %23, % as %25, : as %3A), or leave the "
                "password out of the address and give it in the PGPASSWORD environment "
                "variable or the user's .pgpass file")
    return None


def check_address(url: str) -> None:
    """Raise ValueError (a sentence without the password) for an address that cannot be
    meant as typed."""
    reason = badly_encoded(url)
    if reason:
        raise ValueError(f"{safe_address(url)}: {reason}.")
    try:
        make_url(url)
    except ArgumentError:
        raise ValueError(f"{safe_address(url)!r} is not a database address.") from None


def sqlstate(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlstate", "") or "")


def reason(exc: BaseException, url: str) -> str:
    """The first line of the driver's message, without the password."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return scrub(lines[0] if lines else type(orig).__name__, url).rstrip(".")


def constraint_of(exc: BaseException) -> str:
    """The constraint or unique index an integrity error names ('' if none is known).

    psycopg names it in the diagnostics; SQLite only in the message ("UNIQUE constraint
    failed: party.name" names the columns instead).
    """
    orig = getattr(exc, "orig", None)
    diag = getattr(orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name:
        return str(name)
    found = re.search(r"constraint failed: (?:index '([^']+)'|(\S+))", str(orig or exc))
    return (found.group(1) or found.group(2)) if found else ""


def classify(exc: DBAPIError) -> str | None:
    """What a driver error means: 'lost', 'timeout', 'busy', 'denied', 'conflict' or None."""
    state = sqlstate(exc)
    text = str(getattr(exc, "orig", None) or exc).lower()
    if state.startswith(_LOST) or exc.connection_invalidated or any(
            word in text for word in _LOST_WORDS):
        return "lost"
    if state in _TIMEOUT:
        return "busy" if "lock timeout" in text else "timeout"
    if state in _BUSY:
        return "busy"
    if state in _DENIED or "permission denied" in text:
        return "denied"
    if state.startswith(_CONFLICT) or "constraint failed" in text:
        return "conflict"
    return None


def fault_sentence(kind: str, name: str, detail: str, write: bool) -> str:
    """One sentence for a fault of ``kind`` on the database shown as ``name``."""
    outcome = "nothing was saved" if write else "nothing was changed"
    if kind == "lost":
        return (f"The connection to {name} was lost ({detail}): the server stopped or the "
                f"network failed. Try again once the server is back; {outcome}.")
    if kind == "timeout":
        return (f"{name} did not answer in time ({detail}). Try again later, or ask your "
                f"administrator to check the server; {outcome}.")
    if kind == "busy":
        return (f"{name} is busy: another user's work held the records this needs ({detail}). "
                f"Try again in a moment; {outcome}.")
    if kind == "denied":
        what = "change" if write else "read"
        return (f"Your login may not {what} this in {name} ({detail}). Ask your administrator "
                f"for the role you need (qmsdesk server-setup); {outcome}.")
    if "foreign key" in detail.lower():
        return (f"{name} refused the change: it refers to a record that no longer exists "
                f"({detail}). Reload and try again; {outcome}.")
    return (f"{name} refused the change: it clashes with a record saved at the same moment "
            f"by someone else ({detail}). Reload and try again; {outcome}.")
