"""The auditor pack: every report, every register and the period's audit trail in one zip.

Layout (one top folder, so unzipping never scatters files)::

    qms-auditor-pack-2026-01-01-to-2026-10-31/
        README.txt                      what is inside and how to check it
        manifest.sha256                 "sha256sum -c manifest.sha256" checks every file
        reports/*.pdf                   each report, issued and logged with its revision
        registers/*.csv                 each register table (UTF-8 with BOM)
        audit-trail/audit-trail-<period>.csv   to read (spreadsheet-safe)
        audit-trail/audit-trail-<period>.jsonl raw values as hashed, and verify_trail.py
        evidence/<REF>/*                the files attached to records in the period
        evidence/index.csv              each file's record, name, size, sha256, who, when

Register reports are snapshots as of the day the pack is made; the management-review
pack and the audit trail cover the period asked for.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Generator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from qmsdesk import __version__, clock, paths
from qmsdesk.models.db import Database
from qmsdesk.reports.catalog import REPORT_KINDS
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.reports.pack_evidence import write_evidence
from qmsdesk.services.dates import period_slug
from qmsdesk.services.errors import ServiceError, ValidationError
from qmsdesk.services.exchange.columns import all_tables
from qmsdesk.services.exchange.tables import write_audit_csv, write_audit_jsonl, write_csv
from qmsdesk.services.integrity import trail_anchor
from qmsdesk.services.progress import Progress, Task
from qmsdesk.services.report_log import ReportIssue, file_sha256, may_log, record_reports
from qmsdesk.services.review_inputs import validate_period

T = TypeVar("T")

MANIFEST = "manifest.sha256"
VERIFIER = "verify_trail.py"  # resources/pack: needs only Python's standard library


@dataclass(frozen=True)
class AuditorPack:
    path: Path
    files: tuple[str, ...]  # member names below the top folder, manifest excluded


def _check_period(request: ReportRequest) -> tuple[date, date]:
    """The pack's period, checked as the management-review pack will check it."""
    errors = validate_period(request.period_from, request.period_to, request.today)
    if errors:
        raise ValidationError(errors)
    start, end = request.period_from, request.period_to
    assert start is not None and end is not None  # validate_period requires both
    return start, end


def _forward(task: Task[T], step: int, total: int,
             prefix: str) -> Generator[Progress, None, T]:
    """Run an inner task as one step of this one, passing its labels on."""
    try:
        while True:
            try:
                inner = next(task)
            except StopIteration as stop:
                return stop.value
            yield Progress(step, total, f"{prefix}: {inner.label}" if inner.label else prefix)
    finally:
        task.close()


def _readme(db: Database, request: ReportRequest, start: date, end: date,
            reports: list[str]) -> str:
    slug = f"audit-trail-{period_slug(start, end)}"
    lines = [
        "QMS Desk auditor pack",
        "",
        f"Period:        {start.isoformat()} to {end.isoformat()}",
        f"Prepared by:   {request.prepared_by or '(not set)'}",
        f"Made on:       {clock.stamp(clock.local_now())} with QMS Desk {__version__}",
        f"Database:      {db.display_name}",
        f"Audit trail:   anchor {trail_anchor(db)}",
        "               (entries:hash of the last entry when the pack was made; on the",
        "               database, 'qmsdesk verify --expect' with it proves that no entry",
        "               was removed or rewritten since)",
        "",
        "reports/      controlled PDF reports. Register reports show each register as of",
        f"              {request.today.isoformat()}; the management-review pack covers the period.",
        *(f"                - {name}" for name in reports),
        "registers/    every register table as CSV (UTF-8 with BOM, opens in Excel).",
        "              Text starting with = + - @ is prefixed with ' so no spreadsheet",
        "              runs it as a formula.",
        "audit-trail/  every change recorded in the period, with its hash chain:",
        "                *.csv    to read (text starting with = + - @ prefixed with ')",
        "                *.jsonl  one entry a line with its values exactly as hashed",
        f"                {VERIFIER}  recomputes the chain from the .jsonl file",
        "evidence/     the files attached to records in the period (certificates, reports,",
        "              minutes), one folder per record reference; index.csv gives each",
        "              file's record, original name, size, sha256, who attached it and",
        "              when. The reports list every record's current files by name and",
        "              sha256, also those attached before the period.",
        "",
        "To check that no file was changed since the pack was made:",
        f"    sha256sum -c {MANIFEST}",
        "",
        "To check that the audit trail of the period is a whole, unbroken chain (each",
        "entry's SHA-256 over its values and the hash of the entry before it), with",
        "nothing but Python 3:",
        f"    python3 audit-trail/{VERIFIER} audit-trail/{slug}.jsonl",
        "It prints INTACT, the number of entries and the hash the first entry links to",
        "(the last hash of the period before), or the first entry that does not fit.",
        "",
    ]
    return "\n".join(lines)


def write_auditor_pack(db: Database, out_path: Path,
                       request: ReportRequest) -> Generator[Progress, None, AuditorPack]:
    """Write the pack to ``out_path`` (a .zip), atomically; yields Progress.

    The zip appears only when complete; closing the task early leaves nothing behind.
    Each report in it is logged in the report log as a member of the zip.
    """
    start, end = _check_period(request)
    out_path = Path(out_path).resolve()
    if out_path.suffix.lower() != ".zip":
        raise ServiceError(f"{out_path.name}: the auditor pack is a .zip file.")
    top = out_path.stem
    tables = all_tables()
    total = len(REPORT_KINDS) + len(tables) + 2
    files: list[str] = []
    issues: list[ReportIssue] = []
    with tempfile.TemporaryDirectory(prefix="pack-", dir=paths.temp_dir()) as temp:
        root = Path(temp) / top
        for step, kind in enumerate(REPORT_KINDS.values()):
            name = f"reports/{kind.file_stem}.pdf"
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            issued = yield from _forward(
                generate_report(db, kind.key, target, request, (out_path, f"{top}/{name}"),
                                record=False),
                step, total, kind.title)
            issues.append(issued.issue)
            files.append(name)
        step = len(REPORT_KINDS)
        (root / "registers").mkdir()
        for table in tables:
            yield Progress(step, total, f"Register table {table.name}")
            write_csv(db, table, root / "registers" / f"{table.name}.csv")
            files.append(f"registers/{table.name}.csv")
            step += 1
        yield Progress(step, total, "Audit trail")
        audit = f"audit-trail/audit-trail-{period_slug(start, end)}"
        (root / "audit-trail").mkdir()
        write_audit_csv(db, start, end, root / f"{audit}.csv")
        write_audit_jsonl(db, start, end, root / f"{audit}.jsonl")
        shutil.copyfile(paths.resource_path("pack", VERIFIER), root / "audit-trail" / VERIFIER)
        files += [f"{audit}.csv", f"{audit}.jsonl", f"audit-trail/{VERIFIER}"]
        files += write_evidence(db, start, end, root)
        (root / "README.txt").write_text(
            _readme(db, request, start, end, [f"{k.file_stem}.pdf  {k.title}"
                                              for k in REPORT_KINDS.values()]),
            encoding="utf-8")
        files.append("README.txt")
        manifest = "".join(f"{file_sha256(root / name)}  {name}\n" for name in files)
        (root / MANIFEST).write_text(manifest, encoding="utf-8", newline="\n")
        yield Progress(total - 1, total, "Writing the zip")
        _zip(root, [*files, MANIFEST], out_path)
    if may_log(db):  # a read-only database or a viewer cannot log them; the pack is made
        record_reports(db, issues)
    return AuditorPack(out_path, tuple(files))


def _zip(root: Path, names: list[str], out_path: Path) -> None:
    fd, temp_name = tempfile.mkstemp(prefix=f".{out_path.stem}-", suffix=".zip.part",
                                     dir=out_path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temp_name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.write(root / name, f"{root.name}/{name}")
        os.chmod(temp_name, paths.new_file_mode())  # mkstemp's 0600 would stay on the pack
        try:
            os.replace(temp_name, out_path)
        except PermissionError as exc:
            raise ServiceError(f"Cannot write {out_path}: it may be open in another program."
                               ) from exc
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
