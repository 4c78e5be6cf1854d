"""The supplier and customer loop on the command line: supplier packs, questionnaire
answers, satisfaction surveys and their returns (see qmsdesk.cli for the other commands)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from qmsdesk import clock
from qmsdesk.cli_support import EXIT_OK, CommandError, input_file, open_db, output
from qmsdesk.services.parties.rules import CATEGORIES

Command = Callable[[str, str], argparse.ArgumentParser]


def add_commands(command: Command) -> None:
    """Add this module's sub-commands through the parser's ``command(name, help)``."""
    pack = command("supplier-pack", "write a supplier's scorecard (PDF) and self-assessment "
                                    "questionnaire (xlsx) into a folder and print the e-mail "
                                    "draft (a mailto: link) that sends them")
    pack.add_argument("supplier", metavar="SUP-0001", help="the supplier's reference")
    pack.add_argument("--out", metavar="FOLDER", help="where to write the files (created; "
                      "default: 'supplier packs' in the reports folder)")
    answers = command("supplier-answers", "read a supplier's returned questionnaire and show "
                                          "it beside the record; with --accept record the "
                                          "answers, take over the changes and file it")
    answers.add_argument("file", metavar="FILE.xlsx", help="the returned workbook")
    answers.add_argument("--accept", metavar="all|none|KEY,…",
                         help="record the round: take over every change (all), none, or the "
                              "changes whose keys are listed (shown without --accept)")
    survey = command("survey", "write a satisfaction survey workbook for one interested party "
                               "or every active party of a category")
    whom = survey.add_mutually_exclusive_group(required=True)
    whom.add_argument("--party", metavar="IP-0001", help="the party's reference")
    whom.add_argument("--category", choices=CATEGORIES, help="every active party of it")
    survey.add_argument("--out", required=True, metavar="FILE.xlsx", help="output workbook")
    returns = command("survey-import", "add a returned survey's scores to the engagement log "
                                       "(every answered line or none) and file it as evidence")
    returns.add_argument("file", metavar="FILE.xlsx", help="the returned workbook")


def _folder(text: str | None) -> Path | None:
    if text is None:
        return None
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"{folder} is a file; name a folder for the pack")
    if not folder.parent.exists():
        raise CommandError(f"folder {folder.parent} does not exist")
    return folder


def cmd_supplier_pack(args: argparse.Namespace) -> int:
    from qmsdesk.reports.supplier_pack import find_supplier, write_supplier_pack
    from qmsdesk.services.progress import run_task
    from qmsdesk.services.user_settings import prepared_by

    folder = _folder(args.out)
    today = clock.today()
    db = open_db(args)
    try:
        row = find_supplier(db, args.supplier, today)
        pack = run_task(write_supplier_pack(db, row.id, folder, today, prepared_by()))
    finally:
        db.close()
    print(f"Supplier pack of {pack.ref} {pack.name} (questionnaire round {pack.round}) "
          f"written to {pack.folder}:")
    for path in (pack.scorecard, pack.questionnaire):
        print(f"  {path.name}")
    if not pack.email:
        print(f"No e-mail address is recorded for {pack.ref}: the draft below has no "
              "recipient.")
    print("E-mail draft (open it in your mail client and attach the files):")
    print(pack.mailto)
    return EXIT_OK


def _chosen(option: str, keys: list[str]) -> set[str]:
    if option.strip().lower() == "all":
        return set(keys)
    if option.strip().lower() == "none":
        return set()
    chosen = {key.strip() for key in option.split(",") if key.strip()}
    unknown = sorted(chosen - set(keys))
    if unknown:
        raise CommandError(f"--accept {unknown[0]}: no such change in this return (the "
                           f"changes are: {', '.join(keys) or 'none'})")
    return chosen


def cmd_supplier_answers(args: argparse.Namespace) -> int:
    from qmsdesk.services.outreach.answers import accept_answers, read_answers

    path = input_file(args.file)
    db = open_db(args)
    try:
        returned = read_answers(db, path)
        keys = [change.key for change in returned.changes]
        if args.accept is not None:
            done = accept_answers(db, path, returned, _chosen(args.accept, keys), clock.today())
            print(done.summary())
            return EXIT_OK
    finally:
        db.close()
    print(f"{returned.file_name}: {returned.supplier_ref} {returned.supplier_name}, "
          f"questionnaire round {returned.round_number} of {returned.issued_on.isoformat()}; "
          f"{returned.answered} of {len(returned.answers)} questions answered.")
    for number, (question, answer, comment) in enumerate(returned.answers, start=1):
        note = f" ({comment})" if comment else ""
        print(f"  {number}. {answer or '-'}{note}: {question}")
    if returned.changes:
        print("Changes to the record (KEY: as held -> as returned):")
    for change in returned.changes:
        print(f"  {change.key}: {change.held or '-'} -> {change.returned or '-'}")
    print("Nothing written yet: run again with --accept all, --accept none or --accept "
          "KEY,KEY to record the round and file the workbook as evidence.")
    return EXIT_OK


def cmd_survey(args: argparse.Namespace) -> int:
    from qmsdesk.services.outreach.survey import survey_parties, write_survey

    out = output(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"{out.name}: a survey is an Excel workbook; name it FILE.xlsx")
    today = clock.today()
    db = open_db(args, reads_only=True)
    try:
        parties = survey_parties(db, today, args.party or "", args.category or "")
        written = write_survey(db, out, parties, today)
    finally:
        db.close()
    print(f"Survey written: {written.path} (asks {len(written.parties)} "
          f"{'party' if len(written.parties) == 1 else 'parties'}: "
          f"{', '.join(written.parties)}); import the return with: qmsdesk survey-import FILE")
    return EXIT_OK


def cmd_survey_import(args: argparse.Namespace) -> int:
    from qmsdesk.services.outreach.survey import import_survey

    path = input_file(args.file)
    db = open_db(args)
    try:
        result = import_survey(db, path, clock.today())
    finally:
        db.close()
    print(result.summary())
    for answer in result.returned.answers:
        score = f"{answer.overall}/5" if answer.overall is not None else "no score"
        print(f"  {answer.ref} {answer.name}: {score}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "supplier-pack": cmd_supplier_pack, "supplier-answers": cmd_supplier_answers,
    "survey": cmd_survey,
    "survey-import": cmd_survey_import}
