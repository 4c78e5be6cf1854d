"""The demo's evidence files, so a new user sees "show me" work: the minutes of each
management review, an ISO 9001 certificate behind a supplier's expiry date and the 8D
report behind a closed corrective action, each a small generated PDF attached through
the evidence service on its day."""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from qmsdesk.models.db import Database
from qmsdesk.models.objectives import Action
from qmsdesk.models.suppliers import Certificate, Supplier
from qmsdesk.services import evidence
from qmsdesk.services.demo.history import Timeline

ORGANISATION_LINE = "Northwind Precision Components Ltd"
MAX_LINES = 44  # one A4 page
STEPS = 2  # the certificate and the 8D report; the minutes count with their meeting


def _pdf(folder: Path, name: str, title: str, lines: Sequence[str]) -> Path:
    """A one-page PDF with a title and lines of text (what a scan or an export would be)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from qmsdesk.reports.fonts import FONT, FONT_BOLD, register_fonts

    register_fonts()
    path = folder / name
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setTitle(title)
    canvas.setFont(FONT_BOLD, 15)
    canvas.drawString(60, 780, title)
    canvas.setFont(FONT, 10)
    wrapped = [part for line in lines for part in (textwrap.wrap(line, 95) or [""])]
    for number, line in enumerate(wrapped[:MAX_LINES]):
        canvas.drawString(60, 750 - 15 * number, line)
    canvas.save()
    return path


def attach_minutes(db: Database, meeting_id: int, ref: str, held_on: date,
                   lines: Sequence[str], by: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = _pdf(Path(folder), f"{ref} minutes.pdf", f"Management review {ref}: minutes",
                    [ORGANISATION_LINE, f"Held on {held_on.isoformat()}", "", *lines])
        evidence.attach(db, "management review", meeting_id, path,
                        note="Signed minutes, as circulated", attached_by=by)
    return f"{ref} minutes attached"


def _certificate(db: Database, by: str) -> str:
    """The ISO 9001 certificate of the first approved supplier that holds one."""
    with db.read() as session:
        row = session.execute(
            select(Supplier.id, Supplier.ref, Supplier.name, Certificate.number,
                   Certificate.issuer, Certificate.valid_until)
            .join(Certificate, Certificate.supplier_id == Supplier.id)
            .where(Supplier.status.in_(("approved", "preferred")),
                   Certificate.standard.like("ISO 9001%"))
            .order_by(Supplier.id).limit(1)).first()
    if row is None:
        return "no certificate to scan"
    until = row.valid_until.isoformat() if row.valid_until else "not stated"
    with tempfile.TemporaryDirectory() as folder:
        path = _pdf(Path(folder), f"ISO 9001 certificate {row.ref}.pdf",
                    "Certificate of registration — ISO 9001:2015",
                    [row.name, f"Certificate number {row.number}", f"Issued by {row.issuer}",
                     f"Valid until {until}"])
        evidence.attach(db, "supplier", row.id, path, note="Scan of the certificate",
                        attached_by=by)
    return f"{row.ref} certificate attached"


def _eight_d(db: Database, by: str) -> str:
    """The 8D report of the latest corrective action closed as effective."""
    with db.read() as session:
        row = session.execute(
            select(Action.id, Action.ref, Action.title, Action.completed_on)
            .where(Action.kind == "corrective", Action.status == "done",
                   Action.effectiveness == "effective")
            .order_by(Action.completed_on.desc(), Action.id).limit(1)).first()
    if row is None:
        return "no corrective action closed"
    with tempfile.TemporaryDirectory() as folder:
        path = _pdf(Path(folder), f"8D report {row.ref}.pdf", f"8D report {row.ref}",
                    [row.title, "D1 team  D2 problem  D3 containment  D4 root cause",
                     "D5 corrective action  D6 implemented  D7 prevention  D8 closure",
                     f"Closed on {row.completed_on}"])
        evidence.attach(db, "action", row.id, path, note="8D report, signed off",
                        attached_by=by)
    return f"{row.ref} 8D report attached"


def plan(timeline: Timeline, db: Database, today: date, staff: Mapping[str, str]) -> None:
    """The certificate a month ago (filed by purchasing at the supplier's last check), the
    8D report a week ago (by quality, once the action's effectiveness was checked)."""
    timeline.add(today - timedelta(days=30), lambda: _certificate(db, staff["purchasing"]))
    timeline.add(today - timedelta(days=7), lambda: _eight_d(db, staff["quality"]))
