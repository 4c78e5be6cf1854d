"""The supplier PDF: approved supplier list, band chart, per-supplier trend, scorecard, actions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from qmsdesk.models.db import Database
from qmsdesk.services.actions import service as actions
from qmsdesk.services.org_settings import OrgSettings, save_settings
from qmsdesk.services.progress import Progress, run_task
from qmsdesk.services.suppliers import reviews as supplier_reviews
from qmsdesk.services.suppliers import service as suppliers
from qmsdesk.services.suppliers.records import CertificateRecord, ReviewRecord
from tests.factories import make_supplier
from tests.reports.helpers import suppliers_report
from tests.reports.test_parties_report import image_xobjects, pdf_text

PREPARED_BY = "Piotr Zieliński"
NAMES = ("Müller Präzisionsteile GmbH", "Łódź Logistics Sp. z o.o.", "R&D <Coatings>")
RENORMALISED = ("Responsiveness / communication not scored; the other weights were "
                "re-normalised to 100 %.")


@dataclass
class Refs:
    suppliers: list[str]
    reviews: list[str]
    open_actions: list[str]
    done_action: str


def score(record: ReviewRecord, values: list[float | None]) -> ReviewRecord:
    for item, value in zip(record.scores, values, strict=True):
        item.score = value
    return record


def add_suppliers(db: Database, today: date) -> Refs:
    """Müller: two approved reviews (75.25 B, then 90 A) and a later draft (10 D); Łódź: one
    draft with nothing delivered and an unscored criterion (56.4 C); R&D: never reviewed."""
    save_settings(db, OrgSettings(organisation="Nordwerk Qualität AG",
                                  approved_by="Jana Nováková"))
    certificates = [
        CertificateRecord("ISO 9001", "Q-1234", "TÜV Süd", today + timedelta(days=400)),
        CertificateRecord("IATF 16949", "I-77", "DEKRA", today + timedelta(days=12)),
        CertificateRecord("ISO 14001", "E-9", "TÜV Süd", today - timedelta(days=20)),
    ]
    muller = suppliers.save_supplier(db, make_supplier(
        today, NAMES[0], scope="Turned parts", category="Machining", criticality="critical",
        contact_person="Anna Kowalska", email="anna@mueller.example", status="approved",
        status_reason="Initial audit passed", certificates=certificates),
        today - timedelta(days=400))  # registered before its first review was approved
    lodz = suppliers.save_supplier(db, make_supplier(
        today, NAMES[1], scope="Road freight", category="Logistics", status="conditional",
        status_reason="Trial period",
        certificates=[CertificateRecord("ISO 9001", "L-1", "BV", today + timedelta(days=200))]),
        today)
    rnd = suppliers.save_supplier(db, make_supplier(today, NAMES[2], category="Coatings"), today)

    first = score(supplier_reviews.new_review(db, muller.id, today), [80, 70, 75, 60, 90])
    first.review_date = first.period_to = today - timedelta(days=190)
    first.period_from = today - timedelta(days=370)
    first.decision, first.approved_by = "approved", "Jana Nováková"
    first.approved_on = first.review_date + timedelta(days=2)
    first = supplier_reviews.save_review(db, first, today)
    second = score(supplier_reviews.new_review(db, muller.id, today), [95, 90, 85, 70, 100])
    second.review_date = second.period_to = today - timedelta(days=20)
    second.deliveries_total, second.deliveries_on_time = 40, 37
    second.lots_received, second.lots_rejected = 12, 1
    second.units_received, second.units_rejected = 25_000, 50
    second.decision, second.approved_by = "preferred", "Jana Nováková"
    second.approved_on, second.strengths = today - timedelta(days=18), "Stable process"
    second = supplier_reviews.save_review(db, second, today)
    third = score(supplier_reviews.new_review(db, lodz.id, today), [60, 50, None, 40, 80])
    third.review_date = today - timedelta(days=5)
    third.deliveries_total, third.deliveries_on_time = 0, 0
    third = supplier_reviews.save_review(db, third, today)
    draft = score(supplier_reviews.new_review(db, muller.id, today), [10, 10, 10, 10, 10])
    draft.review_date = today - timedelta(days=2)
    draft = supplier_reviews.save_review(db, draft, today)  # not a result until approved

    def action(review_id: int, title: str, due: date, status: str = "open") -> str:
        record = actions.new_action(today, supplier_review_id=review_id)
        record.title, record.owner, record.status = title, "Tomasz", status
        record.start_date, record.due_date = today - timedelta(days=60), due
        if status == "done":
            record.completed_on = today - timedelta(days=1)
        return actions.save_action(db, record, today).ref

    open_refs = [action(first.id, "8D for burrs on lot 4711", today - timedelta(days=10)),
                 action(second.id, "Renew ISO 14001 certificate", today + timedelta(days=30),
                        "in progress"),
                 action(third.id, "Agree delivery windows", today + timedelta(days=45))]
    done = action(first.id, "Sorting at supplier", today - timedelta(days=30), "done")
    return Refs([muller.ref, lodz.ref, rnd.ref], [first.ref, second.ref, third.ref, draft.ref],
                open_refs, done)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_report_prints_list_scorecards_kpis_and_open_actions(db, today, tmp_path):
    refs = add_suppliers(db, today)
    out = tmp_path / "reports" / "suppliers.pdf"
    seen: list[Progress] = []

    result = run_task(suppliers_report(db, out, today, PREPARED_BY), seen.append)

    assert result == out and out.is_file()
    reader, raw = pdf_text(out)
    text, pages = flat(raw), len(reader.pages)
    assert reader.metadata.title == "Approved supplier list and supplier evaluation"
    assert "8.4" in reader.metadata.subject
    assert re.search(r"QMS-REG-8\.4 · Rev 1 · Page 1 of \d+ · Generated", text)
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    for ref, name in zip(refs.suppliers, NAMES, strict=True):
        assert f"{ref} — {name}" in text, name
    assert "&amp;" not in raw and "&lt;" not in raw
    for ref in [*refs.reviews, *refs.open_actions]:
        assert ref in text, ref
    assert refs.done_action in text  # closed actions are listed with their check too
    assert "3 suppliers as of 2026-11-21: 1 pending, 1 conditional, 1 preferred." in text
    # Müller is preferred with its ISO 14001 expired: one rule flags it (expired_while_approved)
    assert ("Certificates expired: 1; expiring within 60 days: 1; suppliers approved or "
            "preferred with an expired certificate: 1.") in text
    assert "certificate expired" in text
    assert "Preferred" in text and "Conditional" in text and "Pending" in text
    assert "90.0 · A ↑" in text  # latest total, band and trend in the list
    assert "Not reviewed" in text and "56.4 · C" not in text  # R&D; Łódź has a draft only
    assert "Draft only" in text and "10.0 · D" not in text  # drafts are not yet results
    assert f"{refs.reviews[3]} of 2026-11-19 is a draft, not yet approved" in text
    assert f"Latest scorecard: {refs.reviews[2]} of 2026-11-16 (draft, not yet approved)" in text
    assert "EXPIRED 2026-11-01" in text and "expires within 60 days (2026-12-03)" in text
    assert "valid until 2027-12-26" in text and "Valid until Validity" in text
    # KPIs of Müller's latest review; Łódź delivered nothing: no data, never 0 or 100 %
    assert "40 (37 on time)" in text and "92.5 %" in text
    assert "91.7 %" in text and "2,000 ppm" in text and "25,000 (50 rejected)" in text
    assert "0 (0 on time)" in text and "no data" in text
    assert RENORMALISED in text
    assert "not scored" in text and "excluded" in text
    assert "Approved by Jana Nováková on" in text and "Not approved yet (draft)" in text
    assert "Proposed decision (draft)" in text  # a draft decides nothing yet
    assert "Initial audit passed" in text  # status history: reason, from, to
    assert f"Approved Preferred {refs.reviews[1]} approved by Jana Nováková" in text
    assert text.count("Overdue") == 1  # the 8D action; no supplier review is overdue yet
    assert ", 1 overdue" in text
    # 8.4.1: the criteria, weights, bands, decisions and re-evaluation are stated
    method = text[text.index("2. How suppliers are evaluated"):
                  text.index("3. Supplier evaluations")]
    assert "Criterion What is judged Weight" in method and "Band Total Suggested decision" \
        in method
    assert "Preferred" in method and "Disqualified" in method
    assert "critical suppliers every 6 months" in method.lower()
    images = image_xobjects(reader)
    assert len(images) == 1 + 2 * 2  # band chart + (trend + scorecard) per reviewed supplier
    assert min(width for width, _ in images) >= 1000  # 200 dpi across the frame
    dones = [p.done for p in seen]
    assert dones == sorted(dones) and len(set(dones)) == len(dones)
    assert [p.label for p in seen if refs.suppliers[0] in p.label]
    assert seen[-1].total == seen[-1].done + 1


def test_sections_appear_in_order(db, today, tmp_path):
    refs = add_suppliers(db, today)

    _, raw = pdf_text(run_task(suppliers_report(db, tmp_path / "s.pdf", today, PREPARED_BY)))

    text = flat(raw)
    first = refs.suppliers[0]
    positions = [text.index(heading) for heading in (
        "1. Approved supplier list", "2. How suppliers are evaluated",
        "3. Supplier evaluations", f"{first} — ",
        f"Certificates ({first})", f"Status history ({first})", f"Reviews ({first})",
        f"Latest scorecard: {refs.reviews[1]}", f"KPIs in the period ({refs.reviews[1]})",
        f"Decision and approval ({refs.reviews[1]})",
        f"Actions requested from the supplier ({first})",
        f"{refs.suppliers[1]} — ")]
    assert positions == sorted(positions)
    assert "No actions raised from this supplier's reviews." in text  # R&D <Coatings>
    assert "Not reviewed yet: no scorecard or score trend." in text


def test_overdue_review_is_marked_in_words(db, today, tmp_path):
    suppliers.save_supplier(db, make_supplier(today, "Late Review AG",
                                              next_review=today - timedelta(days=3)), today)

    _, raw = pdf_text(run_task(suppliers_report(db, tmp_path / "s.pdf", today, PREPARED_BY)))

    text = flat(raw)
    assert "Reviews overdue: 1." in text
    assert text.count("Overdue") == 2  # in the list and in the supplier's facts
    assert "No certificates recorded." in text


def test_without_suppliers_the_report_is_still_a_controlled_document(db, today, tmp_path):
    reader, raw = pdf_text(run_task(suppliers_report(db, tmp_path / "e.pdf", today,
                                                     PREPARED_BY)))

    text = flat(raw)
    assert "No suppliers yet." in text and "No suppliers recorded." in text
    assert image_xobjects(reader) == []
    assert f"Page 1 of {len(reader.pages)}" in text


def test_closing_the_generator_early_leaves_no_file(db, today, tmp_path):
    add_suppliers(db, today)
    out = tmp_path / "suppliers.pdf"
    task = suppliers_report(db, out, today, PREPARED_BY)
    for _ in range(3):  # loading and two supplier sections
        next(task)
    task.close()

    assert not out.exists()
    assert list(tmp_path.glob("*.pdf*")) == []


def test_suppliers_read_a_batch_at_a_time_are_those_read_one_by_one(shared_demo, today):
    """The report reads its suppliers a batch at a time (at 100x, several queries a supplier
    were 100 000 queries before the first page): the same records, reviews and latest
    review as read one by one, in a handful of queries whatever the batch's size."""
    from sqlalchemy import event

    from qmsdesk.reports.suppliers_data import load_suppliers

    rows = suppliers.list_suppliers(shared_demo, today)
    bands = supplier_reviews.load_bands(shared_demo)
    actions_of = actions.actions_by_link(shared_demo, today, "supplier_review_id")

    def queries_to_load(some: list) -> tuple[list, list[str]]:
        """What loading ``some`` gives, and the queries it made (BEGIN aside)."""
        statements: list[str] = []

        def count(*args: object) -> None:
            if str(args[2]).strip() != "BEGIN":
                statements.append(str(args[2]))

        event.listen(shared_demo.engine, "before_cursor_execute", count)
        try:
            return load_suppliers(shared_demo, some, bands, today), statements
        finally:
            event.remove(shared_demo.engine, "before_cursor_execute", count)

    loaded, statements = queries_to_load(rows)
    assert len(rows) > 20 and len(statements) <= 10
    assert len(queries_to_load(rows[:5])[1]) == len(statements)  # not one more a supplier
    assert any(d.latest is not None for d in loaded) and any(d.actions for d in loaded)
    for row, data in zip(rows, loaded, strict=True):
        assert data.row == row
        assert data.record == suppliers.get_supplier(shared_demo, row.id)
        assert data.reviews == supplier_reviews.list_reviews(shared_demo, row.id)
        if data.charted:
            latest = supplier_reviews.get_review(shared_demo, data.charted[-1].id)
            assert data.latest == latest
            assert data.summary == supplier_reviews.summarise(latest, bands)
        else:
            assert data.latest is None and data.summary is None
        own = [a for review in data.reviews for a in actions_of.get(review.id, ())]
        assert data.actions == own
