"""Commands run as `qmsdesk ARGS` would run them, in the test's own process.

tests/test_cli.py starts the program itself (entry point, exit codes, a traceback never
shown); the other command-line tests are about what a command prints, writes and refuses,
and a process each would cost a second or two of start-up."""

from __future__ import annotations

import contextlib
import io
import subprocess
from pathlib import Path

from qmsdesk import cli


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(["--data-dir", str(data_dir), *args])
        except SystemExit as exit_:  # argparse's refusals
            code = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(["qmsdesk", *args], code, out.getvalue(),
                                       err.getvalue())
