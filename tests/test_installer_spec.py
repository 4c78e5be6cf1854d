"""The PyInstaller spec bundles every data file the program reads at run time."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "qmsdesk.spec"


def _data_dirs() -> list[tuple[str, str]]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "DATA_DIRS" for t in node.targets):
            return [tuple(item) for item in ast.literal_eval(node.value)]
    raise AssertionError("DATA_DIRS not found in the spec")


def test_every_data_file_of_the_package_and_resources_is_collected():
    dirs = _data_dirs()
    assert all(source == target for source, target in dirs)  # same place inside the bundle
    covered = [ROOT / source for source, _ in dirs]
    data_files = [p for p in (ROOT / "qmsdesk").rglob("*") if p.is_file()
                  and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    data_files += [p for p in (ROOT / "resources").rglob("*") if p.is_file()]
    assert data_files, "no data files found: the test looks in the wrong place"
    missing = [str(p.relative_to(ROOT)) for p in data_files
               if not any(p.is_relative_to(folder) for folder in covered)]
    assert missing == []
    migrations = ROOT / "qmsdesk" / "models" / "migrations"
    assert any(folder == migrations for folder in covered)  # env.py and versions/*.py too


def test_the_icons_the_spec_names_exist():
    text = SPEC.read_text(encoding="utf-8")
    for name in ("qmsdesk.ico", "qmsdesk.icns"):
        assert name in text
        assert (ROOT / "resources" / "icons" / name).is_file()


ISS = ROOT / "installer" / "windows" / "qmsdesk.iss"


def _iss_setting(name: str) -> str:
    for line in ISS.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{name} not set in {ISS.name}")


def test_the_windows_installer_wraps_the_bundle_the_spec_builds():
    text = ISS.read_text(encoding="utf-8")
    spec = SPEC.read_text(encoding="utf-8")
    # the bundle folder make dist writes, the two programs the spec makes on Windows
    assert '"..\\..\\dist\\qmsdesk"' in text
    assert '#define GuiExe "QMSDesk.exe"' in text and 'executable("QMSDesk", console=False)' in spec
    assert '"\\qmsdesk.exe", "ProductVersion"' in text and '"ProductVersion": VERSION' in spec
    icon = ISS.parent / _iss_setting("SetupIconFile").replace("\\", "/")
    assert icon.resolve() == (ROOT / "resources" / "icons" / "qmsdesk.ico")


def test_the_windows_installer_is_per_user_with_start_menu_desktop_and_uninstaller():
    assert _iss_setting("PrivilegesRequired") == "lowest"  # no administrator rights
    assert _iss_setting("DefaultDirName").startswith("{autopf}")
    text = ISS.read_text(encoding="utf-8")
    assert 'Name: "{autoprograms}\\{#AppName}"; Filename: "{app}\\{#GuiExe}"' in text
    assert "Tasks: desktopicon" in text and "Flags: unchecked" in text  # optional, off
    assert _iss_setting("UninstallDisplayIcon") == "{app}\\{#GuiExe}"
    assert "Uninstallable=no" not in text


def test_the_program_uses_babel_for_numbers_only():
    # The spec keeps only the number data of babel's locales.
    spec = SPEC.read_text(encoding="utf-8")
    assert "BABEL_NUMBER_KEYS" in spec
    imports = set()
    for path in (ROOT / "qmsdesk").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "babel":
                imports.add(node.module)
            elif isinstance(node, ast.Import):
                imports.update(a.name for a in node.names if a.name.split(".")[0] == "babel")
    assert imports == {"babel.numbers"}
