"""Waiting for another client's schema upgrade on a shared server, and saying so.

One client upgrades a team's database under an advisory lock; a client that opens it
meanwhile waits for that lock. Waiting in silence looks like a hung program, so the wait is
announced once, through a notice the front end chooses (the GUI shows it in the window; the
default prints it on stderr, for the command line), then the lock is taken as soon as the
other upgrade ends.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from sqlalchemy import Connection, text

UPGRADE_WAIT = "Another QMS Desk is upgrading the database; waiting…"
POLL_S = 0.2  # how often the lock is tried again while another client upgrades
Notice = Callable[[str], None]


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_notice: Notice = _to_stderr


def set_notice(notice: Notice | None) -> Notice:
    """Announce waits through ``notice`` from now on (None: stderr again); returns the
    notice used before, so a caller can put it back."""
    global _notice
    before, _notice = _notice, notice or _to_stderr
    return before


def take_lock(conn: Connection, key: int) -> bool:
    """Take the transaction-scoped advisory lock ``key`` on ``conn``, announcing once
    if another client holds it; True when this client had to wait."""
    def free() -> bool:
        return bool(conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                 {"key": key}).scalar())

    if free():
        return False
    _notice(UPGRADE_WAIT)
    while not free():  # short statements: the statement timeout never cuts the wait
        time.sleep(POLL_S)
    return True
