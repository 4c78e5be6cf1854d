"""Builds the Linux package, dist/qmsdesk_<version>_<arch>.deb, from the one-folder bundle.

    python installer/linux/build_deb.py [--bundle dist/qmsdesk] [--out dist]

The package puts the bundle in /opt/qmsdesk, a `qmsdesk` command in /usr/bin, a .desktop
entry and the icon. Depends names the packages of every library the bundle loads from the
system (ldd over each binary in it: whatever does not resolve inside the bundle), plus
the libraries Qt's xcb platform needs, and libc6 at the newest glibc symbol version any
binary in the bundle asks for: a bundle needs the glibc of the machine it was built on.

Needs dpkg-deb, dpkg, ldd and objdump (binutils, which PyInstaller needs too): build on
Debian or Ubuntu. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PACKAGE = "qmsdesk"
INSTALL_DIR = Path("opt") / PACKAGE
# Qt's X11 platform plugin needs these at run time (some are bundled, but the system's
# copies must be there for whatever the bundle leaves out); fontconfig brings the fonts.
QT_RUNTIME = ("libegl1", "libgl1", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4",
              "libxcb-keysyms1", "libfontconfig1")
# Libraries only Qt's Wayland plugins load: on a Wayland desktop they are there anyway,
# elsewhere Qt falls back to X11 without them.
OPTIONAL = {"libwayland-cursor.so.0": "libwayland-cursor0",
            "libwayland-egl.so.1": "libwayland-egl1"}
DESCRIPTION = """\
Quality management registers for ISO 9001, offline
 QMS Desk keeps the interested parties (clause 4.2), the quality policy and
 objectives with their measurements and action log (6.2), and the approved
 supplier list with reviews and certificates (8.4) in a local database, and
 prints the audit-ready PDF reports and management-review pack an auditor
 asks for.
"""


class BuildError(Exception):
    """The package cannot be built; the message says why."""


@dataclass(frozen=True)
class SystemLibraries:
    """What the bundle's binaries load from outside the bundle."""

    found: dict[str, Path]  # soname -> path on this machine
    missing: set[str]  # sonames ldd could not resolve


def debian_version(version: str) -> str:
    """A PEP 440 version as Debian orders it: pre-releases sort before the release."""
    return re.sub(r"\.?(dev|a|b|rc)(\d+)", r"~\1\2", version)


def project_version() -> str:
    text = (ROOT / "qmsdesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    if not match:
        raise BuildError("qmsdesk/__init__.py has no __version__")
    return debian_version(match.group(1))


def _run(*command: str) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        raise BuildError(f"{command[0]} is not installed (build the .deb on Debian or Ubuntu "
                         "with dpkg-dev and binutils)") from None


def elf_files(bundle: Path) -> list[Path]:
    files = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    files.append(path)
    return files


def system_libraries(bundle: Path, files: list[Path]) -> SystemLibraries:
    library_dirs = sorted({str(f.parent) for f in files if ".so" in f.name})
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(library_dirs))
    found: dict[str, Path] = {}
    missing: set[str] = set()
    for file in files:
        result = subprocess.run(["ldd", str(file)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            name, arrow, target = line.strip().partition(" => ")
            if not arrow:
                continue
            if target.startswith("not found"):
                missing.add(name)
                continue
            path = Path(target.split(" (")[0])
            if not path.resolve().is_relative_to(bundle.resolve()):
                found[name] = path
    return SystemLibraries(found, missing - set(found))


def glibc_floor(files: list[Path]) -> str:
    """The newest GLIBC_x.y symbol version any of the binaries needs, e.g. "2.36"."""
    newest = (2, 17)
    for file in files:
        for line in _run("objdump", "-T", str(file)).splitlines():
            match = re.search(r"\*UND\*.*\(GLIBC_(\d+)\.(\d+)\)", line)
            if match:
                newest = max(newest, (int(match.group(1)), int(match.group(2))))
    return f"{newest[0]}.{newest[1]}"


def package_of(path: Path) -> str:
    """The installed Debian package a library file belongs to."""
    for candidate in (path, path.resolve(), Path("/usr") / path.relative_to("/")):
        result = subprocess.run(["dpkg", "-S", str(candidate)], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    raise BuildError(f"{path} is needed by the bundle but belongs to no installed package")


def dependencies(bundle: Path) -> tuple[list[str], list[str]]:
    """Depends and Recommends for the bundle, from what its binaries load."""
    files = elf_files(bundle)
    if not files:
        raise BuildError(f"{bundle} holds no program: build it first with `make dist`")
    libraries = system_libraries(bundle, files)
    unknown = sorted(libraries.missing - OPTIONAL.keys())
    if unknown:
        raise BuildError("the bundle needs libraries this machine does not have: "
                         f"{', '.join(unknown)}; install them and build again")
    # Optional whether or not this machine happens to have them.
    packages = {package_of(path) for name, path in libraries.found.items()
                if name not in OPTIONAL} | set(QT_RUNTIME)
    packages.discard("libc6")
    depends = [f"libc6 (>= {glibc_floor(files)})", *sorted(packages)]
    optional = (libraries.found.keys() | libraries.missing) & OPTIONAL.keys()
    return depends, sorted(OPTIONAL[name] for name in optional)


def control(version: str, arch: str, depends: list[str], recommends: list[str],
            installed_kib: int) -> str:
    fields = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": arch,
        "Maintainer": "QMS Desk <support@qmsdesk.invalid>",
        "Installed-Size": str(installed_kib),
        "Depends": ", ".join(depends),
        "Recommends": ", ".join(recommends),
        "Section": "misc",
        "Priority": "optional",
        "Description": DESCRIPTION.rstrip("\n"),
    }
    return "".join(f"{key}: {value}\n" for key, value in fields.items() if value)


def _normalise_modes(tree: Path) -> None:
    """Directories and programs 0755, everything else 0644: what dpkg expects."""
    for path in [tree, *tree.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or bool(path.stat().st_mode & 0o111)
        path.chmod(0o755 if executable else 0o644)


def _size_kib(tree: Path) -> int:
    return sum(-(-p.lstat().st_size // 1024) for p in tree.rglob("*") if p.is_file()) or 1


def stage(bundle: Path, tree: Path) -> None:
    """Lay out the package's files under tree, as they will be on the target."""
    shutil.copytree(bundle, tree / INSTALL_DIR, symlinks=True)
    bin_dir = tree / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / PACKAGE).symlink_to(Path("/") / INSTALL_DIR / PACKAGE)
    share = tree / "usr" / "share"
    for source, target in (
        (HERE / "qmsdesk.desktop", share / "applications" / "qmsdesk.desktop"),
        (ROOT / "resources" / "icons" / "qmsdesk.png",
         share / "icons" / "hicolor" / "256x256" / "apps" / "qmsdesk.png"),
        (HERE / "copyright", share / "doc" / PACKAGE / "copyright"),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def build(bundle: Path, out_dir: Path, arch: str | None = None) -> Path:
    if not (bundle / PACKAGE).is_file():
        raise BuildError(f"{bundle / PACKAGE} does not exist: build the bundle first "
                         "(make dist)")
    version = project_version()
    arch = arch or _run("dpkg", "--print-architecture").strip()
    depends, recommends = dependencies(bundle)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "root"
        stage(bundle, tree)
        size = _size_kib(tree)
        (tree / "DEBIAN").mkdir()
        (tree / "DEBIAN" / "control").write_text(
            control(version, arch, depends, recommends, size), encoding="utf-8")
        _normalise_modes(tree)
        _run("dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(tree), str(deb))
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / PACKAGE)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        deb = build(args.bundle, args.out)
    except (BuildError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        print(f"build_deb: {exc}\n{detail}".rstrip(), file=sys.stderr)
        return 1
    print(f"built {deb} ({deb.stat().st_size / 1e6:.0f} MB)")
    print(_run("dpkg-deb", "--field", str(deb), "Depends", "Recommends").rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
