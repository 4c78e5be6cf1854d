"""The questionnaire's and the survey's questions (Settings) and the e-mail draft link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.outreach import mail, questions


def test_defaults_until_the_organisation_sets_its_own(db):
    assert questions.load_questions(db, questions.SUPPLIER) == list(
        questions.DEFAULT_SUPPLIER_QUESTIONS)
    questions.save_questions(db, {questions.SUPPLIER: ["  Do you   hold ISO 9001? ", "",
                                                       "Do you audit your suppliers?"],
                                  questions.SURVEY: ["Quality"]})
    assert questions.load_questions(db, questions.SUPPLIER) == [
        "Do you hold ISO 9001?", "Do you audit your suppliers?"]
    assert questions.load_questions(db, questions.SURVEY) == ["Quality"]
    with db.read() as session:
        keys = set(session.scalars(select(AuditEntry.ref).where(AuditEntry.entity == "setting")))
    assert {"supplier.questionnaire", "party.survey"} <= keys


@pytest.mark.parametrize("listed, message", [
    (["", "  "], "The questionnaire needs at least one question."),
    (["Do you hold ISO 9001?", "do you hold iso 9001?"], "asks 'Do you hold ISO 9001?' twice"),
    (["x" * 501], "Question 1 of the questionnaire is too long (501 characters; at most 500)."),
    ([f"Question {n}?" for n in range(61)], "has 61 questions; at most 60"),
])
def test_a_list_that_cannot_be_sent_is_refused_and_nothing_saved(db, listed, message):
    with pytest.raises(ValidationError) as refused:
        questions.save_questions(db, {questions.SUPPLIER: listed,
                                      questions.SURVEY: ["Quality"]})
    assert message in refused.value.errors["questions.supplier"]
    assert questions.load_questions(db, questions.SURVEY) == list(
        questions.DEFAULT_SURVEY_QUESTIONS)  # all lists or none


def test_mailto_encodes_subject_and_body_with_crlf_breaks():
    url = mail.mailto(" anna@müller.example ", "Scorecard & questionnaire: 50 %",
                      "Dear Anna,\n\nSee the files.\n")
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and "?" in url and " " not in url
    query = parse_qs(parts.query)
    assert query["subject"] == ["Scorecard & questionnaire: 50 %"]
    assert query["body"] == ["Dear Anna,\r\n\r\nSee the files.\r\n"]


def test_a_long_body_is_shortened_for_mail_clients():
    url = mail.mailto("a@b.example", "S", "x" * 5000)
    body = parse_qs(urlsplit(url).query)["body"][0]
    assert len(body) == mail.BODY_LIMIT and body.endswith("…")
