"""The approved supplier list and supplier evaluations (ISO 9001 8.4) as a controlled PDF report."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, Spacer

from qmsdesk.models.db import Database
from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts_suppliers import score_text, score_trend, scorecard, suppliers_by_band
from qmsdesk.reports.document import (
    FRAME_WIDTH,
    RULE,
    Cell,
    data_table,
    empty_note,
    facts_table,
    heading,
    para,
    rich,
    styles,
)
from qmsdesk.reports.evidence_section import evidence_section
from qmsdesk.reports.fonts import markup
from qmsdesk.reports.issue import (
    ContentTask,
    ReportContent,
    ReportRequest,
    as_of,
    as_of_phrases,
)
from qmsdesk.reports.layout import KeepTogether
from qmsdesk.reports.story import Records, register_body
from qmsdesk.reports.suppliers_data import LOAD_BATCH, SupplierData, load_suppliers
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.log import needs_check
from qmsdesk.services.actions.records import ActionRow
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING, format_count, format_number, format_share
from qmsdesk.services.progress import Progress
from qmsdesk.services.suppliers import rules
from qmsdesk.services.suppliers.records import (
    CertificateRecord,
    ReviewRecord,
    SupplierRecord,
    SupplierRow,
)
from qmsdesk.services.suppliers.reviews import (
    ReviewSummary,
    load_bands,
    load_criteria,
    load_intervals,
)
from qmsdesk.services.suppliers.service import list_suppliers

SUBJECT = ("ISO 9001:2015 clause 8.4 — external providers: the approved supplier list, "
           "certificates, periodic evaluations on weighted criteria and measured KPIs, and the "
           "actions requested from suppliers")
REPORT_KEY = "suppliers"
OVERDUE = "Overdue"
CHART_IN = FRAME_WIDTH / 72
SCOPE_CHARS = 50  # the list keeps one row per supplier short; section 2 has the full scope
# Suppliers from which the body is made as it is read: each section holds its chart's
# picture until laid out (1 500 suppliers held whole peaked at 328 MB, made as read at 185).
LONG_SUPPLIERS = 1000
LONG_IN_GRID = 300  # a longer scope reads better full width, below the key facts
# Column widths in points (of 493): narrow columns fit their longest word at 8 pt.
LIST_WIDTHS = (48, 112, 52, 57, 50, 62, 112)
ACTION_WIDTHS = (48, 100, 48, 60, 58, 55, 50, 74)


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _count(value: int | None) -> str:
    return rules.NO_DATA if value is None else format_count(value)


def _percent(value: float | None) -> str:
    return rules.NO_DATA if value is None else format_share(value)


def _ppm(value: float | None) -> str:
    """Whole ppm from 100 up ("2,000 ppm"), one decimal below ("2.5 ppm"), halves up."""
    if value is None:
        return rules.NO_DATA
    return format_count(value, "ppm") if value >= 100 else format_share(value, "ppm")


def _due_cell(due: date | None, overdue: bool, missing: str = "Not scheduled") -> Cell:
    """A date with the word "Overdue" in bold when it has passed (not colour alone)."""
    if due is None:
        return missing
    if overdue:
        return rich(f"{due.isoformat()}<br/><b>{OVERDUE}</b>", styles().cell)
    return due.isoformat()


def validity(cert: CertificateRecord, today: date, with_date: bool = True) -> str:
    """Markup in words, not colour: "valid until 2027-05-01", "<b>expires within 60
    days</b> (2026-12-03)", "<b>EXPIRED</b> 2026-11-01"; ``with_date`` False leaves the date
    out. No day count: a reissue tomorrow of unchanged data must read the same."""
    until = cert.valid_until
    state = rules.certificate_state(until, today)
    if until is None or state == rules.NO_EXPIRY:
        return "no expiry date"
    on = f" {until.isoformat()}" if with_date else ""
    if state == rules.EXPIRED:
        return f"<b>EXPIRED</b>{on}"
    if state == rules.EXPIRING:
        return (f"<b>expires within {rules.CERTIFICATE_WARNING_DAYS} days</b>"
                + (f" ({until.isoformat()})" if with_date else ""))
    return f"valid until{on}" if with_date else "valid"


def _certificates_cell(record: SupplierRecord, today: date) -> Cell:
    if not record.certificates:
        return "None recorded"
    lines = [f"{markup(c.standard)}<br/>{validity(c, today)}" for c in record.certificates]
    return rich("<br/>".join(lines), styles().cell)


def _status_cell(d: SupplierData) -> Cell:
    """The status, and in words when it contradicts an expired certificate
    (rules.expired_while_approved, as the register and the dashboard flag it)."""
    if not d.row.approved_expired:
        return label(d.row.status)
    return rich(f"{label(d.row.status)}<br/><b>certificate expired</b>", styles().cell)


def _latest_cell(d: SupplierData) -> str:
    if not d.results:
        return "Draft only" if d.reviews else "Not reviewed"
    latest, previous = d.results[-1], d.results[-2] if len(d.results) > 1 else None
    arrow = rules.trend(latest.total, previous.total if previous else None)
    return f"{rules.format_total(latest.total)} · {latest.band or rules.NO_DATA} {arrow}".strip()


def _counts_line(data: Records[SupplierData], today: date) -> str:
    statuses = Counter(d.row.status for d in data)
    by_status = ", ".join(f"{statuses[s]} {s}" for s in rules.STATUSES if statuses[s])
    states = Counter(rules.certificate_state(c.valid_until, today)
                     for d in data for c in d.record.certificates)
    overdue = sum(d.row.overdue for d in data)
    return (f"{plural(len(data), 'supplier')} as of {today.isoformat()}: {by_status}. "
            f"Reviews overdue: {overdue}. Certificates expired: {states[rules.EXPIRED]}; "
            f"expiring within {rules.CERTIFICATE_WARNING_DAYS} days: {states[rules.EXPIRING]}; "
            "suppliers approved or preferred with an expired certificate: "
            f"{sum(bool(d.row.approved_expired) for d in data)}.")


def _supplier_list(data: Records[SupplierData], bands: Sequence[str],
                   today: date) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [para("1. Approved supplier list", st.h1)]
    if not data:
        return [*story, empty_note("No suppliers yet. Add the external providers whose "
                                   "products or services affect conformity (clause 8.4).")]
    story.append(para(_counts_line(data, today), st.body))
    rows: list[list[Cell]] = []
    for d in data:
        short = textwrap.shorten(d.record.scope, SCOPE_CHARS, placeholder=" …")
        scope = " · ".join(part for part in (d.record.category, short) if part)
        name = f"<b>{markup(d.row.name)}</b>" + (f"<br/>{markup(scope)}" if scope else "")
        rows.append([d.row.ref, rich(name, st.cell), label(d.row.criticality),
                     _status_cell(d), _latest_cell(d),
                     _next_review(d),
                     _certificates_cell(d.record, today)])
    story.append(data_table(["Ref", "Supplier · category · scope", "Criticality", "Status",
                             "Latest", "Next review", "Certificates"], rows, LIST_WIDTHS))
    story.append(para(
        "Latest: the total score (0–100) of the supplier's latest approved review and its band; "
        "↑ ↓ → compare it with the approved review before (a draft is not yet a result). "
        "Scopes are shortened here, in full in section 2. Certificates expiring within "
        f"{rules.CERTIFICATE_WARNING_DAYS} days are marked in words.", st.note))
    counts = Counter((d.results[-1].band if d.results else "") or rules.NO_DATA for d in data)
    chart = chart_image(suppliers_by_band, counts, list(bands), width=FRAME_WIDTH,
                        title="Suppliers by band (latest approved review)", width_in=CHART_IN,
                        height_in=2.3)
    story += [CondPageBreak(70 * mm), Spacer(1, 3 * mm), chart]
    return story


def _next_review(d: SupplierData) -> Cell:
    """A disqualified or archived supplier is no longer used: none is scheduled, whatever
    was stored."""
    if not rules.in_use(d.row.status):
        return f"None ({d.row.status})"
    return _due_cell(d.row.next_review, d.row.overdue)


def _facts(d: SupplierData, intervals: dict[str, int]) -> list[Flowable]:
    record = d.record
    months = rules.review_interval(record.criticality, record.review_interval_months, intervals)
    interval = f"{months} months" + ("" if record.review_interval_months is not None
                                     else f" (default for {record.criticality})")
    long_scope = len(record.scope) > LONG_IN_GRID
    pairs: list[tuple[str, Cell]] = [
        ("Scope", "See below" if long_scope else record.scope), ("Category", record.category),
        ("Criticality", label(record.criticality)), ("Status", label(record.status)),
        ("Contact", "\n".join(filter(None, (record.contact_person, record.email,
                                             record.phone)))),
        ("Next review", _next_review(d)),
        ("Review interval", interval), ("Interested party", d.row.party_ref or "Not linked")]
    story: list[Flowable] = [facts_table(pairs)]
    long = [(name, text) for name, text in (("Scope", record.scope if long_scope else ""),
                                            ("Notes", record.notes)) if text.strip()]
    if long:
        story.append(facts_table(long, columns=1, label_weight=2 * 1.3 / 5.3))
    return story


def _certificates(d: SupplierData, today: date) -> list[Flowable]:
    story = heading(f"Certificates ({markup(d.row.ref)})", styles().h3, 25 * mm)
    if not d.record.certificates:
        return [*story, empty_note("No certificates recorded.")]
    rows: list[list[Cell]] = [
        [c.standard, c.number, c.issuer, _iso(c.valid_until),
         rich(validity(c, today, with_date=False), styles().cell)]
        for c in d.record.certificates]
    story.append(data_table(["Standard", "Number", "Issuer", "Valid until", "Validity"], rows,
                            [1.6, 1.5, 2.2, 1.2, 2.2]))
    return story


def _history(d: SupplierData) -> list[Flowable]:
    story = heading(f"Status history ({markup(d.row.ref)})", styles().h3, 25 * mm)
    rows: list[list[Cell]] = [
        [_iso(h.changed_on), label(h.from_status), label(h.to_status), h.reason, h.changed_by]
        for h in d.record.history]
    if not rows:
        return [*story, empty_note("No status changes recorded.")]
    story.append(data_table(["Date", "From", "To", "Reason", "By"], rows,
                            [1.2, 1.15, 1.15, 4.4, 1.6], split_in_row=True))
    return story


def _reviews(d: SupplierData, bands: list[tuple[str, float]]) -> list[Flowable]:
    st = styles()
    story = heading(f"Reviews ({markup(d.row.ref)})", st.h3, 25 * mm)
    if not d.reviews:
        return [*story, empty_note("Not reviewed yet: no scorecard or score trend.")]
    rows: list[list[Cell]] = [
        [r.ref, _iso(r.review_date), label(r.kind), rules.format_total(r.total),
         r.band or rules.NO_DATA, label(r.decision) or "Not decided",
         _iso(r.approved_on) or "Draft"] for r in d.reviews]
    story.append(data_table(["Ref", "Review date", "Type", "Total", "Band", "Decision",
                             "Approved on"], rows, [1.1, 1.3, 1.3, 0.9, 1.1, 1.5, 1.4]))
    title = f"{d.row.ref} · total score over its " + (
        "approved reviews" if d.results else "draft reviews (not yet approved)")
    chart = chart_image(score_trend, [(r.review_date, r.total) for r in d.charted], bands,
                        title=title, width_in=CHART_IN, width=FRAME_WIDTH)
    story += [CondPageBreak(62 * mm), Spacer(1, 2 * mm), chart]
    return story


def _scores(review: ReviewRecord, summary: ReviewSummary) -> list[Flowable]:
    effective = dict(summary.score.weights)
    rows: list[list[Cell]] = [
        [s.criterion, format_number(s.weight, "%", max_decimals=2),
         score_text(s.score) if s.score is not None else "not scored",
         format_share(effective.get(s.criterion, 0.0)) if s.score is not None
         else "excluded"] for s in review.scores]
    story: list[Flowable] = [data_table(["Criterion", "Weight", "Score (0–100)",
                                         "Effective weight"], rows, [4.0, 1.2, 1.4, 1.6])]
    if summary.score.note:
        story.append(para(summary.score.note, styles().note))
    return story


def _kpis(review: ReviewRecord, summary: ReviewSummary) -> Flowable:
    def part_of(whole: int | None, part: int | None, word: str) -> str:
        return _count(whole) + (f" ({_count(part)} {word})" if part is not None else "")

    return facts_table([
        ("Deliveries", part_of(review.deliveries_total, review.deliveries_on_time, "on time")),
        ("On-time delivery", _percent(summary.on_time_pct)),
        ("Lots received", part_of(review.lots_received, review.lots_rejected, "rejected")),
        ("Lot acceptance", _percent(summary.lot_acceptance_pct)),
        ("Units received", part_of(review.units_received, review.units_rejected, "rejected")),
        ("Defect rate", _ppm(summary.defect_ppm))])


def _decision(review: ReviewRecord, summary: ReviewSummary) -> list[Flowable]:
    band = summary.band or rules.NO_DATA
    recommended = label(summary.recommended or "") or "None (no total)"
    approval = (f"Approved by {review.approved_by} on {_iso(review.approved_on)}"
                + (f" (signed: {review.signature})" if review.signature else "")
                if review.approved_on else "Not approved yet (draft)")
    period = f"{_iso(review.period_from)} – {_iso(review.period_to)}" \
        if review.period_from else ""
    pairs: list[tuple[str, Cell]] = [
        ("Reviewer", review.reviewer), ("Type", label(review.kind)), ("Period", period),
        ("Total / band", f"{rules.format_total(summary.score.total)} · band {band}"),
        ("Recommended", f"{recommended} (band {band})"),
        ("Decision" if review.approved_on else "Proposed decision (draft)",
         label(review.decision) or "Not decided"), ("Approval", approval)]
    long = [(name, text) for name, text in (("Strengths", review.strengths),
                                            ("Weaknesses", review.weaknesses),
                                            ("Comments", review.comments)) if text.strip()]
    story: list[Flowable] = [facts_table(pairs)]
    if long:
        story.append(facts_table(long, columns=1, label_weight=2 * 1.3 / 5.3))
    return story


def _latest_review(d: SupplierData) -> list[Flowable]:
    review, summary = d.latest, d.summary
    if review is None or summary is None:
        return []
    st = styles()
    rows = [(s.criterion, float(s.weight), None if s.score is None else float(s.score))
            for s in review.scores]
    chart = chart_image(scorecard, rows, summary.score.total, summary.band, title=review.ref,
                        width_in=CHART_IN, width=FRAME_WIDTH)
    title = f"Latest scorecard: {markup(review.ref)} of {_iso(review.review_date)}"
    if review.approved_on is None:
        title += " (draft, not yet approved)"
    later = d.reviews[d.reviews.index(d.charted[-1]) + 1:]  # drafts after the latest result
    drafts = [para(f"{r.ref} of {_iso(r.review_date)} is a draft, not yet approved; the "
                   "scorecard shows the latest approved review.", st.note) for r in later]
    # The chart reads with its table: both move to the next page rather than split.
    return [KeepTogether([rich(title, st.h3), *drafts, chart, Spacer(1, 2 * mm),
                          *_scores(review, summary)]),
            *heading(f"KPIs in the period ({markup(review.ref)})", st.h3, 30 * mm),
            _kpis(review, summary),
            *heading(f"Decision and approval ({markup(review.ref)})", st.h3, 35 * mm),
            *_decision(review, summary)]


def _effectiveness(action: ActionRow) -> Cell:
    if action.status in action_rules.OPEN_STATUSES:
        return f"Open, {action.progress} %"
    if action.status == "cancelled":
        return NOTHING
    if needs_check(action.kind, action.status, action.effectiveness):
        return rich("<b>Not checked</b>", styles().cell)
    if action.effectiveness == "not effective":
        return rich("<b>Not effective</b>", styles().cell)
    return label(action.effectiveness) or NOTHING


def _actions(d: SupplierData) -> list[Flowable]:
    st = styles()
    story = heading(f"Actions requested from the supplier ({markup(d.row.ref)})", st.h3,
                    25 * mm)
    if not d.actions:
        return [*story, empty_note("No actions raised from this supplier's reviews.")]
    open_ = sum(a.status in action_rules.OPEN_STATUSES for a in d.actions)
    overdue = sum(a.overdue for a in d.actions)
    failed = sum(a.effectiveness == "not effective" for a in d.actions)
    line = f"{plural(len(d.actions), 'action')} from its reviews: {open_} open"
    line += f", <b>{overdue} {OVERDUE.lower()}</b>" if overdue else ""
    line += f"; <b>{failed} judged not effective</b>" if failed else ""
    story.append(rich(line + ".", st.note))
    rows: list[list[Cell]] = [
        [a.ref, a.title, a.source_ref, label(a.kind), a.owner,
         _due_cell(a.due_date, a.overdue, "Not set"), label(a.status), _effectiveness(a)]
        for a in d.actions]
    story.append(data_table(["Ref", "Title", "Review", "Type", "Owner", "Due", "Status",
                             "Effectiveness"], rows, ACTION_WIDTHS, split_in_row=True))
    return story


def _method(criteria: Sequence[rules.Criterion], bands: Sequence[rules.Band],
            intervals: dict[str, int]) -> list[Flowable]:
    """How suppliers are evaluated (8.4.1): criteria and weights, the scoring, the bands and
    the decision each suggests, and when a supplier is evaluated again."""
    st = styles()
    decisions = rules.band_decisions(bands)
    ranked = rules.ranked(bands)
    story: list[Flowable] = [CondPageBreak(70 * mm),
                             *heading("2. How suppliers are evaluated", st.h1)]
    story.append(para(
        "Each criterion is scored 0–100 by the reviewer from the evidence of the period "
        "(deliveries, lots, complaints, certificates). The total is the weighted mean of the "
        "scores; a criterion not scored leaves the others' weights re-normalised to 100 %. "
        "The total's band suggests the decision; the approver decides, and the approved "
        "review sets the supplier's status.", st.body))
    story.append(data_table(["Criterion", "What is judged", "Weight"],
                            [[c.name, c.description, format_number(c.weight, "%")]
                             for c in criteria], (130, 300, 63)))
    story.append(Spacer(1, 2 * mm))
    rows: list[list[Cell]] = []
    for index, band in enumerate(ranked):
        upper = f" to below {format_number(ranked[index - 1].minimum)}" if index else " and above"
        rows.append([band.name, f"{format_number(band.minimum)}{upper}",
                     label(decisions.get(band.name, "")) or NOTHING])
    story.append(data_table(["Band", "Total", "Suggested decision"], rows, (80, 250, 163)))
    story.append(Spacer(1, 2 * mm))
    story.append(para(
        "Re-evaluation: every supplier is reviewed again when its next review date comes — "
        + ", ".join(f"{c} suppliers every {plural(m, 'month')}"
                    for c, m in intervals.items())
        + " unless set otherwise per supplier — and an expiring certificate is listed as "
          "due on its expiry date. A disqualified supplier is no longer reviewed.", st.body))
    return story


def _supplier_section(d: SupplierData, today: date, intervals: dict[str, int],
                      bands: list[tuple[str, float]]) -> list[Flowable]:
    st = styles()
    title = rich(f"{markup(d.row.ref)} — {markup(d.row.name)}", st.h2)
    return [
        CondPageBreak(80 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=2),
        KeepTogether([title, *_facts(d, intervals)]),
        *_certificates(d, today), *_history(d), *_reviews(d, bands), *_latest_review(d),
        *_actions(d), Spacer(1, 5 * mm)]


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The approved supplier list and every supplier's evaluation; yields Progress."""
    today = request.today
    yield Progress(0, 0, "Loading suppliers")
    rows = list_suppliers(db, today)
    bands, intervals = load_bands(db), load_intervals(db)
    total = len(rows) + 2
    data: Records[SupplierData] = Records(LONG_SUPPLIERS)
    for start in range(0, len(rows), LOAD_BATCH):
        batch = rows[start:start + LOAD_BATCH]
        yield Progress(1 + start, total, f"Supplier {batch[0].ref} {batch[0].name}")
        for supplier in load_suppliers(db, batch, bands, today):
            data.append(supplier)
    yield Progress(total - 1, total, "Writing the PDF")
    band_limits = [(band.name, band.minimum) for band in bands]
    criteria = load_criteria(db)

    def head() -> list[Flowable]:
        made = [*_supplier_list(data, [b.name for b in bands], today),
                *_method(criteria, bands, intervals),
                CondPageBreak(90 * mm), para("3. Supplier evaluations", styles().h1)]
        return made if data else [*made, empty_note("No suppliers recorded.")]

    story = register_body(head, data,
                          lambda supplier: _supplier_section(supplier, today, intervals,
                                                             band_limits),
                          evidence_section(db, ["supplier", "supplier review"], "4."))
    return ReportContent(REPORT_KEY, SUBJECT, as_of(today), story, as_of_phrases(today))


def supplier_copy(db: Database, row: SupplierRow, today: date) -> list[Flowable]:
    """One supplier's evaluation as the supplier itself may read it (its scorecard):
    certificates, reviews and their trend, the latest scorecard with its KPIs and the open
    actions requested of it; not its status history or the internal notes."""
    bands = load_bands(db)
    data = load_suppliers(db, [row], bands, today)[0]
    data.actions = [a for a in data.actions if a.status in action_rules.OPEN_STATUSES]
    story = [*_certificates(data, today), *_reviews(data, [(b.name, b.minimum) for b in bands]),
             *_latest_review(data)]
    if data.actions:
        return story + _actions(data)
    return [*story, *heading(f"Actions requested from the supplier ({markup(row.ref)})",
                             styles().h3, 25 * mm),
            empty_note("No open actions are requested of the supplier.")]
