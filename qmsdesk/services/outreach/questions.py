"""The questions the supplier questionnaire and the satisfaction survey ask (Settings)."""

from __future__ import annotations

import json

from qmsdesk.models.db import Database
from qmsdesk.services import db_settings
from qmsdesk.services.errors import ValidationError

# ISO 9001 8.4 asks what an external provider's own system assures: these are the
# self-assessment questions most customers send their suppliers.
DEFAULT_SUPPLIER_QUESTIONS = (
    "Do you operate a quality management system certified to ISO 9001 (or IATF 16949, "
    "ISO 13485, AS9100)?",
    "Has your certification body raised any major nonconformity in the last 12 months?",
    "Are your processes for our parts documented (control plan, work instructions)?",
    "Do you inspect incoming materials and keep records of the results?",
    "Are measuring instruments calibrated against traceable standards?",
    "Do you keep nonconforming product apart and tell us before shipping any of it?",
    "Do you analyse root causes and act on customer complaints (8D or similar)?",
    "Do you tell us in advance of changes to process, site, material or sub-suppliers?",
    "Do you control and evaluate your own suppliers?",
    "Are the people who work on our products trained and their competence recorded?",
    "Do you hold a business continuity plan for your key processes?",
    "Do you measure your on-time delivery and act when it falls?",
)
DEFAULT_SURVEY_QUESTIONS = (
    "Quality of our products and services",
    "On-time delivery",
    "Responsiveness to enquiries and complaints",
    "Communication and information",
    "Value for money",
)
QUESTION_LIMIT = 500
MAX_QUESTIONS = 60
SUPPLIER, SURVEY = "supplier", "survey"
_KEYS = {SUPPLIER: db_settings.SUPPLIER_QUESTIONS, SURVEY: db_settings.SURVEY_QUESTIONS}
_DEFAULTS = {SUPPLIER: DEFAULT_SUPPLIER_QUESTIONS, SURVEY: DEFAULT_SURVEY_QUESTIONS}
_NAMES = {SUPPLIER: "questionnaire", SURVEY: "survey"}


def tidy(questions: list[str]) -> list[str]:
    """One question per entry: spaces collapsed, blank entries dropped."""
    return [text for text in (" ".join(q.split()) for q in questions) if text]


def validate(kind: str, questions: list[str]) -> dict[str, str]:
    """Field ``questions.<kind>`` -> message when the list cannot be sent."""
    key, name = f"questions.{kind}", _NAMES[kind]
    tidied = tidy(questions)
    if not tidied:
        return {key: f"The {name} needs at least one question."}
    if len(tidied) > MAX_QUESTIONS:
        return {key: f"The {name} has {len(tidied)} questions; at most {MAX_QUESTIONS}."}
    for number, text in enumerate(tidied, start=1):
        if len(text) > QUESTION_LIMIT:
            return {key: f"Question {number} of the {name} is too long ({len(text)} "
                         f"characters; at most {QUESTION_LIMIT})."}
    lowered = [text.casefold() for text in tidied]
    twice = next((lowered.index(low) for index, low in enumerate(lowered)
                  if lowered.index(low) != index), None)
    if twice is not None:
        return {key: f"The {name} asks '{tidied[twice][:60]}' twice."}
    return {}


def load_questions(db: Database, kind: str) -> list[str]:
    """The organisation's questions, or the defaults until it has set its own."""
    with db.read() as session:
        text = db_settings.read(session, _KEYS[kind])
    try:
        stored = json.loads(text) if text else None
    except ValueError:
        stored = None  # a damaged value asks the defaults rather than failing every pack
    if isinstance(stored, list) and stored and all(isinstance(q, str) for q in stored):
        return stored
    return list(_DEFAULTS[kind])


def save_questions(db: Database, questions: dict[str, list[str]]) -> None:
    """Check every list, then store them in one transaction (on the audit trail)."""
    errors: dict[str, str] = {}
    for kind, listed in questions.items():
        errors |= validate(kind, listed)
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        db_settings.write(session, {_KEYS[kind]: json.dumps(tidy(listed), ensure_ascii=False)
                                    for kind, listed in questions.items()})
