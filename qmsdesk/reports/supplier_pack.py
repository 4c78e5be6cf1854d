"""A supplier pack: the supplier's scorecard PDF and its self-assessment questionnaire in one
folder, and the e-mail draft (a mailto: link) that sends them; the CLI and the GUI run it."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from qmsdesk import paths
from qmsdesk.models.db import Database
from qmsdesk.services.errors import NotFoundError
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.outreach import mail, questionnaire, questions, rounds
from qmsdesk.services.progress import Progress
from qmsdesk.services.suppliers.records import SupplierRow
from qmsdesk.services.suppliers.service import get_supplier, list_suppliers

RETURN_DAYS = 30  # the questionnaire asks for its return within this many days


@dataclass(frozen=True)
class SupplierPack:
    ref: str
    name: str
    folder: Path
    scorecard: Path
    questionnaire: Path
    round: int
    email: str  # the supplier's address ("" when none is recorded)
    mailto: str


def find_supplier(db: Database, ref: str, today: date) -> SupplierRow:
    """The supplier with reference ``ref`` (SUP-0001), or NotFoundError in one sentence."""
    wanted = ref.strip().upper()
    row = next((r for r in list_suppliers(db, today) if r.ref == wanted), None)
    if row is None:
        raise NotFoundError(f"{ref} is not in the supplier register (see the Suppliers "
                            "page for the references).")
    return row


def default_folder(ref: str, today: date) -> Path:
    return paths.reports_dir() / "supplier packs" / f"{ref}-{today.isoformat()}"


def write_supplier_pack(db: Database, supplier_id: int, folder: Path | None, today: date,
                        prepared_by: str) -> Generator[Progress, None, SupplierPack]:
    """Write the pack of a supplier into ``folder`` (created; by default one per supplier
    and day under the reports folder) and open the questionnaire's round."""
    from qmsdesk.reports.supplier_scorecard import write_scorecard

    yield Progress(0, 3, "Reading the supplier")
    row = next((r for r in list_suppliers(db, today) if r.id == supplier_id), None)
    if row is None:
        raise NotFoundError("This supplier no longer exists; no pack was written.")
    record = get_supplier(db, supplier_id)
    folder = Path(folder) if folder is not None else default_folder(row.ref, today)
    folder.mkdir(parents=True, exist_ok=True)
    yield Progress(1, 3, f"Writing the scorecard of {row.ref}")
    scorecard = folder / f"{row.ref}-scorecard-{today.isoformat()}.pdf"
    write_scorecard(db, row, record, scorecard, today, prepared_by)
    yield Progress(2, 3, "Writing the questionnaire")
    asked = questions.load_questions(db, questions.SUPPLIER)
    round_ = rounds.open_round(db, supplier_id, today, today + timedelta(days=RETURN_DAYS),
                               asked)
    organisation = load_settings(db).organisation
    workbook = questionnaire.write_questionnaire(
        folder / questionnaire.file_name(record, today), organisation, record, asked, round_)
    subject, body = mail.pack_message(organisation, record.name, record.contact_person,
                                      [scorecard.name, workbook.name],
                                      round_.due_on.isoformat(), prepared_by)
    return SupplierPack(row.ref, record.name, folder, scorecard, workbook, round_.number,
                        record.email, mail.mailto(record.email, subject, body))
