"""Document control: revisions follow content, the report log, checksums, logo, bookmarks."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from qmsdesk import clock
from qmsdesk.models.db import Database
from qmsdesk.reports.issue import ReportRequest, generate_report
from qmsdesk.services import report_log
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.org_settings import OrgSettings, load_settings, read_logo, save_settings
from qmsdesk.services.parties.service import get_party, save_party
from qmsdesk.services.progress import run_task
from tests.factories import make_party
from tests.reports.helpers import pdf_text

GENERATED = re.compile(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d")


def _issue(db: Database, out: Path, today: date, kind: str = "parties",
           prepared_by: str = "Ines Quality"):
    return run_task(generate_report(db, kind, out, ReportRequest(today, prepared_by)))


@pytest.fixture
def register(db: Database, today: date) -> Database:
    save_settings(db, OrgSettings(organisation="Nordwerk Qualität AG",
                                  approved_by="Jana Nováková"))
    for name in ("Müller Präzisionsteile GmbH", "株式会社サンプル精工"):
        save_party(db, make_party(today, name, next_review=today + timedelta(days=200)), today)
    return db


def test_unchanged_data_reissues_the_same_revision_and_text(register, today, tmp_path):
    first = _issue(register, tmp_path / "a.pdf", today)
    second = _issue(register, tmp_path / "b.pdf", today)
    assert (first.revision, first.new_revision) == (1, True)
    assert (second.revision, second.new_revision) == (1, False)
    _, text_a = pdf_text(first.path)
    _, text_b = pdf_text(second.path)
    assert GENERATED.search(text_a)
    # only the generation time may differ
    assert GENERATED.sub("", text_a) == GENERATED.sub("", text_b)
    assert first.issue.fingerprint == second.issue.fingerprint


def test_a_later_day_with_nothing_changed_keeps_revision_and_issue_date(register, today,
                                                                         tmp_path):
    first = _issue(register, tmp_path / "a.pdf", today)
    later = _issue(register, tmp_path / "b.pdf", today + timedelta(days=3))
    assert later.revision == first.revision == 1
    _, text = pdf_text(later.path)
    assert f"Issue date {today.isoformat()}" in text.replace("\n", " ")


def test_changed_data_gives_the_next_revision_and_going_back_its_old_one(register, today,
                                                                          tmp_path):
    assert _issue(register, tmp_path / "1.pdf", today).revision == 1
    party = get_party(register, 1)
    party.owner = "Plant manager"
    save_party(register, party, today)
    changed = _issue(register, tmp_path / "2.pdf", today)
    assert (changed.revision, changed.new_revision) == (2, True)
    _, text = pdf_text(changed.path)
    assert "Rev 2 · Page 1 of" in text
    party = get_party(register, 1)
    party.owner = ""
    save_party(register, party, today)  # back to exactly what revision 1 said
    assert _issue(register, tmp_path / "3.pdf", today).revision == 1


def test_settings_are_part_of_the_content(register, today, tmp_path):
    assert _issue(register, tmp_path / "1.pdf", today).revision == 1
    settings = load_settings(register)
    settings.organisation = "Renamed Ltd"
    save_settings(register, settings)
    assert _issue(register, tmp_path / "2.pdf", today).revision == 2


def test_a_copy_of_a_revision_names_who_prepared_it(register, today, tmp_path):
    _issue(register, tmp_path / "1.pdf", today, prepared_by="Anna Kowalska, Quality Manager")
    copy = _issue(register, tmp_path / "2.pdf", today, prepared_by="Helen Whitfield")
    assert (copy.revision, copy.new_revision) == (1, False)
    assert "Prepared by Anna Kowalska, Quality Manager" in " ".join(pdf_text(copy.path)[1].split())
    assert copy.issue.generated_by == "Helen Whitfield"  # the log says who made the copy


def test_who_approves_is_not_content(register, today, tmp_path):
    """Naming other approvers (or approving) must not make a new revision to approve."""
    assert _issue(register, tmp_path / "1.pdf", today).revision == 1
    settings = load_settings(register)
    settings.approved_by = "New Approver"
    save_settings(register, settings)
    assert _issue(register, tmp_path / "2.pdf", today).revision == 1


def test_each_report_type_counts_its_own_revisions(register, today, tmp_path):
    _issue(register, tmp_path / "p.pdf", today)
    party = get_party(register, 1)
    party.owner = "Plant manager"
    save_party(register, party, today)
    assert _issue(register, tmp_path / "p2.pdf", today).revision == 2
    assert _issue(register, tmp_path / "o.pdf", today, "objectives").revision == 1
    assert _issue(register, tmp_path / "s.pdf", today, "suppliers").revision == 1


def test_the_log_records_each_issue_with_the_files_checksum(register, today, tmp_path):
    issued = _issue(register, tmp_path / "a.pdf", today)
    _issue(register, tmp_path / "b.pdf", today, "objectives")
    entries = report_log.list_report_log(register)
    assert [e.report_type for e in entries] == ["objectives", "parties"]  # newest first
    entry = entries[1]
    assert entry == issued.log
    assert entry.sha256 == hashlib.sha256(issued.path.read_bytes()).hexdigest()
    assert (entry.title, entry.document_number, entry.revision) == (
        "Interested parties register", "QMS-REG-4.2", 1)
    assert entry.period == f"As of {today.isoformat()}"
    assert (entry.issue_date, entry.generated_by) == (today, "Ines Quality")
    assert entry.pages == len(PdfReader(issued.path).pages)
    assert entry.generated_at == clock.now()
    assert entry.path == str(issued.path.resolve())
    assert entry.file_state() == report_log.AVAILABLE
    issued.path.write_bytes(issued.path.read_bytes() + b"%tampered")
    assert entry.file_state() == report_log.CHANGED
    issued.path.unlink()
    assert entry.file_state() == report_log.MISSING
    assert not entry.file_present


def test_issuing_leaves_the_audit_trail_alone(register, today, tmp_path):
    from qmsdesk.models.audit import verify_chain

    with register.session() as session:
        before = verify_chain(session)
    _issue(register, tmp_path / "a.pdf", today)
    with register.session() as session:
        assert verify_chain(session) == before


def test_first_page_names_preparer_approver_and_revision(register, today, tmp_path):
    issued = _issue(register, tmp_path / "a.pdf", today)
    first_page = PdfReader(issued.path).pages[0].extract_text().replace("\n", " ")
    for text in ("Prepared by Ines Quality", "Approved by Not yet approved", "Revision 1",
                 "Document number QMS-REG-4.2", "awaits approval by Jana Nováková"):
        assert text in first_page


def test_headings_become_pdf_bookmarks(register, today, tmp_path):
    reader = PdfReader(_issue(register, tmp_path / "a.pdf", today).path)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:2] == ["1. Summary", "2. Register"]
    # each bookmark points at the page its heading is on
    for item in reader.outline:
        if not isinstance(item, list):
            page = reader.get_destination_page_number(item)
            assert item.title in reader.pages[page].extract_text()


def _png(tmp_path: Path, size: tuple[int, int] = (1200, 400)) -> Path:
    path = tmp_path / "logo.png"
    Image.new("RGB", size, (20, 60, 120)).save(path)
    return path


def test_a_logo_is_scaled_down_stored_and_printed(register, today, tmp_path):
    logo = read_logo(_png(tmp_path))
    assert Image.open(BytesIO(logo)).size == (600, 200)
    settings = load_settings(register)
    settings.logo = logo
    save_settings(register, settings)
    assert load_settings(register).logo == logo
    issued = _issue(register, tmp_path / "a.pdf", today)
    images = PdfReader(issued.path).pages[0].images
    assert any(image.image.size == (600, 200) for image in images)
    settings.logo = None  # removing the logo changes the document
    save_settings(register, settings)
    assert load_settings(register).logo is None
    assert _issue(register, tmp_path / "b.pdf", today).revision == issued.revision + 1


@pytest.mark.parametrize("content, message", [
    (b"", "is not an image"), (b"%PDF-1.4 not a picture", "is not an image")])
def test_a_logo_that_is_no_image_is_refused(tmp_path, content, message):
    path = tmp_path / "logo.png"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        read_logo(path)
    assert message in caught.value.errors["logo"]


def test_a_missing_logo_file_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="does not exist"):
        read_logo(tmp_path / "nope.png")


def test_a_picture_too_large_to_open_safely_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # PIL refuses over twice this
    with pytest.raises(ValidationError, match="not an image QMS Desk can read"):
        read_logo(_png(tmp_path, (200, 200)))


def test_an_expiring_certificate_reads_the_same_the_next_day(db, today, tmp_path):
    from qmsdesk.services.suppliers.records import CertificateRecord
    from qmsdesk.services.suppliers.service import save_supplier
    from tests.factories import make_supplier

    supplier = make_supplier(today, next_review=today + timedelta(days=200))
    supplier.certificates = [CertificateRecord("IATF 16949", "I-77", "DEKRA",
                                               today + timedelta(days=30))]
    save_supplier(db, supplier, today)
    first = _issue(db, tmp_path / "a.pdf", today, "suppliers")
    second = _issue(db, tmp_path / "b.pdf", today + timedelta(days=1), "suppliers")
    assert second.revision == first.revision == 1
    assert "expires within 60 days" in " ".join(pdf_text(second.path)[1].split())


def test_every_report_names_the_audit_trail_anchor_it_was_issued_at(register, today,
                                                                    tmp_path):
    from qmsdesk.services.integrity import trail_anchor, verify_database

    anchor = trail_anchor(register)
    assert anchor.entries > 0
    first = PdfReader(_issue(register, tmp_path / "a.pdf", today).path).pages[0]
    flat = "".join(first.extract_text().split())
    assert f"Audittrailanchor{anchor}({anchor.entries}entrieswhenissued" in flat
    assert verify_database(register, expect=anchor).ok  # the figures an auditor checks


def test_a_revision_taken_meanwhile_reads_the_content_again_and_numbers_it_anew(
        register, today, tmp_path, monkeypatch):
    """The layout consumes the content; when another user's issue takes the revision
    between numbering and logging, the report is read again (with what changed) and
    issued under the next number."""
    import qmsdesk.reports.issue as issuing

    record = issuing.record_reports
    calls: list[int] = []

    def taken_once(db, issues):
        calls.append(issues[0].revision.number)
        if len(calls) == 1:
            # Meanwhile another user changes the register and issues it first.
            save_party(db, make_party(today, "Late Arrival Ltd"), today)
            record(db, [replace(issues[0], fingerprint="another user's content")])
            raise report_log.RevisionTaken("revision 1 was issued meanwhile")
        return record(db, issues)

    monkeypatch.setattr(issuing, "record_reports", taken_once)
    issued = _issue(register, tmp_path / "a.pdf", today)
    assert calls == [1, 2]
    assert (issued.revision, issued.new_revision) == (2, True)
    _, text = pdf_text(issued.path)
    assert "Late Arrival Ltd" in text and "Müller Präzisionsteile GmbH" in text


def test_a_revision_taken_on_every_attempt_gives_up_with_the_reason(register, today, tmp_path,
                                                                     monkeypatch):
    import qmsdesk.reports.issue as issuing

    def always_taken(db, issues):
        raise report_log.RevisionTaken("revision 1 was issued meanwhile")

    monkeypatch.setattr(issuing, "record_reports", always_taken)
    with pytest.raises(report_log.RevisionTaken, match="issued meanwhile"):
        _issue(register, tmp_path / "a.pdf", today)


def _miss_the_last_heading_once(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The story's reading misses a heading the first time (as one hidden inside another
    flowable would be), so the contents need a second layout; the layouts, counted."""
    from reportlab.platypus import BaseDocTemplate

    from qmsdesk.reports import document

    real, calls, layouts = document.headings, [], []
    build = BaseDocTemplate.build

    def headings(story, levels):
        calls.append(1)
        found = real(story, levels)
        return found[:-1] if len(calls) == 1 else found

    def counted(self, *args, **kwargs):
        layouts.append(1)
        build(self, *args, **kwargs)

    monkeypatch.setattr(document, "headings", headings)
    monkeypatch.setattr(BaseDocTemplate, "build", counted)
    return layouts


def _review_pack(db: Database, out: Path, today: date):
    """The management-review pack: the report with a table of contents."""
    return run_task(generate_report(db, "management-review", out, ReportRequest(
        today, "Ines Quality", today - timedelta(days=365), today)))


def test_a_report_whose_contents_need_a_second_layout_reads_its_records_again(
        register, today, tmp_path, monkeypatch):
    """The first layout lets its story go as it is written; the second reads the records
    again and lays them out, with the same revision and text."""
    first = _review_pack(register, tmp_path / "a.pdf", today)
    layouts = _miss_the_last_heading_once(monkeypatch)
    again = _review_pack(register, tmp_path / "b.pdf", today)
    assert len(layouts) == 2
    assert again.issue.revision.number == first.issue.revision.number
    assert GENERATED.sub("", pdf_text(again.path)[1]) == GENERATED.sub(
        "", pdf_text(first.path)[1])


def test_records_changed_before_a_second_layout_number_the_report_anew(
        register, today, tmp_path, monkeypatch):
    from qmsdesk.reports import issue as issuing

    first = _review_pack(register, tmp_path / "a.pdf", today)
    _miss_the_last_heading_once(monkeypatch)
    real, builds = issuing.content_builder, []

    def builder(kind):
        def build(db, request):
            builds.append(1)
            if len(builds) == 2:  # read again for the second layout: someone saved meanwhile
                party = get_party(db, 1)
                party.name = "Müller Präzisionsteile GmbH & Co. KG"
                save_party(db, party, today)
            return (yield from real(kind)(db, request))
        return build

    monkeypatch.setattr(issuing, "content_builder", builder)
    again = _review_pack(register, tmp_path / "b.pdf", today)
    assert len(builds) == 3  # read, read again (changed: numbered anew), read for the issue
    assert again.issue.revision.number == first.issue.revision.number + 1
    assert "& Co. KG" in pdf_text(again.path)[1]
