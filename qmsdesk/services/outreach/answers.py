"""A supplier's returned questionnaire: read and matched to its supplier and round by the
hidden mark, compared with the supplier record, and accepted in one transaction: the
changes the user takes over (through the supplier register's own save), the answers kept
with the round, and the workbook filed as evidence on the supplier."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from qmsdesk.models.db import Database
from qmsdesk.models.questionnaires import QuestionnaireAnswer
from qmsdesk.services import evidence
from qmsdesk.services.batch import finish
from qmsdesk.services.errors import BatchValidationError, ConflictError
from qmsdesk.services.outreach import questionnaire
from qmsdesk.services.outreach.rounds import round_by_token
from qmsdesk.services.outreach.workbooks import Form, ReturnRefused, column_letter, read_form
from qmsdesk.services.records import conflict_guard
from qmsdesk.services.suppliers.records import CertificateRecord, SupplierRecord
from qmsdesk.services.suppliers.service import get_supplier, save_suppliers

CERTIFICATE = "certificate:"  # + the standard, casefolded: a change's key


@dataclass(frozen=True)
class Change:
    """A value the supplier returned that differs from the record: ``key`` names it."""

    key: str
    label: str
    held: str
    returned: str


@dataclass(frozen=True)
class QuestionnaireReturn:
    file_name: str
    sha256: str
    supplier_id: int
    supplier_ref: str
    supplier_name: str
    supplier_version: int
    round_number: int
    token: str
    issued_on: date
    contacts: dict[str, str]
    certificates: tuple[CertificateRecord, ...]
    answers: tuple[tuple[str, str, str], ...]  # (question, answer, comment), as asked
    changes: tuple[Change, ...] = field(default=())

    @property
    def answered(self) -> int:
        return sum(1 for _q, answer, _c in self.answers if answer)


def _certificate_text(cert: CertificateRecord) -> str:
    until = f"valid until {cert.valid_until.isoformat()}" if cert.valid_until else "no date"
    return " · ".join(part for part in (cert.number, cert.issuer, until) if part)


def _changes(record: SupplierRecord, contacts: dict[str, str],
             certificates: tuple[CertificateRecord, ...]) -> tuple[Change, ...]:
    changes = [Change(name, label, getattr(record, name), contacts[name])
               for name, label in questionnaire.CONTACTS
               if contacts[name] != getattr(record, name)]
    held = {c.standard.casefold(): c for c in record.certificates}
    for cert in certificates:
        before = held.get(cert.standard.casefold())
        if before is None or (before.number, before.issuer, before.valid_until) != (
                cert.number, cert.issuer, cert.valid_until):
            changes.append(Change(CERTIFICATE + cert.standard.casefold(),
                                  f"Certificate {cert.standard}",
                                  _certificate_text(before) if before else "not recorded",
                                  _certificate_text(cert)))
    return tuple(changes)


def _certificates(form: Form) -> tuple[CertificateRecord, ...]:
    first, rows = form.number("cert_first"), form.number("cert_rows")
    found: list[CertificateRecord] = []
    for row in range(first, first + rows):
        standard, number, issuer = (form.value(row, c, "text") or "" for c in (1, 2, 3))
        until = form.value(row, 4, "date")
        if not (standard or number or issuer or until):
            continue
        if not standard.strip():
            raise ReturnRefused(f"Cell A{row} of '{form.file_name}': name the certificate's "
                                "standard (e.g. ISO 9001). Nothing was imported.")
        found.append(CertificateRecord(standard.strip(), number.strip(), issuer.strip(), until))
    return tuple(found)


def _answers(form: Form, asked: list[str]) -> tuple[tuple[str, str, str], ...]:
    first = form.number("question_first")
    if form.number("question_count") != len(asked):
        raise form.damaged()
    answers = []
    for offset, question in enumerate(asked):
        row = first + offset
        answer = (form.value(row, 3, "text") or "").strip()
        if answer and answer.casefold() not in {a.casefold() for a in questionnaire.ANSWERS}:
            raise ReturnRefused(
                f"Cell {column_letter(3)}{row} of '{form.file_name}': '{answer[:40]}' is not "
                f"one of {', '.join(questionnaire.ANSWERS)}. Nothing was imported.")
        answer = next((a for a in questionnaire.ANSWERS if a.casefold() == answer.casefold()),
                      "")
        answers.append((question, answer, (form.value(row, 4, "text") or "").strip()))
    return tuple(answers)


def read_answers(db: Database, path: Path) -> QuestionnaireReturn:
    """Read a returned questionnaire and compare it with the supplier record; writes
    nothing. ReturnRefused for a foreign, damaged, unknown or already imported workbook."""
    path = Path(path)
    form = read_form(path, questionnaire.KIND, "a supplier questionnaire", questionnaire.SHEET)
    with db.read() as session:
        found = round_by_token(session, form.mark.get("token", ""))
        if found is None:
            raise ReturnRefused(f"'{path.name}' was not sent from this database (its "
                                "questionnaire round is unknown here); nothing was imported.")
        if found.supplier_ref != form.mark.get("supplier"):
            raise form.damaged()
        if found.returned_on is not None:
            raise ReturnRefused(
                f"Round {found.number} of {found.supplier_ref} was imported on "
                f"{found.returned_on.isoformat()} already; send a new pack for new answers. "
                "Nothing was imported.")
        supplier_id, number = found.supplier_id, found.number
        asked = json.loads(found.questions)
    record = get_supplier(db, supplier_id)
    first = form.number("contact_first")
    contacts = {name: (form.value(first + i, 2, "text") or "").strip()
                for i, (name, _label) in enumerate(questionnaire.CONTACTS)}
    certificates = _certificates(form)
    answers = _answers(form, asked)
    digest = hashlib.sha256(evidence.read_file(db, path)).hexdigest()
    return QuestionnaireReturn(
        path.name, digest, supplier_id, record.ref, record.name, record.version, number,
        form.mark["token"], form.issued_on, contacts, certificates, answers,
        _changes(record, contacts, certificates))


def _apply(record: SupplierRecord, returned: QuestionnaireReturn,
           keys: Collection[str]) -> SupplierRecord:
    changed = replace(record, certificates=list(record.certificates))
    for name, _label in questionnaire.CONTACTS:
        if name in keys:
            setattr(changed, name, returned.contacts[name])
    for cert in returned.certificates:
        if CERTIFICATE + cert.standard.casefold() not in keys:
            continue
        held = next((c for c in changed.certificates
                     if c.standard.casefold() == cert.standard.casefold()), None)
        if held is None:
            changed.certificates.append(replace(cert))
        else:
            changed.certificates[changed.certificates.index(held)] = replace(cert, id=held.id)
    return changed


@dataclass(frozen=True)
class AnswersAccepted:
    returned: QuestionnaireReturn
    accepted: tuple[Change, ...]

    def summary(self) -> str:
        took = (", ".join(c.label for c in self.accepted) if self.accepted
                else "no changes to the record")
        return (f"Round {self.returned.round_number} of {self.returned.supplier_ref} recorded "
                f"({self.returned.answered} of {len(self.returned.answers)} questions "
                f"answered; {took}); {self.returned.file_name} filed as evidence.")


def accept_answers(db: Database, path: Path, returned: QuestionnaireReturn,
                   keys: Collection[str], today: date) -> AnswersAccepted:
    """Record the round's answers, take over the changes named by ``keys`` (Change.key)
    through the supplier register's save, and file the workbook as evidence on the
    supplier: one transaction, or nothing (ConflictError, ReturnRefused)."""
    path = Path(path)
    data = evidence.read_file(db, path)
    if hashlib.sha256(data).hexdigest() != returned.sha256:
        raise ReturnRefused(f"'{path.name}' changed since it was read; import it again. "
                            "Nothing was imported.")
    accepted = tuple(c for c in returned.changes if c.key in keys)
    record = get_supplier(db, returned.supplier_id)
    if record.version != returned.supplier_version:
        raise ConflictError(f"{record.ref} was changed elsewhere since the answers were read; "
                            "import them again. Nothing was imported.")
    with db.session() as session, conflict_guard(record.ref):
        round_ = round_by_token(session, returned.token)
        if round_ is None or round_.returned_on is not None:
            raise ReturnRefused(f"Round {returned.round_number} of {record.ref} was imported "
                                "meanwhile; nothing was imported.")
        if accepted:
            try:
                finish(save_suppliers(session, [_apply(record, returned, keys)], today,
                                      db.user))
            except BatchValidationError as exc:
                raise ReturnRefused(f"{record.ref} cannot take over these changes: "
                                    f"{next(iter(exc.errors.values()))} Nothing was "
                                    "recorded.") from None
        round_.returned_on, round_.imported_by = today, db.user
        round_.return_sha256 = returned.sha256
        round_.accepted = "; ".join(f"{c.label}: {c.held} -> {c.returned}" for c in accepted)
        round_.answers = [QuestionnaireAnswer(position=i, question=q, answer=a, comment=c)
                          for i, (q, a, c) in enumerate(returned.answers, start=1)]
        evidence.attach_in(session, "supplier", returned.supplier_id, path.name, data,
                           f"Questionnaire round {returned.round_number}, as returned",
                           db.user)
    return AnswersAccepted(returned, accepted)
