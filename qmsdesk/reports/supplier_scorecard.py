"""A supplier's own scorecard (ISO 9001 8.4): the PDF sent to the supplier with its pack.

Not a controlled register report (no revision in the report log): a dated copy of what
the supplier register says about one supplier, built from the suppliers report's parts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from qmsdesk.models.db import Database
from qmsdesk.reports.document import (
    BuiltPdf,
    Cell,
    build_pdf,
    facts_table,
    para,
    styles,
)
from qmsdesk.reports.document_control import DocumentControl
from qmsdesk.reports.suppliers_report import supplier_copy
from qmsdesk.services.labels import label
from qmsdesk.services.org_settings import load_settings
from qmsdesk.services.suppliers.records import SupplierRecord, SupplierRow

TITLE = "Supplier scorecard"


def document_number(row: SupplierRow, today: date) -> str:
    return f"SC-{row.ref}-{today:%Y%m%d}"


def _identity(record: SupplierRecord, row: SupplierRow, organisation: str, today: date,
              prepared_by: str) -> Flowable:
    contact = "\n".join(filter(None, (record.contact_person, record.email, record.phone)))
    pairs: list[tuple[str, Cell]] = [
        ("Supplier", f"{record.name} ({row.ref})"), ("Issued by", organisation),
        ("Scope", record.scope), ("Issued on", today.isoformat()),
        ("Criticality", label(record.criticality)), ("Prepared by", prepared_by),
        ("Approval status", label(record.status)), ("Contact we hold", contact),
        ("Next review", row.next_review.isoformat() if row.next_review else "Not scheduled"),
        ("Document", document_number(row, today))]
    return facts_table(pairs)


def write_scorecard(db: Database, row: SupplierRow, record: SupplierRecord, out: Path,
                    today: date, prepared_by: str) -> BuiltPdf:
    """Write the scorecard of the supplier ``row`` (its ``record`` loaded) to ``out``."""
    settings = load_settings(db)
    st = styles()
    control = DocumentControl(
        title=f"{TITLE} · {row.ref}", document_number=document_number(row, today),
        revision="1", organisation=settings.organisation, prepared_by=prepared_by,
        approved_by="", issue_date=today,
        subject=f"ISO 9001:2015 clause 8.4 — how {settings.organisation or 'we'} evaluated "
                f"{record.name}")
    story: list[Flowable] = [
        para(f"{TITLE}: {record.name}", st.title),
        para(f"How {settings.organisation or 'we'} evaluated your performance as a supplier, "
             f"as of {today.isoformat()}: your reviews on our weighted criteria, the measured "
             "delivery and quality KPIs, your certificates as we hold them and the actions "
             "we asked of you.", st.subtitle),
        _identity(record, row, settings.organisation, today, prepared_by), Spacer(1, 3 * mm)]
    story += supplier_copy(db, row, today)
    story.append(para("Questions about this scorecard: reply to the e-mail it came with. The "
                      "self-assessment questionnaire sent with it updates your certificates "
                      "and contacts in our register.", st.note))
    return build_pdf(out, control, story)
