"""Layer boundaries (models/services/reports never import Qt; ui never imports sqlalchemy)
and a start-up guard: the window's modules pull in no database or charting library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qmsdesk"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer, forbidden", [
    ("models", "PySide6"), ("services", "PySide6"), ("reports", "PySide6"),
    ("ui", "sqlalchemy"), ("models", "qmsdesk.services"), ("models", "qmsdesk.ui"),
    ("services", "qmsdesk.ui"), ("reports", "qmsdesk.ui"),
])
def test_layer_does_not_import(layer: str, forbidden: str):
    offenders = [str(path.relative_to(PACKAGE)) for path in (PACKAGE / layer).rglob("*.py")
                 if any(name == forbidden or name.startswith(forbidden + ".")
                        for name in imported_modules(path))]
    assert offenders == []


def test_no_python_file_grows_past_500_lines():
    long_files = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long_files == {}


def test_window_modules_load_no_heavy_library():
    code = ("import sys, qmsdesk.cli, qmsdesk.ui.app, qmsdesk.ui.main_window;"
            "print(sorted(m for m in ('sqlalchemy', 'matplotlib', 'reportlab', 'alembic') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert out.stdout.strip() == "[]"
