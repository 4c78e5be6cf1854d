"""The interested-parties register (ISO 9001 4.2) as a controlled PDF report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer, Table
from reportlab.platypus.flowables import HRFlowable

from qmsdesk.models.db import Database
from qmsdesk.reports.archived_section import ArchivedLine, archived_section
from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts import GridPoint, power_interest_grid
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
from qmsdesk.services.dates import add_months, is_overdue
from qmsdesk.services.labels import label, plural
from qmsdesk.services.parties import rules
from qmsdesk.services.parties.records import PartyRecord, PartyRow
from qmsdesk.services.parties.service import archive_events, list_parties, parties_by_id
from qmsdesk.services.progress import Progress
from qmsdesk.services.records import records_in_batches

SUBJECT = ("ISO 9001:2015 clause 4.2 — interested parties relevant to the quality management "
           "system and their relevant requirements")
REPORT_KEY = "parties"
ENGAGEMENT_MONTHS = 12
OVERDUE = "Overdue"
QUADRANT_MEANING = {
    rules.MANAGE_CLOSELY: "high influence, high interest",
    rules.KEEP_SATISFIED: "high influence, low interest",
    rules.KEEP_INFORMED: "low influence, high interest",
    rules.MONITOR: "low influence, low interest",
}


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _due_cell(due: date | None, today: date) -> Cell:
    """A review date, with the word "Overdue" when it has passed (not colour alone)."""
    if due is None:
        return "Not scheduled"
    if is_overdue(due, today):
        return rich(f"{due.isoformat()}<br/><b>{OVERDUE}</b>", styles().cell)
    return due.isoformat()


def _summary(rows: Sequence[PartyRow], today: date) -> list[Flowable]:
    st = styles()
    overdue = sum(row.overdue for row in rows)
    internal = sum(row.internal for row in rows)
    story: list[Flowable] = [para("1. Summary", st.h1), para(
        f"{len(rows)} active interested parties ({internal} internal, "
        f"{len(rows) - internal} external). Reviews overdue as of {today.isoformat()}: "
        f"{overdue}.", st.body)]
    by_category = Counter(row.category for row in rows)
    by_quadrant = Counter(row.quadrant for row in rows)
    half = (FRAME_WIDTH - 6 * mm) / 2
    category_table = data_table(
        ["Category", "Parties"],
        [[label(c), str(by_category[c])] for c in rules.CATEGORIES], [3, 1], width=half)
    quadrant_table = data_table(
        ["Quadrant", "Meaning", "Parties"],
        [[q, QUADRANT_MEANING[q], str(by_quadrant[q])] for q in rules.QUADRANTS],
        [1.8, 3.1, 1.05], width=half)
    side_by_side = Table([[category_table, "", quadrant_table]],
                         colWidths=[half, 6 * mm, half], hAlign="LEFT")
    side_by_side.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    story.append(side_by_side)
    return story


def _chart(rows: Sequence[PartyRow]) -> list[Flowable]:
    st = styles()
    if not rows:
        return [para("3. Power/interest grid", st.h1),
                empty_note("No active interested parties to place on the grid.")]
    return [CondPageBreak(150 * mm), KeepTogether([
        para("3. Power/interest grid", st.h1),
        para(f"Each party is placed by its influence (vertical) and interest (horizontal) on a "
             f"1–5 scale; {rules.HIGH_FROM} and above counts as high. The marker shape shows "
             "the quadrant, the label the party's reference.", st.note),
        Spacer(1, 2 * mm),
        chart_image(power_interest_grid,
                    [GridPoint(r.ref, r.name, r.influence, r.interest) for r in rows],
                    width=125 * mm),
    ])]


def _register(rows: Sequence[PartyRow], today: date) -> list[Flowable]:
    st = styles()
    story = heading("2. Register", st.h1)
    if not rows:
        return [*story, empty_note("No active interested parties recorded.")]
    table_rows: list[list[Cell]] = [
        [row.ref, row.name, label(row.category), "Internal" if row.internal else "External",
         f"{row.influence} / {row.interest}", row.quadrant, row.owner,
         _due_cell(row.next_review, today)] for row in rows]
    story.append(data_table(
        ["Ref", "Name", "Category", "Int./ext.", "Infl. / int.", "Quadrant", "Owner",
         "Next review"], table_rows, [1.2, 2.7, 1.9, 1.15, 0.95, 1.55, 1.9, 1.45]))
    return story


def _contact(record: PartyRecord) -> str:
    return "\n".join(part for part in (record.contact_person, record.email, record.phone)
                     if part)


def _requirements(record: PartyRecord) -> list[Flowable]:
    st = styles()
    story = heading(f"Needs and expectations ({markup(record.ref)})", st.h3, 30 * mm)
    if not record.requirements:
        return [*story, empty_note("No requirements recorded.")]
    rows: list[list[Cell]] = [
        [req.description, label(req.kind), label(req.obligation) or "None", req.source,
         req.addressed_by] for req in record.requirements]
    story.append(data_table(["Description", "Type", "Compliance obligation", "Source",
                             "Addressed by"], rows, [3.6, 1.3, 1.4, 1.7, 2.4],
                            split_in_row=True))
    return story


def _engagements(record: PartyRecord, today: date) -> list[Flowable]:
    st = styles()
    since = add_months(today, -ENGAGEMENT_MONTHS)
    recent = sorted((e for e in record.engagements if e.on_date and e.on_date >= since),
                    key=lambda e: e.on_date or since, reverse=True)
    older = len(record.engagements) - len(recent)
    story = heading(f"Engagements since {since.isoformat()} ({markup(record.ref)})", st.h3,
                    30 * mm)
    if older:
        story.append(empty_note(
            f"{plural(older, 'earlier engagement')} (before {since.isoformat()}) "
            f"{'is' if older == 1 else 'are'} recorded in the register and not listed here."))
    if not recent:
        story.append(empty_note(f"No engagements recorded in the last {ENGAGEMENT_MONTHS} "
                                "months."))
        return story
    rows: list[list[Cell]] = [
        [_iso(e.on_date), label(e.kind), e.summary,
         f"{e.satisfaction} / 5" if e.satisfaction is not None else "", e.follow_up]
        for e in recent]
    story.append(data_table(["Date", "Kind", "Summary", "Satisfaction", "Follow-up"], rows,
                            [1.3, 1.1, 3.6, 1.5, 2.9], split_in_row=True))
    return story


def _party_section(record: PartyRecord, today: date) -> list[Flowable]:
    st = styles()
    kind = "internal" if record.internal else "external"
    facts: list[tuple[str, Cell]] = [
        ("Category", f"{label(record.category)} ({kind})"), ("Owner", record.owner),
        ("Contact", _contact(record)),
        ("Influence / interest", f"{record.influence} / {record.interest} — {record.quadrant}"),
        ("Monitoring method", record.monitoring_method),
        ("Frequency", label(record.monitoring_frequency)),
        ("Last review", _iso(record.last_review) or "Not yet reviewed"),
        ("Next review", _due_cell(record.next_review, today)),
        ("Review interval", f"{record.review_interval_months} months"),
        ("Focus", label(record.focus)),
    ]
    title = rich(f"{markup(record.ref)} — {markup(record.name)}", st.h2)
    story: list[Flowable] = [
        CondPageBreak(70 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=2),
        KeepTogether([title, facts_table(facts)]),
    ]
    if record.description.strip():
        story += [Spacer(1, 2 * mm),
                  rich(f"<b>Description:</b> {markup(record.description)}", st.body)]
    story += _requirements(record)
    story += _engagements(record, today)
    story.append(Spacer(1, 4 * mm))
    return story


def _archived(rows: Sequence[PartyRow],
              events: dict[str, tuple[date, str, str]]) -> list[Flowable]:
    """Archived parties are named, so a gap in the references is never unexplained."""
    none = (None, "", "")
    return archived_section(
        "Archived parties",
        f"{plural(len(rows), 'party', 'parties')} no longer in the active register; "
        "each is kept with its requirements, engagements and audit history. When and by "
        "whom it was archived comes from the audit trail.", "Category",
        [ArchivedLine(r.ref, r.name, label(r.category), *events.get(r.ref, none))
         for r in rows])


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The register of active interested parties as of ``request.today``; yields Progress."""
    today = request.today
    yield Progress(0, 0, "Loading interested parties")
    everyone = list_parties(db, today, include_archived=True)
    rows = [r for r in everyone if r.status == "active"]
    archived = [r for r in everyone if r.status != "active"]
    total = len(rows) + 3
    yield Progress(1, total, "Drawing the power/interest grid")
    archivers = archive_events(db) if archived else {}
    grid = _chart(rows)

    def head() -> list[Flowable]:
        made = [*_summary(rows, today), *_register(rows, today),
                *_archived(archived, archivers), *grid,
                CondPageBreak(90 * mm), para("4. Party details", styles().h1)]
        return made if rows else [*made, empty_note("No active interested parties recorded.")]

    records: Records[PartyRecord] = Records()
    for index, (row, record) in enumerate(records_in_batches(db, rows, parties_by_id)):
        yield Progress(2 + index, total, f"Reading {row.ref} {row.name}")
        records.append(record)
    story = register_body(head, records, lambda record: _party_section(record, today),
                          evidence_section(db, ["party"], "5."))
    yield Progress(total - 1, total, "Writing the PDF")
    # The as-of date and the engagement window's start move every day; what the register
    # says (which engagements fall inside the window) is in the rest of the text.
    since = add_months(today, -ENGAGEMENT_MONTHS).isoformat()
    volatile = (*as_of_phrases(today), f"since {since}", f"before {since}")
    return ReportContent(REPORT_KEY, SUBJECT, as_of(today), story, volatile)
