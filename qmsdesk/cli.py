"""Command line: the GUI is the default command; sub-commands do headless work."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from qmsdesk import __version__, cli_outreach, clock, paths
from qmsdesk import registers as catalogue
from qmsdesk.cli_support import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    CommandError,
    confirm_signature,
)
from qmsdesk.cli_support import open_db as _open
from qmsdesk.cli_support import output as _output
from qmsdesk.cli_support import target as _target
from qmsdesk.errors import UserFacingError
from qmsdesk.reports.catalog import REPORT_KINDS

if TYPE_CHECKING:
    from qmsdesk.models.audit import Anchor

IMPORT_ENCODINGS = ("utf-8", "windows-1252", "iso-8859-1")  # import --encoding
__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "CommandError", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (try --help)\n")


def _add_database_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("database")
    group.add_argument("--db", metavar="PATH", default=default,
                       help="SQLite database file (default: qmsdesk.db in the data folder)")
    group.add_argument("--database-url", metavar="URL", default=default,
                       help="SQLAlchemy URL, e.g. postgresql+psycopg://user@host/qms "
                            "(also QMSDESK_DATABASE_URL)")
    group.add_argument("--data-dir", metavar="DIR", default=default,
                       help="folder for data, settings and logs (also QMSDESK_DATA_DIR)")


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (use YYYY-MM-DD)") from None


def _add_period_options(parser: argparse.ArgumentParser, required: bool) -> None:
    needed = " (management-review)" if not required else ""
    parser.add_argument("--from", dest="period_from", type=_iso_date, required=required,
                        metavar="DATE", help=f"first day of the period, YYYY-MM-DD{needed}")
    parser.add_argument("--to", dest="period_to", type=_iso_date, required=required,
                        metavar="DATE", help=f"last day of the period, YYYY-MM-DD{needed}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qmsdesk", description="QMS Desk: ISO 9001 registers and reports.")
    parser.add_argument("--version", action="version", version=f"QMS Desk {__version__}")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo database (created in the data folder if missing)")
    _add_database_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _add_database_options(sub, suppress=True)
        return sub

    command("gui", "start the desktop application (the default)")
    init = command("init", "create an empty database")
    init.add_argument("--organisation", default="", help="organisation name for reports")
    command("demo", "create a database filled with demo data (default: demo.db in the data "
                    "folder, which --demo opens)")
    report = command("report", "write a controlled report as PDF (logged with its revision)")
    report.add_argument("kind", choices=list(REPORT_KINDS), help="which report")
    report.add_argument("--out", required=True, metavar="FILE.pdf", help="output PDF file")
    _add_period_options(report, required=False)
    approve = command("approve", "record your approval of an issued report revision (the "
                                 "approvers are named in the settings)")
    approve.add_argument("kind", choices=list(REPORT_KINDS), help="which report")
    approve.add_argument("--revision", type=int, metavar="N",
                         help="which revision (default: the latest issued)")
    approve.add_argument("--note", default="", metavar="TEXT",
                         help="what the revision changed, in one line (default: the "
                              "changes the audit trail shows)")
    approve.add_argument("--meaning", default="", metavar="TEXT",
                         help="what you mean by approving, printed with the approval "
                              "(e.g. 'Approved as reviewer'); on a team's server your "
                              "password is asked to sign")
    pack = command("auditor-pack", "write every report, register and the audit trail "
                                   "for a period into one zip with a sha256 manifest")
    _add_period_options(pack, required=True)
    pack.add_argument("--out", required=True, metavar="FILE.zip", help="output zip file")
    registers = [register.key for register in catalogue.exportable()]
    export = command("export", "write a register to a spreadsheet (.xlsx, .zip of CSVs, .csv)")
    export.add_argument("register", choices=registers, help="which register")
    export.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx, FILE.zip or "
                        "FILE.csv (child tables beside it as FILE-<table>.csv)")
    calendar = command("calendar", "write every due item as calendar events (.ics) with a "
                                   "reminder, for Outlook, Thunderbird or Google Calendar")
    calendar.add_argument("--out", required=True, metavar="FILE.ics", help="output file")
    calendar.add_argument("--owner", default="", metavar="NAME",
                          help="only the items this person owns")
    calendar.add_argument("--alarm", type=int, default=7, metavar="DAYS",
                          help="remind this many days before (default 7; 0: no reminder)")
    template = command("template", "write an empty import template for a register")
    template.add_argument("register", choices=registers, help="which register")
    template.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx, .zip or .csv")
    load = command("import", "import a register from a spreadsheet: all rows or none")
    load.add_argument("register", choices=[register.key for register in catalogue.importable()],
                      help="which register")
    load.add_argument("file", metavar="FILE", help="FILE.xlsx, FILE.zip or FILE.csv")
    load.add_argument("--dry-run", action="store_true",
                      help="check the file and report, write nothing")
    load.add_argument("--encoding", type=str.lower, choices=IMPORT_ENCODINGS,
                      help="the encoding of a CSV file that is not UTF-8 (default: UTF-8 "
                           "only; a file that is not is refused, never guessed)")
    backup = command("backup", "write a verified backup of the database into the data "
                               "folder (taken automatically once a day too)")
    backup.add_argument("--list", action="store_true",
                        help="list the database's backups instead, newest first")
    backup.add_argument("--keep", metavar="DAYS,WEEKS,MONTHS",
                        help="from now on keep the newest automatic backup of that many "
                             "days, weeks and months (default 7,4,12), and apply it")
    restore = command("restore", "put a backup in place of the database (the current file "
                                 "is backed up first); close QMS Desk before")
    restore.add_argument("backup", metavar="BACKUP.db", help="a file 'backup --list' names")
    verify = command("verify", "check the database, the audit trail's hash chain and every "
                               "record against the trail; print the trail's anchor")
    verify.add_argument("--expect", type=_anchor, metavar="COUNT:HASH",
                        help="an anchor printed earlier (by verify, a report or an auditor "
                             "pack): fail unless the trail still extends it")
    command("server-setup", "on a PostgreSQL server, as the database's owner: create or "
                            "upgrade the tables, the group roles qmsdesk_viewer, _editor, "
                            "_approver and _admin and their rights; the audit trail only grows")
    copy = command("copy", "copy a whole QMS with its audit trail into a new or empty database "
                           "(a file to a server and back), verified on both sides")
    copy.add_argument("--from", dest="source", required=True, metavar="FILE|URL")
    copy.add_argument("--to", dest="destination", required=True, metavar="FILE|URL")
    cli_outreach.add_commands(command)
    return parser


def _anchor(text: str) -> Anchor:
    from qmsdesk.models.audit import Anchor

    try:
        return Anchor.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _require_new_file(args: argparse.Namespace, default: Path) -> None:
    """A new database: --db, or the default file in the data folder; never an existing one."""
    if args.database_url or os.environ.get("QMSDESK_DATABASE_URL"):
        return
    args.db = args.db or str(default)
    path = Path(args.db)
    if path.exists() and path.stat().st_size > 0:
        raise CommandError(f"{path} already exists; choose a new file name (nothing changed)")


def cmd_init(args: argparse.Namespace) -> int:
    _require_new_file(args, paths.default_database_path())
    db = _open(args, create=True)
    try:
        from qmsdesk.services.workspace import refuse_if_in_use

        refuse_if_in_use(db)  # a server database that is already in use (a file is new)
        if args.organisation:
            from qmsdesk.services.org_settings import load_settings, save_settings

            settings = load_settings(db)
            settings.organisation = args.organisation
            save_settings(db, settings)
        print(f"Created empty QMS Desk database: {db.display_name}")
    finally:
        db.close()
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from qmsdesk.services.progress import run_task

    _require_new_file(args, paths.demo_database_path())
    target = _target(args, require_existing=False)
    if isinstance(target, Path):
        from qmsdesk.services.workspace import create_demo_database

        # Built in a temporary file and moved into place: a failure leaves nothing behind.
        run_task(create_demo_database(target, clock.today()))
        print(f"Created demo database: {target}")
        return EXIT_OK
    from qmsdesk.services.demo.builder import create_demo

    db = _open(args, create=True)
    try:
        run_task(create_demo(db, clock.today()))
        print(f"Created demo database: {db.display_name}")
    finally:
        db.close()
    return EXIT_OK


def _request(args: argparse.Namespace):  # noqa: ANN202 - lazy import
    from qmsdesk.reports.issue import ReportRequest
    from qmsdesk.services.user_settings import prepared_by

    return ReportRequest(clock.today(), prepared_by(), args.period_from, args.period_to)


def cmd_report(args: argparse.Namespace) -> int:
    from qmsdesk.reports.issue import generate_report
    from qmsdesk.services.progress import run_task

    kind = REPORT_KINDS[args.kind]
    if kind.periodic and (args.period_from is None or args.period_to is None):
        raise CommandError(f"report {kind.key} needs --from DATE and --to DATE")
    if not kind.periodic and (args.period_from or args.period_to):
        raise CommandError(f"report {kind.key} is a snapshot as of today; "
                           "--from/--to apply to management-review only")
    out = _output(args.out)
    db = _open(args, reads_only=True)
    try:
        issued = run_task(generate_report(db, kind.key, out, _request(args)))
    finally:
        db.close()
    state = "new revision" if issued.new_revision else "content unchanged"
    print(f"Report written: {issued.path} (revision {issued.revision}, {state}, "
          f"{issued.pages} pages, sha256 {issued.issue.sha256})")
    if issued.log is None:
        print("Not logged: the database is read-only, so the report log could not record "
              "this issue.")
    return EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    from qmsdesk.services import approvals
    from qmsdesk.services.errors import ValidationError
    from qmsdesk.services.user_settings import USER_NAME, USER_ROLE, get

    db = _open(args)
    try:
        revision = args.revision or approvals.latest_revision(db, args.kind)
        if reason := approvals.refusal(db, get(USER_NAME)):  # before asking for a password
            raise CommandError(reason)
        confirm_signature(db)
        approval = approvals.approve(db, args.kind, revision, get(USER_NAME), get(USER_ROLE),
                                     args.note, args.meaning)
    except ValidationError as refused:
        raise CommandError(" ".join(refused.errors.values())) from None
    finally:
        db.close()
    meant = f", \u201c{approval.meaning}\u201d" if approval.meaning else ""
    print(f"Approved: {REPORT_KINDS[args.kind].title} revision {approval.revision} by "
          f"{approval.who}{meant} ({approval.change_note}); issue the report again to print it")
    return EXIT_OK


def cmd_auditor_pack(args: argparse.Namespace) -> int:
    from qmsdesk.reports.auditor_pack import write_auditor_pack
    from qmsdesk.services.progress import run_task

    out = _output(args.out)
    db = _open(args, reads_only=True)
    try:
        pack = run_task(write_auditor_pack(db, out, _request(args)))
    finally:
        db.close()
    print(f"Auditor pack written: {pack.path} ({len(pack.files)} files; check with: "
          f"unzip -q {pack.path.name} && cd {pack.path.stem} && sha256sum -c manifest.sha256)")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from qmsdesk.services.exchange import export_register
    from qmsdesk.services.progress import run_task

    out = _output(args.out)
    db = _open(args, reads_only=True)
    try:
        written = run_task(export_register(db, args.register, out))
    finally:
        db.close()
    print(f"Exported {args.register}: {written}")
    return EXIT_OK


def cmd_calendar(args: argparse.Namespace) -> int:
    from qmsdesk.services.calendar import export_calendar

    out = _output(args.out)
    db = _open(args, reads_only=True)
    try:
        written = export_calendar(db, out, clock.today(), args.owner, alarm_days=args.alarm)
    finally:
        db.close()
    whose = f" of {args.owner}" if args.owner else ""
    print(f"Calendar written: {written.path} ({written.events} due items{whose}, "
          f"{written.overdue} overdue; import it into your calendar app, again to update)")
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    from qmsdesk.services.exchange import write_template

    written = write_template(args.register, _output(args.out))
    print(f"Template written: {written}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from qmsdesk.services.exchange import EncodingError, ImportRefused, importable, run_import
    from qmsdesk.services.progress import run_task

    if not importable(args.register):
        raise CommandError(f"{args.register} cannot be imported yet (export works)")
    path = Path(args.file)
    if not path.is_file():
        raise CommandError(f"{path} does not exist")
    db = _open(args)
    try:
        if not args.dry_run:  # the day's backup before the biggest write there is
            from qmsdesk.services.backups import automatic_backup

            automatic_backup(db)
        result = run_task(run_import(db, args.register, path, clock.today(),
                                     dry_run=args.dry_run, encoding=args.encoding))
    except ImportRefused as exc:
        print(exc.report(), file=sys.stderr)  # the first problems, and how many more
        return EXIT_FAILED
    except EncodingError as exc:
        hint = f" With this command: --encoding {IMPORT_ENCODINGS[1]}." if exc.choosable else ""
        raise CommandError(f"{exc}{hint}") from exc
    finally:
        db.close()
    print(result.summary())
    for item in result.ignored:
        print(f"  not imported: {item}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from qmsdesk.services.integrity import verify_database

    db = _open(args, reads_only=True)
    try:
        report = verify_database(db, args.expect)
    finally:
        db.close()
    if report.ok:
        print(report.summary())
        return EXIT_OK
    print(f"qmsdesk: verify failed: {report.summary()}", file=sys.stderr)
    for problem in report.problems[1:]:
        print(f"  also: {problem}", file=sys.stderr)
    if report.more:
        print(f"  and {report.more} more", file=sys.stderr)
    return EXIT_FAILED


def cmd_backup(args: argparse.Namespace) -> int:
    from qmsdesk.services import backups

    db = _open(args, reads_only=True)
    try:
        if db.path is None:
            raise CommandError("back up a server database with the server's own tools "
                               "(for PostgreSQL: pg_dump)")
        if args.keep:
            days, weeks, months = backups.set_keep(args.keep)
            removed = backups.rotate(db.path)
            print(f"Keeping the newest automatic backup of {days} days, {weeks} weeks and "
                  f"{months} months; {len(removed)} older ones removed.")
            return EXIT_OK
        if args.list:
            found = backups.list_backups(db.path)
            print(f"Backups of {db.display_name} in {backups.backup_folder(db.path)}:"
                  if found else f"No backups of {db.display_name} yet.")
            for item in found:
                print("  " + backups.describe(item))
            return EXIT_OK
        taken = backups.backup_now(db)
    finally:
        db.close()
    print(f"Backup written and verified: {taken.path}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from qmsdesk.services import backups

    target = _target(args)
    if not isinstance(target, Path):
        raise CommandError("restore puts a backup file in place of a database file; restore "
                           "a server database with the server's own tools (pg_restore)")
    source = Path(args.backup)
    if not source.is_absolute() and not source.exists():
        source = backups.backup_folder(target) / source
    safety = backups.restore(target, source)
    print(f"Restored {target} from {source.name}; the file as it was is kept as "
          f"{safety.path}")
    return EXIT_OK


def cmd_server_setup(args: argparse.Namespace) -> int:
    from qmsdesk.models.roles import set_up_server

    if not (args.database_url or os.environ.get("QMSDESK_DATABASE_URL")):
        raise CommandError("server-setup needs --database-url postgresql+psycopg://OWNER@HOST"
                           "/DATABASE (the login that owns the database)")
    db = _open(args, create=True)
    try:
        done = set_up_server(db)
    finally:
        db.close()
    print(f"Set up {db.display_name} for a team:")
    for step in done:
        print(f"  {step}")
    print("Add each person's login to one role, e.g. GRANT qmsdesk_editor TO anna;")
    return EXIT_OK


def cmd_copy(args: argparse.Namespace) -> int:
    from qmsdesk.services.progress import run_task
    from qmsdesk.services.transfer import copy_database

    print(run_task(copy_database(args.source, args.destination)).summary())
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from qmsdesk.ui.app import run_gui

    target: str | Path | None = None
    if args.demo:
        target = paths.demo_database_path()
    elif args.database_url or os.environ.get("QMSDESK_DATABASE_URL") or args.db:
        target = _target(args, require_existing=False)
    return run_gui(target, demo=args.demo)


COMMANDS = {"gui": cmd_gui, "init": cmd_init, "demo": cmd_demo, "report": cmd_report,
            "approve": cmd_approve,
            "auditor-pack": cmd_auditor_pack, "export": cmd_export, "template": cmd_template,
            "import": cmd_import, "verify": cmd_verify, "backup": cmd_backup,
            "restore": cmd_restore, "calendar": cmd_calendar, "server-setup": cmd_server_setup,
            "copy": cmd_copy, **cli_outreach.COMMANDS}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    with contextlib.suppress(OSError):  # a cache that cannot be written: commands still work
        paths.clean_stale_temp()
    try:
        return COMMANDS[args.command or "gui"](args)
    except UserFacingError as exc:
        print(f"qmsdesk: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"qmsdesk: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
              file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("qmsdesk: interrupted", file=sys.stderr)
        return 130
