"""Re-confirming a server login's password before an approval (an electronic signature).

The app's own connection may have been opened with a password from .pgpass, PGPASSWORD or
a prompt long ago; a signature needs the person at the keyboard now. So the password they
type is tried on a short connection of its own, as the same login, to the same server and
database, and then forgotten: never stored, never shown, never put in a message.
"""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from qmsdesk.models.errors import DatabaseError
from qmsdesk.models.server import classify, engine_options, fault_sentence, reason, sqlstate

_WRONG_PASSWORD = ("28P01", "28000")  # invalid_password, invalid_authorization_specification


class SignatureRefused(DatabaseError):
    """The password did not confirm the login: nothing was approved."""


def confirm_password(url: str, login: str, password: str, shown_as: str) -> None:
    """Raise SignatureRefused (one sentence) unless ``password`` logs ``login`` in to the
    server and database of ``url`` (shown to people as ``shown_as``), and the server asked
    for it: a server that lets the login in without a password cannot confirm a signature."""
    if not password:
        raise SignatureRefused(f"Enter the password of login {login} to sign; nothing was "
                               "approved.")
    address = make_url(url).set(username=login, password=password)
    options = engine_options(url)
    options.pop("pool_pre_ping", None)
    engine = create_engine(address, poolclass=NullPool, **options)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            asked = bool(getattr(getattr(conn.connection.dbapi_connection, "pgconn", None),
                                 "used_password", True))
    except DBAPIError as exc:
        raise _refusal(exc, url, login, shown_as) from None
    finally:
        engine.dispose()
    if not asked:
        raise SignatureRefused(
            f"The server at {shown_as} lets login {login} in without asking for a "
            "password, so a password cannot confirm your signature: ask your administrator "
            "to require passwords (scram-sha-256 in pg_hba.conf); nothing was approved.")


def _refusal(exc: DBAPIError, url: str, login: str, shown_as: str) -> SignatureRefused:
    """The sentence for a connection that failed: a wrong password, or a server fault."""
    message = str(getattr(exc, "orig", None) or exc).lower()
    if sqlstate(exc) in _WRONG_PASSWORD or "password authentication failed" in message:
        return SignatureRefused(f"That is not the password of login {login}: nothing was "
                                "approved. Type it again.")
    kind = classify(exc) or "lost"
    return SignatureRefused(fault_sentence(kind, shown_as, reason(exc, url), write=True))
