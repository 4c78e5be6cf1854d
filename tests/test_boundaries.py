"""Layer boundaries (models/services/reports never import Qt; ui never imports sqlalchemy),
no import cycles between qmsdesk modules, and a start-up guard: the window's modules pull
in no database or charting library."""

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


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _qmsdesk_imports(path: Path, modules: set[str]) -> set[str]:
    """The qmsdesk modules ``path`` imports anywhere in it: at the top, inside functions and
    under ``if TYPE_CHECKING:`` alike. ``from a.b import c`` imports the module a.b.c when
    there is one, else a.b itself (c is a name defined in it)."""
    own = _module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]

    def module_of(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(filter(None, (module_of(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else module_of(base) or "")
    return found - {"", own}


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, without recursion: the components, each one sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_strongly_connected_finds_cycles_and_only_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e", "d"}}
    assert sorted(_strongly_connected(graph)) == [["a", "b", "c"], ["d"], ["e"]]


def test_no_import_cycles_between_qmsdesk_modules():
    """A cycle, even through a type-only import, means something lives in the wrong module
    (records next to the rules that judge them, a page that knows its window's class)."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {name: _qmsdesk_imports(path, set(paths)) & set(paths)
             for name, path in paths.items()}
    assert len(graph) > 100, "no modules found: the test looks in the wrong place"
    assert "qmsdesk.services.parties.rules" in graph["qmsdesk.services.parties.service"]
    cycles = [" <-> ".join(c) for c in _strongly_connected(graph) if len(c) > 1]
    assert not cycles, "modules that import each other:\n" + "\n".join(cycles)


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
