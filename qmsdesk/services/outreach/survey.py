"""Satisfaction surveys of interested parties (ISO 9001 9.1.2, 4.2): the workbook sent to
one party or a whole category, and its return, whose scores become engagement-log entries
(kind "survey", with their satisfaction score) that the management review's satisfaction
trend reads. A return is imported whole or not at all, and filed as evidence on each party.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.evidence import Evidence
from qmsdesk.services import evidence
from qmsdesk.services.batch import finish
from qmsdesk.services.errors import BatchValidationError, NotFoundError, ServiceError
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.outreach import questions
from qmsdesk.services.outreach.workbooks import (
    Form,
    FormWriter,
    ReturnRefused,
    column_letter,
    read_form,
)
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.records import EngagementRecord, PartyRecord, PartyRow
from qmsdesk.services.parties.service import get_party, list_parties, save_parties
from qmsdesk.services.validation import NOTE_LIMIT

KIND = "satisfaction survey"
SHEET = "Survey"
RETURN_DAYS = 30
FIXED = 2  # Ref and Name come before the questions
LOW, HIGH = 1, 5


@dataclass(frozen=True)
class SurveyWritten:
    path: Path
    parties: tuple[str, ...]  # the references asked


@dataclass(frozen=True)
class SurveyAnswer:
    """One party's returned line."""

    party_id: int
    ref: str
    name: str
    scores: tuple[int | None, ...]  # per question, as returned
    overall: int | None  # the satisfaction the entry records (given, or the mean)
    comment: str
    answered_on: date
    summary: str  # the engagement-log entry's text


@dataclass(frozen=True)
class SurveyReturn:
    file_name: str
    issued_on: date
    questions: tuple[str, ...]
    answers: tuple[SurveyAnswer, ...]
    unanswered: tuple[str, ...]  # references of the lines left empty


def survey_parties(db: Database, today: date, party_ref: str = "",
                   category: str = "") -> list[PartyRow]:
    """The active parties a survey asks: one by reference, or every one of a category."""
    active = list_parties(db, today)
    if party_ref:
        wanted = party_ref.strip().upper()
        found = [row for row in active if row.ref == wanted]
        if not found:
            raise NotFoundError(f"{party_ref} is not an active interested party.")
        return found
    if category not in rules.CATEGORIES:
        raise ServiceError(f"'{category}' is not a category; choose one of "
                           f"{', '.join(rules.CATEGORIES)}.")
    found = [row for row in active if row.category == category]
    if not found:
        raise ServiceError(f"No active interested party is of category {category}; no "
                           "survey was written.")
    return found


def file_name(party_ref: str, category: str, today: date) -> str:
    """The survey's file name: by the party's reference, or by its category."""
    who = party_ref.strip().upper() or category.replace("/", "-")
    return f"satisfaction-survey-{who}-{today.isoformat()}.xlsx"


def write_survey(db: Database, path: Path, parties: Sequence[PartyRow],
                 today: date) -> SurveyWritten:
    """Write the survey workbook asking ``parties`` (one line each) the survey questions."""
    asked = questions.load_questions(db, questions.SURVEY)
    organisation = load_settings(db).organisation or "We"
    widths = (11, 32, *[16] * len(asked), 16, 44, 16)
    form = FormWriter(SHEET, widths)
    form.text("Satisfaction survey", size=15, bold=True)
    form.text(f"{organisation} would like to know how satisfied you are · issued "
              f"{today.isoformat()} · please return by "
              f"{(today + timedelta(days=RETURN_DAYS)).isoformat()}")
    form.text(f"Score each aspect from {LOW} (very dissatisfied) to {HIGH} (very satisfied) in "
              "the yellow cells; leave an aspect empty when it does not apply.", italic=True)
    form.skip()
    first_score = FIXED + 1
    overall = first_score + len(asked)
    form.header(("Ref", "Name", *asked, "Overall satisfaction (1-5)", "Comments",
                 "Answered on (yyyy-mm-dd)"), wrap=True)
    first_row = form.row + 1
    answers = tuple(range(first_score, overall + 3))
    for row in parties:
        form.line((row.ref, row.name), answers=answers, kinds={overall + 2: "date"})
    last = form.row
    form.validate(f"{column_letter(first_score)}{first_row}:{column_letter(overall)}{last}",
                  "whole", f"A score from {LOW} to {HIGH}",
                  f"Enter a whole number from {LOW} to {HIGH}.", low=LOW, high=HIGH)
    date_column = column_letter(overall + 2)
    form.validate(f"{date_column}{first_row}:{date_column}{last}", "date",
                  "The day you answered", "Enter a date, e.g. 2027-01-15.")
    form.save(path, {"kind": KIND, "token": uuid.uuid4().hex, "issued_on": today.isoformat(),
                     "first_row": str(first_row), "questions": str(len(asked)),
                     "parties": ",".join(row.ref for row in parties)})
    return SurveyWritten(Path(path), tuple(row.ref for row in parties))


def _score(form: Form, row: int, column: int) -> int | None:
    value = form.value(row, column, "int")
    if value is not None and not LOW <= value <= HIGH:
        raise ReturnRefused(f"Cell {column_letter(column)}{row} of '{form.file_name}': "
                            f"{value} is not a score from {LOW} to {HIGH}. Nothing was "
                            "imported.")
    return int(value) if value is not None else None


def _summary(issued_on: date, asked: Sequence[str], scores: Sequence[int | None],
             overall: int | None, comment: str) -> str:
    parts = [f"{question}: {score}" for question, score in zip(asked, scores, strict=True)
             if score is not None]
    text = f"Satisfaction survey of {issued_on.isoformat()}"
    text += f": overall {overall}/5" if overall is not None else ": no overall score"
    text += f" ({'; '.join(parts)})" if parts else ""
    text += f". Comments: {comment}" if comment else "."
    return text if len(text) <= NOTE_LIMIT else text[:NOTE_LIMIT - 1] + "…"


def read_survey(db: Database, path: Path, today: date) -> SurveyReturn:
    """Read a returned survey and check every line; ReturnRefused says what is wrong."""
    form = read_form(path, KIND, "a satisfaction survey", SHEET)
    first_row, count = form.number("first_row"), form.number("questions")
    refs = [ref for ref in form.mark.get("parties", "").split(",") if ref]
    if not refs:
        raise form.damaged()
    asked = tuple(str(form.raw(first_row - 1, FIXED + 1 + i) or "") for i in range(count))
    overall_column = FIXED + 1 + count
    active = {row.ref: row for row in list_parties(db, today)}
    answers: list[SurveyAnswer] = []
    unanswered: list[str] = []
    for offset, ref in enumerate(refs):
        row = first_row + offset
        if form.value(row, 1, "code") != ref:
            raise form.damaged()
        scores = tuple(_score(form, row, FIXED + 1 + i) for i in range(count))
        given = _score(form, row, overall_column)
        comment = form.value(row, overall_column + 1, "text") or ""
        answered_on = form.value(row, overall_column + 2, "date") or today
        if given is None and comment == "" and all(s is None for s in scores):
            unanswered.append(ref)
            continue
        party = active.get(ref)
        if party is None:
            raise ReturnRefused(f"{ref} in '{form.file_name}' is no longer an active "
                                "interested party; nothing was imported.")
        marked = [s for s in scores if s is not None]
        overall = given if given is not None else (
            int(sum(marked) / len(marked) + 0.5) if marked else None)
        answers.append(SurveyAnswer(party.id, ref, party.name, scores, overall, comment,
                                    answered_on, _summary(form.issued_on, asked, scores,
                                                          overall, comment)))
    if not answers:
        raise ReturnRefused(f"'{form.file_name}' holds no answers yet; nothing was imported.")
    return SurveyReturn(form.file_name, form.issued_on, asked, tuple(answers),
                        tuple(unanswered))


@dataclass(frozen=True)
class SurveyImported:
    returned: SurveyReturn
    entries: int

    def summary(self) -> str:
        scored = [a.overall for a in self.returned.answers if a.overall is not None]
        average = f"; average {sum(scored) / len(scored):.1f}/5" if scored else ""
        left = (f"; {len(self.returned.unanswered)} left unanswered"
                if self.returned.unanswered else "")
        return (f"Imported {self.entries} survey answers from {self.returned.file_name} into "
                f"the engagement log{average}{left}.")


def import_survey(db: Database, path: Path, today: date) -> SurveyImported:
    """Add each answered line to its party's engagement log (kind survey, its score) and
    file the workbook as evidence on each party: all in one transaction, or nothing."""
    path = Path(path)
    returned = read_survey(db, path, today)
    data = evidence.read_file(db, path)
    digest = hashlib.sha256(data).hexdigest()
    records: list[PartyRecord] = []
    for answer in returned.answers:
        record = get_party(db, answer.party_id)
        record.engagements = [*record.engagements, EngagementRecord(
            answer.answered_on, "survey", answer.summary, answer.overall)]
        records.append(record)
    with db.session() as session:
        before = session.scalar(select(Evidence.attached_at).where(
            Evidence.sha256 == digest, Evidence.record_entity == "party",
            Evidence.record_id.in_([a.party_id for a in returned.answers])).limit(1))
        if before is not None:
            raise ReturnRefused(f"'{path.name}' was imported on {before.date().isoformat()} "
                                "already; nothing was imported.")
        try:
            finish(save_parties(session, records, today))
        except BatchValidationError as exc:
            index, errors = next(iter(exc.by_record.items()))
            raise ReturnRefused(f"{records[index].ref}: {next(iter(errors.values()))} "
                                "Nothing was imported.") from None
        for answer in returned.answers:
            evidence.attach_in(session, "party", answer.party_id, path.name, data,
                               f"Satisfaction survey of {returned.issued_on.isoformat()}, "
                               "as returned", db.user)
    return SurveyImported(returned, len(returned.answers))
