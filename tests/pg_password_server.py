"""A throwaway PostgreSQL cluster that asks for passwords (scram-sha-256), for the tests of
a signature's password check: the server the tests are given trusts every local login, so a
wrong password could not be told from a right one there.

Started like .ci/run starts its server (initdb and pg_ctl as the postgres user), which needs
root and the PostgreSQL server binaries; without them the tests that use it are skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

OWNER, OWNER_PASSWORD = "qms", "owner-secret"


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(command: str) -> None:
    subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True,
                   timeout=60)


@contextmanager
def password_server() -> Iterator[str]:
    """The address (postgresql+psycopg://qms:…@127.0.0.1:PORT/postgres) of a new cluster
    that asks every login for its password; stopped and removed afterwards."""
    pg_bin = _pg_bin()
    if pg_bin is None or os.geteuid() != 0 or shutil.which("su") is None:
        pytest.skip("needs root and the PostgreSQL server binaries to start a cluster")
    folder = Path(tempfile.mkdtemp(prefix="qms-scram-"))
    shutil.chown(folder, "postgres")
    (folder / "pw").write_text(OWNER_PASSWORD)
    shutil.chown(folder / "pw", "postgres")
    port = _free_port()
    data = folder / "data"
    try:
        _as_postgres(f"{pg_bin}/initdb -D {data} -A scram-sha-256 -U {OWNER} "
                     f"--pwfile={folder / 'pw'} -N")
        _as_postgres(f"{pg_bin}/pg_ctl -D {data} -w -l {folder / 'log'} -o '-p {port} "
                     f"-k {folder} -c listen_addresses=127.0.0.1 -c fsync=off' start")
        yield f"postgresql+psycopg://{OWNER}:{OWNER_PASSWORD}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(["su", "postgres", "-c", f"{pg_bin}/pg_ctl -D {data} -m immediate "
                        "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
