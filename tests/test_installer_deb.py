"""The Linux package: layout, launcher, menu entry and declared dependencies.

Built here from a stand-in bundle (a real ELF program plus a data file), so it runs in a
second; `make dist` builds it from the real bundle and installer/linux/test_deb.sh
installs that one.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("dpkg-deb", "dpkg", "ldd", "objdump")
pytestmark = pytest.mark.skipif(any(shutil.which(tool) is None for tool in TOOLS),
                                reason="needs dpkg-deb, ldd and objdump (Debian/Ubuntu)")


def _module():
    spec = importlib.util.spec_from_file_location(
        "build_deb", ROOT / "installer" / "linux" / "build_deb.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build_deb = _module()


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deb")
    bundle = folder / "qmsdesk"
    (bundle / "_internal" / "resources").mkdir(parents=True)
    shutil.copy(shutil.which("true"), bundle / "qmsdesk")
    (bundle / "_internal" / "resources" / "note.txt").write_text("data", encoding="utf-8")
    return build_deb.build(bundle, folder / "out", arch="amd64")


def _field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "--field", str(deb), name], capture_output=True,
                          text=True, check=True).stdout.strip()


def _listing(deb: Path) -> dict[str, tuple[str, str]]:
    lines = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True,
                           text=True, check=True).stdout.splitlines()
    entries = {}
    for line in lines:
        mode, owner, _size, _day, _time, name = line.split(maxsplit=5)
        entries[name.removeprefix("./").split(" -> ")[0]] = (mode, owner, name)
    return entries


def test_the_package_is_named_and_versioned_like_the_program(deb: Path):
    import qmsdesk

    assert deb.name == f"qmsdesk_{qmsdesk.__version__}_amd64.deb"
    assert _field(deb, "Package") == "qmsdesk"
    assert _field(deb, "Version") == qmsdesk.__version__
    description = _field(deb, "Description").splitlines()
    assert description[0].startswith("Quality management registers for ISO 9001")
    assert max(len(line) for line in description) <= 80


def test_it_installs_to_opt_with_a_launcher_menu_entry_and_icon(deb: Path):
    files = _listing(deb)
    assert files["opt/qmsdesk/qmsdesk"][:2] == ("-rwxr-xr-x", "root/root")
    assert files["opt/qmsdesk/_internal/resources/note.txt"][0] == "-rw-r--r--"
    assert files["usr/bin/qmsdesk"][2].endswith("usr/bin/qmsdesk -> /opt/qmsdesk/qmsdesk")
    assert "usr/share/applications/qmsdesk.desktop" in files
    assert "usr/share/icons/hicolor/256x256/apps/qmsdesk.png" in files
    assert "usr/share/doc/qmsdesk/copyright" in files


def test_it_depends_on_what_qt_needs_and_on_the_glibc_it_was_built_against(deb: Path):
    depends = _field(deb, "Depends").split(", ")
    for package in ("libegl1", "libgl1", "libxkbcommon-x11-0", "libxcb-cursor0",
                    "libxcb-icccm4", "libxcb-keysyms1"):
        assert package in depends
    libc = [d for d in depends if d.startswith("libc6 ")]
    floor = build_deb.glibc_floor([Path(shutil.which("true"))])
    assert libc == [f"libc6 (>= {floor})"]
    assert tuple(map(int, floor.split("."))) >= (2, 17)


def test_the_menu_entry_is_valid_and_runs_the_launcher():
    desktop = ROOT / "installer" / "linux" / "qmsdesk.desktop"
    entry = dict(line.split("=", 1) for line in desktop.read_text(encoding="utf-8").splitlines()
                 if "=" in line)
    assert entry["Exec"] == "qmsdesk" and entry["Icon"] == "qmsdesk"
    assert entry["Terminal"] == "false"
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop)], check=True)


def test_a_missing_bundle_or_library_stops_the_build_with_a_reason(tmp_path: Path):
    with pytest.raises(build_deb.BuildError, match="build the bundle first"):
        build_deb.build(tmp_path / "nothing", tmp_path, arch="amd64")


@pytest.mark.parametrize(("python", "debian"), [
    ("0.1.0", "0.1.0"), ("1.2.0rc1", "1.2.0~rc1"), ("1.2.0.dev3", "1.2.0~dev3"),
    ("2.0b2", "2.0~b2"),
])
def test_pre_releases_sort_before_the_release_in_debian(python: str, debian: str):
    assert build_deb.debian_version(python) == debian
