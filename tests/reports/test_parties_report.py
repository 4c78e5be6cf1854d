"""The interested-parties PDF: names in every script print, the document is controlled."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from qmsdesk.models.db import Database
from qmsdesk.reports import document
from qmsdesk.reports.fonts import FONT_CJK, markup
from qmsdesk.services.org_settings import OrgSettings, save_settings
from qmsdesk.services.parties.records import EngagementRecord, PartyRecord, RequirementRecord
from qmsdesk.services.parties.service import archive_party, save_party
from qmsdesk.services.progress import Progress, run_task
from tests.reports.helpers import parties_report, pdf_text

NAMES = ("Müller Präzisionsteile GmbH", "Łódź Logistics Sp. z o.o.", "株式会社サンプル精工",
         "R&D <Team>")
ORGANISATION = "Nordwerk Qualität AG"
PREPARED_BY = "Piotr Zieliński"


def add_parties(db: Database, today: date) -> None:
    save_settings(db, OrgSettings(organisation=ORGANISATION, approved_by="Jana Nováková"))
    specs = [  # name, category, internal, influence, interest, next review
        (NAMES[0], "supplier", False, 5, 5, today - timedelta(days=10)),
        (NAMES[1], "supplier", False, 5, 5, today + timedelta(days=40)),
        (NAMES[2], "customer", False, 4, 2, today + timedelta(days=200)),
        (NAMES[3], "employee", True, 2, 4, today + timedelta(days=30)),
    ]
    for index, (name, category, internal, influence, interest, next_review) in enumerate(specs):
        record = PartyRecord(
            name=name, category=category, internal=internal, influence=influence,
            interest=interest, owner="Quality manager", contact_person="Anna Kowalska",
            monitoring_method="Quarterly meeting", monitoring_frequency="quarterly",
            last_review=today - timedelta(days=300), next_review=next_review)
        if index < 3:  # R&D <Team> has neither requirements nor engagements
            record.requirements = [RequirementRecord(
                description=f"On-time delivery for {name}", obligation="contractual",
                source="Framework contract", addressed_by="SOP-08 supplier evaluation")]
            record.engagements = [
                EngagementRecord(on_date=today - timedelta(days=30), kind="meeting",
                                 summary=f"Quarterly review {index}", satisfaction=4,
                                 follow_up="Send minutes"),
                EngagementRecord(on_date=today - timedelta(days=500), kind="survey",
                                 summary="Survey from long ago", satisfaction=2),
            ]
        save_party(db, record, today)
    gone = save_party(db, PartyRecord(name="Archived Supplier KG", category="supplier",
                                      influence=2, interest=2, next_review=today), today)
    archive_party(db, gone.id, gone.version, today, "Insolvent; orders moved to Müller")


def image_xobjects(reader: PdfReader) -> list[tuple[int, int]]:
    """(width, height) of every image XObject on any page."""
    found = []
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append((int(obj["/Width"]), int(obj["/Height"])))
    return found


def test_report_prints_every_name_and_is_a_controlled_document(db, today, tmp_path):
    add_parties(db, today)
    out = tmp_path / "reports" / "parties.pdf"
    seen: list[Progress] = []

    result = run_task(parties_report(db, out, today, PREPARED_BY), seen.append)

    assert result == out and out.is_file()
    reader, text = pdf_text(out)
    pages = len(reader.pages)
    assert pages >= 2
    for name in NAMES:
        assert name in text, name
    assert "R&amp;D" not in text and "&lt;" not in text
    # an archived party is named once, under "Archived parties", with no section of its own
    assert text.count("Archived Supplier KG") == 1
    assert text.index("Archived parties") < text.index("Archived Supplier KG")
    # when and by whom, from the audit trail
    assert f"{today.isoformat()} by {db.user}" in text[text.index("Archived parties"):]
    assert "Insolvent; orders moved to Müller" in " ".join(
        text[text.index("Archived parties"):].split())
    assert "IP-0005 — Archived Supplier KG" not in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert re.search(r"QMS-REG-4\.2 · Rev 1 · Page 1 of \d+ · Generated \d{4}-\d\d-\d\d \d\d:\d\d",
                     text)
    assert ORGANISATION in text and "Jana Nováková" in text
    assert f"IP-0001 — {NAMES[0]}" in text
    assert "Overdue" in text  # Müller's review date has passed
    assert "No requirements recorded." in text  # R&D <Team>
    assert "Quarterly review 0" in text and "Survey from long ago" not in text
    meta = reader.metadata
    assert meta.title == "Interested parties register"
    assert PREPARED_BY in meta.author and ORGANISATION in meta.author
    assert meta.creator == "QMS Desk"
    assert "4.2" in meta.subject
    images = image_xobjects(reader)
    assert images, "the power/interest grid is missing"
    assert max(width for width, _ in images) >= 800  # rendered at 200 dpi, not a thumbnail
    dones = [p.done for p in seen]
    assert len(seen) >= 4 + 2
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert seen[-1].total == seen[-1].done + 1 and seen[-1].label


def test_closing_the_generator_early_leaves_no_file(db, today, tmp_path):
    add_parties(db, today)
    out = tmp_path / "parties.pdf"
    task = parties_report(db, out, today, PREPARED_BY)
    for _ in range(4):  # loading, chart, two party sections
        next(task)
    task.close()

    assert not out.exists()
    assert list(tmp_path.glob("*.pdf*")) == []


def test_failed_build_keeps_the_previous_report_and_leaves_no_temp_file(db, today, tmp_path,
                                                                        monkeypatch):
    add_parties(db, today)
    out = tmp_path / "parties.pdf"
    out.write_bytes(b"previous report")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(document, "_draw_frame", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_task(parties_report(db, out, today, PREPARED_BY))

    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_empty_register_still_prints_a_controlled_document(db, today, tmp_path):
    out = run_task(parties_report(db, tmp_path / "empty.pdf", today, PREPARED_BY))

    reader, text = pdf_text(out)
    assert "No active interested parties recorded." in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_markup_escapes_user_text_and_routes_cjk_to_the_fallback_font():
    assert markup("R&D <Team>") == "R&amp;D &lt;Team&gt;"
    assert markup("Łódź Müller") == "Łódź Müller"
    assert markup("株式会社 A&B") == (f'<font name="{FONT_CJK}">株式会社</font> A&amp;B')
    assert markup("line one\nline two") == "line one<br/>line two"
