"""The supplier self-assessment questionnaire (ISO 9001 8.4): the workbook a supplier fills
in, with its contacts and certificates as we hold them and the organisation's questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qmsdesk.services.outreach.workbooks import FormWriter
from qmsdesk.services.suppliers.records import SupplierRecord

KIND = "supplier questionnaire"
SHEET = "Questionnaire"
ANSWERS = ("Yes", "Partly", "No", "Not applicable")
CONTACTS = (("contact_person", "Contact person"), ("email", "E-mail"), ("phone", "Phone"))
SPARE_CERTIFICATES = 3  # empty rows for certificates we do not know of yet
WIDTHS = (30, 62, 22, 44)


@dataclass(frozen=True)
class Round:
    """One questionnaire sent: its mark (token), number for the supplier and dates."""

    token: str
    number: int
    issued_on: date
    due_on: date


def file_name(supplier: SupplierRecord, issued_on: date) -> str:
    return f"{supplier.ref}-questionnaire-{issued_on.isoformat()}.xlsx"


def write_questionnaire(path: Path, organisation: str, supplier: SupplierRecord,
                        questions: list[str], round_: Round) -> Path:
    """Write the questionnaire workbook for ``supplier``; the hidden mark names the
    supplier, the round and where each answer is, so the return is read back exactly."""
    form = FormWriter(SHEET, WIDTHS)
    asks = organisation or "Your customer"
    form.text("Supplier self-assessment questionnaire", size=15, bold=True)
    form.text(f"{asks} asks {supplier.name} ({supplier.ref}) · round {round_.number} · "
              f"issued {round_.issued_on.isoformat()} · please return by "
              f"{round_.due_on.isoformat()}", size=10)
    form.text("Fill in the yellow cells only, save the workbook under any name and send it "
              "back as it is; empty answers are fine.", italic=True)
    form.skip()
    form.header(("Your details", "As we hold them: correct them where they changed", "", ""))
    contact_first = form.row + 1
    for _field, label in CONTACTS:
        form.line((label, getattr(supplier, _field)), answers=(2,))
    form.skip()
    form.header(("Certificate (standard)", "Certificate number", "Issued by",
                 "Valid until (yyyy-mm-dd)"))
    cert_first = form.row + 1
    rows = [(c.standard, c.number, c.issuer, c.valid_until) for c in supplier.certificates]
    rows += [("", "", "", None)] * SPARE_CERTIFICATES
    for values in rows:
        form.line(values, answers=(1, 2, 3, 4), kinds={4: "date"})
    form.validate(f"D{cert_first}:D{form.row}", "date", "The date the certificate expires",
                  "Enter a date, e.g. 2027-05-31.")
    form.skip()
    form.header(("No.", "Question", "Answer", "Comments, evidence"))
    question_first = form.row + 1
    for number, question in enumerate(questions, start=1):
        form.line((number, question), answers=(3, 4))
    form.validate(f"C{question_first}:C{form.row}", "list", "Choose an answer",
                  "Choose one of: " + ", ".join(ANSWERS) + ".", choices=ANSWERS)
    form.skip()
    form.text("Thank you. Attach certificates that changed to your reply.", italic=True)
    return form.save(path, {
        "kind": KIND, "token": round_.token, "supplier": supplier.ref,
        "round": str(round_.number), "issued_on": round_.issued_on.isoformat(),
        "contact_first": str(contact_first), "cert_first": str(cert_first),
        "cert_rows": str(len(rows)), "question_first": str(question_first),
        "question_count": str(len(questions))})
