"""What every command-line command shares: exit codes, the one-line error, the database the
arguments name and the output file checks (qmsdesk.cli and its command modules)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from qmsdesk import paths
from qmsdesk.errors import UserFacingError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(UserFacingError):
    """A problem to report as one line on stderr."""


def target(args: argparse.Namespace, require_existing: bool = True) -> str | Path:
    """The database URL or file the arguments (or the environment) name."""
    url = args.database_url or os.environ.get("QMSDESK_DATABASE_URL")
    if url:
        return str(url)
    path = Path(args.db) if args.db else paths.default_database_path()
    if require_existing and not path.exists():
        raise CommandError(f"database {path} does not exist (create it with 'init' or 'demo')")
    return path


def open_db(args: argparse.Namespace, create: bool = False, reads_only: bool = False) -> Any:
    """The database the arguments name. A command that ``reads_only`` opens a file it may
    not change (a read-only file or folder) read-only, writing nothing in it or beside it."""
    from qmsdesk.models.db import open_database
    from qmsdesk.services.user_settings import user_name
    from qmsdesk.services.workspace import may_only_read

    where = target(args, require_existing=not create)
    readonly = reads_only and may_only_read(where)
    return open_database(where, user=user_name(), create=create, readonly=readonly)


def output(path: str) -> Path:
    """An output file whose folder exists."""
    out = Path(path)
    if not out.parent.exists():
        raise CommandError(f"folder {out.parent} does not exist")
    return out


def input_file(path: str) -> Path:
    """An input file that exists."""
    found = Path(path)
    if not found.is_file():
        raise CommandError(f"{found} does not exist")
    return found


def confirm_signature(db: Any) -> None:
    """On a team's server an approval is signed with the login's password, asked again here
    (never echoed) and confirmed by the server; without a terminal to ask on, refused."""
    import getpass
    import sys

    from qmsdesk.services import signoff

    if not signoff.needs_password(db):
        return
    if not sys.stdin.isatty():
        raise CommandError("approving on a team's server needs your password, typed at a "
                           "terminal; run the command in one (nothing was approved)")
    signoff.confirm(db, getpass.getpass(f"Password of login {db.identity().login}: "))
