"""The first page's document control (ISO 9001 7.5.2): title, control box, approval record
and revision history, shared by every report."""

from __future__ import annotations

import hashlib
from io import BytesIO
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Spacer, Table

from qmsdesk.reports.document import (
    FRAME_WIDTH,
    INK,
    Cell,
    data_table,
    facts_table,
    para,
    styles,
)
from qmsdesk.reports.document_control import DocumentControl
from qmsdesk.services.numbers import ROUNDING_NOTE

LOGO_MAX = (45 * mm, 18 * mm)
LABEL_WEIGHT = 0.49  # a one-pair row's label column lines up with the two-pair grid above


def control_block(control: DocumentControl) -> Table:
    """The document-control box of the first page, in the layout auditors expect."""
    pairs: list[tuple[str, Cell]] = [
        ("Organisation", control.organisation), ("Document number", control.document_number),
        ("Document title", control.title), ("Revision", control.revision),
        ("Prepared by", control.prepared_by), ("Issue date", control.issue_date.isoformat()),
        ("Approved by", control.approved_by), ("Period", control.period or None),
    ]
    parts: list[list[Flowable]] = [[facts_table(pairs, columns=2)]]
    if control.approval:
        parts.append([facts_table([("Approval record", control.approval)], columns=1,
                                  label_weight=LABEL_WEIGHT)])
    if control.audit_trail:
        count = control.audit_trail.partition(":")[0]
        parts.append([facts_table([("Audit trail anchor", (
            f"{control.audit_trail} ({count} entries when issued; 'qmsdesk verify --expect "
            "COUNT:HASH' proves the trail still extends it)"))], columns=1,
            label_weight=LABEL_WEIGHT)])
    outer = Table(parts, colWidths=[FRAME_WIDTH], hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("BOX", (0, 0), (-1, -1), 1.0, INK),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]
    outer.setStyle(style)
    return outer


def revision_history(control: DocumentControl) -> list[Flowable]:
    """The revision history: each revision, when issued, what changed, who approved it."""
    if not control.history:
        return []
    st = styles()
    table = data_table(["Rev", "Issued", "What changed", "Approved by"],
                       [[line.revision, line.issued, line.change, line.approved]
                        for line in control.history], [0.5, 1.2, 5.0, 2.6])
    story: list[Flowable] = [Spacer(1, 3 * mm), para("Revision history", st.h3), table]
    if control.earlier_revisions:
        story.append(para(f"Revisions 1 to {control.earlier_revisions} are listed in the "
                          "report log (QMS Desk › Reports).", st.note))
    return story


def _logo(png: bytes) -> Image:
    """The organisation's logo, scaled to fit LOGO_MAX with its aspect ratio kept."""
    from reportlab.lib.utils import ImageReader

    width, height = ImageReader(BytesIO(png)).getSize()
    scale = min(LOGO_MAX[0] / width, LOGO_MAX[1] / height)
    image = Image(BytesIO(png), width=width * scale, height=height * scale)
    image.fingerprint = hashlib.sha256(png).hexdigest()
    return image


def title_block(control: DocumentControl) -> list[Flowable]:
    """Title, subject line (and logo), the document-control box and the revision history
    that open the first page."""
    st = styles()
    head: list[Flowable] = [para(control.title, st.title)]
    if control.subject:
        head.append(para(control.subject, st.subtitle))
    if control.logo:
        logo = _logo(control.logo)
        table = Table([[head, logo]], colWidths=[FRAME_WIDTH - LOGO_MAX[0] - 4 * mm,
                                                 LOGO_MAX[0] + 4 * mm], hAlign="LEFT")
        table.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
        head = [table]
    # How numbers are written and rounded, stated once in every document.
    return [*head, control_block(control), *revision_history(control),
            para(ROUNDING_NOTE, st.note), Spacer(1, 4 * mm)]
