"""The supplier questionnaire round trip: written, filled in with openpyxl as a supplier
would, read back beside the record, accepted in one transaction."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from qmsdesk.models.audit import AuditEntry
from qmsdesk.services import evidence
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.outreach import answers, questionnaire, questions, rounds
from qmsdesk.services.outreach.workbooks import MARK_SHEET, ReturnRefused
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import CertificateRecord
from tests.factories import make_supplier

ISO_UNTIL = date(2027, 3, 31)


@pytest.fixture
def supplier(db, today):
    record = make_supplier(today, "Tyne Heat Treatment Ltd", contact_person="Ann Lee",
                           email="ann@tyne.example", phone="+44 191 000 0000")
    record.certificates = [CertificateRecord("ISO 9001", "Q-1", "BSI", ISO_UNTIL)]
    return suppliers.save_supplier(db, record, today)


def _send(db, supplier, today, tmp_path: Path) -> Path:
    asked = questions.load_questions(db, questions.SUPPLIER)
    sent = rounds.open_round(db, supplier.id, today, today + timedelta(days=30), asked)
    return questionnaire.write_questionnaire(
        tmp_path / questionnaire.file_name(supplier, today), load_settings(db).organisation,
        supplier, asked, sent)


def _fill(path: Path, name: str = "returned.xlsx", answer: str = "Yes") -> Path:
    """Answer as a supplier does in Excel: new e-mail, a renewed ISO 9001, a new IATF
    certificate in a spare row, the first questions answered."""
    workbook = load_workbook(path)
    sheet = workbook["Questionnaire"]
    rows = {sheet.cell(r, 1).value: r for r in range(1, 60) if sheet.cell(r, 1).value}
    sheet.cell(rows["E-mail"], 2, "quality@tyne.example")
    iso = rows["ISO 9001"]
    sheet.cell(iso, 4, date(2029, 3, 31))
    sheet.cell(iso + 1, 1, "IATF 16949")
    sheet.cell(iso + 1, 2, "IATF-77")
    sheet.cell(iso + 1, 4, date(2028, 6, 30))
    first = rows[1]
    sheet.cell(first, 3, answer)
    sheet.cell(first, 4, "Certificate attached")
    sheet.cell(first + 1, 3, "no")  # any case is read
    out = path.with_name(name)
    workbook.save(out)
    return out


def test_round_trip_shows_changes_and_accepts_the_chosen_ones(db, today, tmp_path, supplier):
    returned = answers.read_answers(db, _fill(_send(db, supplier, today, tmp_path)))
    assert (returned.supplier_ref, returned.round_number) == (supplier.ref, 1)
    assert [(c.label, c.held, c.returned) for c in returned.changes] == [
        ("E-mail", "ann@tyne.example", "quality@tyne.example"),
        ("Certificate ISO 9001", "Q-1 · BSI · valid until 2027-03-31",
         "Q-1 · BSI · valid until 2029-03-31"),
        ("Certificate IATF 16949", "not recorded", "IATF-77 · valid until 2028-06-30")]
    assert returned.answers[0][1:] == ("Yes", "Certificate attached")
    assert returned.answers[1][1] == "No" and returned.answered == 2

    keys = {"email", "certificate:iatf 16949"}  # the ISO 9001 date is not taken over
    done = answers.accept_answers(db, tmp_path / "returned.xlsx", returned, keys, today)
    assert done.summary() == (
        f"Round 1 of {supplier.ref} recorded (2 of {len(returned.answers)} questions answered; "
        "E-mail, Certificate IATF 16949); returned.xlsx filed as evidence.")
    after = suppliers.get_supplier(db, supplier.id)
    assert after.email == "quality@tyne.example" and after.contact_person == "Ann Lee"
    assert [(c.standard, c.valid_until) for c in after.certificates] == [
        ("ISO 9001", ISO_UNTIL), ("IATF 16949", date(2028, 6, 30))]
    assert after.status == supplier.status and len(after.history) == len(supplier.history)
    kept = rounds.list_rounds(db, supplier.id)[0]
    assert (kept.number, kept.returned_on) == (1, today)
    assert kept.answers[0] == (returned.answers[0][0], "Yes", "Certificate attached")
    assert "E-mail: ann@tyne.example -> quality@tyne.example" in kept.accepted
    files = evidence.list_evidence(db, "supplier", supplier.id)
    assert [(f.file_name, f.sha256) for f in files] == [("returned.xlsx", returned.sha256)]
    with db.read() as session:
        trail = set(session.execute(select(AuditEntry.entity, AuditEntry.field)
                                    .where(AuditEntry.ref.like(f"{supplier.ref}%"))).all())
    assert ("supplier", "email") in trail and ("questionnaire answer", "answer") in trail
    with pytest.raises(ReturnRefused, match="was imported on 2026-11-21 already"):
        answers.read_answers(db, tmp_path / "returned.xlsx")


def test_accepting_nothing_records_the_answers_and_files_the_workbook(db, today, tmp_path,
                                                                       supplier):
    path = _fill(_send(db, supplier, today, tmp_path))
    answers.accept_answers(db, path, answers.read_answers(db, path), set(), today)
    assert suppliers.get_supplier(db, supplier.id).version == supplier.version
    assert rounds.list_rounds(db, supplier.id)[0].returned_on == today
    assert len(evidence.list_evidence(db, "supplier", supplier.id)) == 1


def test_a_change_the_supplier_rules_refuse_writes_nothing(db, today, tmp_path, supplier):
    path = _send(db, supplier, today, tmp_path)
    workbook = load_workbook(path)
    workbook["Questionnaire"].cell(7, 2, "not an address")  # the e-mail row
    workbook.save(path)
    returned = answers.read_answers(db, path)
    with pytest.raises(ReturnRefused, match=r"cannot take over these changes: 'not an address' "
                                            r"is not an email address"):
        answers.accept_answers(db, path, returned, {"email"}, today)
    assert rounds.list_rounds(db, supplier.id)[0].returned_on is None
    assert evidence.list_evidence(db, "supplier", supplier.id) == []


@pytest.mark.parametrize("damage, message", [
    ("answer", r"^Cell C\d+ of 'returned.xlsx': 'Maybe' is not one of Yes, Partly, No, Not "
               r"applicable\. Nothing was imported\.$"),
    ("token", r"^'returned.xlsx' was not sent from this database \(its questionnaire round is "
              r"unknown here\); nothing was imported\.$"),
    ("kind", r"^'returned.xlsx' is not a supplier questionnaire sent from QMS Desk; nothing "
             r"was imported\.$"),
])
def test_bad_or_foreign_workbooks_are_refused(db, today, tmp_path, supplier, damage, message):
    path = _fill(_send(db, supplier, today, tmp_path), answer="Maybe" if damage == "answer"
                 else "Yes")
    if damage != "answer":
        workbook = load_workbook(path)
        marks = workbook[MARK_SHEET]
        for row in marks.iter_rows():
            if row[0].value == damage:
                row[1].value = "0" * 32 if damage == "token" else "something else"
        workbook.save(path)
    with pytest.raises(ReturnRefused, match=message):
        answers.read_answers(db, path)
    assert rounds.list_rounds(db, supplier.id)[0].returned_on is None
