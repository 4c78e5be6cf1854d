"""The management-review input pack (ISO 9001 9.3.2) for a period, as a controlled PDF.

Eight sections in the order of clause 9.3.2, each bookmarked and listed in the table of
contents, with a chart wherever the section has data. Every judgement is made as of the
period's last day, so the same data and the same period always print the same text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import date
from typing import TYPE_CHECKING, Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer
from sqlalchemy.engine import URL

from qmsdesk.models.audit import Anchor, ChainReport, verify_chain_at
from qmsdesk.models.db import Database
from qmsdesk.reports import chart_pool
from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts import GridPoint, power_interest_grid
from qmsdesk.reports.charts_dashboard import band_bars, count_bars, health_bars, satisfaction_trend
from qmsdesk.reports.context_section import context_changes_section
from qmsdesk.reports.document import (
    FRAME_WIDTH,
    Cell,
    data_table,
    empty_note,
    facts_table,
    heading,
    para,
    rich,
    styles,
    table_of_contents,
)
from qmsdesk.reports.fonts import markup
from qmsdesk.reports.issue import ContentTask, ReportContent, ReportRequest
from qmsdesk.reports.layout import KeepTogether
from qmsdesk.reports.management_review_risks import risks_section
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.labels import label, one_decimal, plural
from qmsdesk.services.objectives import rules as objective_rules
from qmsdesk.services.progress import Progress
from qmsdesk.services.review_inputs import (
    ActionEffectiveness,
    DueReview,
    ObjectivesMet,
    PartyChanges,
    PreviousReviews,
    ProviderPerformance,
    ReviewInputs,
    Satisfaction,
    SatisfactionTrend,
    review_inputs,
)
from qmsdesk.services.review_inputs.context import ContextChanges

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REPORT_KEY = "management-review"
SUBJECT = ("ISO 9001:2015 clause 9.3.2 — inputs to the management review: the status of "
           "earlier decisions, changes, performance and opportunities for improvement")
SECTIONS = (
    "1. Status of actions from previous management reviews",
    "2. Changes in interested parties and their requirements",
    "3. Customer satisfaction and feedback from interested parties",
    "4. Extent to which quality objectives have been met",
    "5. Performance of external providers",
    "6. Effectiveness of actions taken",
    "7. Effectiveness of actions taken to address risks and opportunities",
    "8. Opportunities for improvement",
)
CHART_WIDTH = 85 * mm
OVERDUE = "Overdue"
# Which register an opportunity comes from, by the prefix of its source reference.
NOT_COVERED = (
    "Also to bring to the meeting (clause 9.3.2), as QMS Desk does not hold them: process "
    "performance and conformity of products and services (c 3), monitoring and measurement "
    "results other than the quality objectives (c 5), audit results (c 6; audits logged as "
    "exchanges with interested parties appear in section 3) and adequacy of resources (d).")
ORIGINS = {"OBJ": "Objectives", "ACT": "Actions", "SUP": "Suppliers", "IP": "Interested parties",
           "RO": "Risks and opportunities"}


def _source(ref: str, source: str) -> str:
    return ref or ("Standalone" if source == "none" else label(source))


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _chart(builder: Callable[..., Figure], *args: Any, width: float = CHART_WIDTH,
           **kwargs: Any) -> Flowable:
    # Clear of the table above and below.
    return chart_image(builder, *args, width=width, **kwargs).spaced(3 * mm)


def _section(index: int, intro: str) -> list[Flowable]:
    st = styles()
    return [*heading(SECTIONS[index], st.h1, min_space=60 * mm), para(intro, st.note)]


def _subheading(text: str) -> list[Flowable]:
    return heading(markup(text), styles().h3, min_space=30 * mm)


# --- 1 ---------------------------------------------------------------------------------------
def _previous_reviews(data: PreviousReviews) -> list[Flowable]:
    st = styles()
    story = _section(0, "Every management review recorded up to the end of the period, most "
                        "recent first, with the actions it decided and where they stand now.")
    if not data.reviews:
        return [*story, empty_note(
            "No management reviews are recorded before the end of the period. Record each "
            "meeting and the actions it decides, so the next pack can follow them up.")]
    total = sum(data.by_status.values())
    story.append(para(f"{plural(total, 'action')} from {plural(len(data.reviews), 'review')}; "
                      f"{plural(data.overdue, 'action')} overdue.", st.body))
    if total:
        story.append(_chart(count_bars, {label(k): v for k, v in data.by_status.items()},
                            "Actions from previous reviews by status", what="Actions"))
    for review in data.reviews:
        block = _subheading(f"{review.ref} — held {review.held_on.isoformat()} (period "
                            f"{review.period_from.isoformat()} to "
                            f"{review.period_to.isoformat()})")
        who = "; ".join(part for part in (
            f"Chaired by {review.chair}" if review.chair else "",
            "attended by " + ", ".join(line.strip() for line in review.attendees.splitlines()
                                       if line.strip()) if review.attendees.strip() else ""
        ) if part)
        if who:
            block.append(para(f"{who}.", st.note))
        if review.conclusions:
            block.append(para(review.conclusions, st.body))
        rows: list[list[Cell]] = [
            [a.ref, a.title, a.owner, _overdue_cell(_date(a.due_date), a.overdue),
             label(a.status), _effectiveness_word(a.status, a.effectiveness)]
            for a in review.actions]
        table = (data_table(["Ref", "Action", "Owner", "Due", "Status", "Effectiveness"],
                            rows, [1.1, 3.4, 1.5, 1.3, 1.2, 1.7])
                 if rows else empty_note("No actions were recorded for this review."))
        # a short meeting stays in one piece (block[0] is the heading's conditional break)
        story += [block[0], KeepTogether([*block[1:], table])] if len(rows) <= 8 \
            else [*block, table]
    return story


def _effectiveness_word(status: str, effectiveness: str) -> str | None:
    if effectiveness:
        return label(effectiveness)
    return "Not checked yet" if status == "done" else None


def _overdue_cell(text: str, overdue: bool) -> Cell:
    """A due date with the word "Overdue" under it (not colour alone)."""
    if not overdue:
        return text
    return rich(f"{markup(text)}<br/><b>{OVERDUE}</b>", styles().cell)


# --- 2 ---------------------------------------------------------------------------------------
def _parties(data: PartyChanges, overdue: Sequence[DueReview],
             context: ContextChanges) -> list[Flowable]:
    st = styles()
    story = _section(1, "Changes recorded in the audit trail during the period in the "
                        "external and internal issues and in the interested parties, and "
                        "where they stand now.")
    story += context_changes_section(context)
    story.append(facts_table([
        ("Parties added", str(len(data.added))),
        ("Archived or restored", str(len(data.archived_or_restored))),
        ("Influence or interest changed", str(len(data.relevance_changes))),
        ("Requirement changes", str(len(data.requirement_changes))),
    ]))
    if data.grid:
        story += [Spacer(1, 2 * mm), KeepTogether([
            para("Power/interest grid of the active parties as the register stands today; "
                 "the marker shape shows the quadrant.", st.note),
            _chart(power_interest_grid, [GridPoint(p.ref, p.name, p.influence, p.interest)
                                         for p in data.grid], width=100 * mm)])]
    events = [*data.added, *data.archived_or_restored]
    if events:
        story += _subheading("Parties added, archived or restored")
        story.append(data_table(
            ["Date", "Ref", "Party", "Category", "Change"],
            [[_date(e.on), e.ref, e.name, label(e.category), label(e.event)]
             for e in sorted(events, key=lambda e: (e.on, e.ref))], [1.2, 1.0, 3.6, 1.4, 1.2]))
    if data.relevance_changes:
        story += _subheading("Changes in relevance")
        story.append(data_table(
            ["Date", "Ref", "Party", "What", "From", "To"],
            [[_date(c.on), c.ref, c.name, label(c.field), c.old, c.new]
             for c in data.relevance_changes], [1.2, 1.0, 3.0, 1.3, 1.2, 1.2]))
    if data.requirement_changes:
        story += _subheading("Changes in requirements")
        story.append(data_table(
            ["Date", "Party", "Change", "Requirement"],
            [[_date(c.on), f"{c.party_ref} {c.party_name}", label(c.change),
              c.requirement if not c.field else f"{c.requirement} ({label(c.field)}: "
              f"{c.old or '—'} → {c.new or '—'})"] for c in data.requirement_changes],
            [1.2, 2.6, 1.1, 5.0], split_in_row=True))
    if not (events or data.relevance_changes or data.requirement_changes):
        story.append(empty_note("No interested party or requirement changed in the period."))
    story += _overdue_reviews(overdue, "Party reviews overdue at the end of the period")
    return story


def _overdue_reviews(overdue: Sequence[DueReview], title: str) -> list[Flowable]:
    if not overdue:
        return []
    return [*_subheading(title), data_table(["Ref", "Name", "Review was due"],
                                            [[r.ref, r.name, r.due.isoformat()]
                                             for r in overdue], [1.0, 5.0, 1.6])]


# --- 3 ---------------------------------------------------------------------------------------
def _trend_text(trend: SatisfactionTrend) -> str:
    if trend.average is None:
        return "no scores"
    before = (f"previous period {one_decimal(trend.previous_average)} from "
              f"{plural(trend.previous_scored, 'score')}"
              if trend.previous_average is not None else "no earlier scores")
    return (f"{one_decimal(trend.average)} of 5 from {plural(trend.scored, 'score')} — "
            f"{trend.word} ({before})")


def _satisfaction(data: Satisfaction) -> list[Flowable]:
    story = _section(2, "From the engagement log: meetings, surveys, complaints and other "
                        "exchanges dated in the period. The score is how satisfied the party "
                        "was with us (1 very dissatisfied – 5 very satisfied); a change of "
                        "less than 0.2 counts as unchanged. The previous period is "
                        f"{data.previous_from.isoformat()} to {data.previous_to.isoformat()}.")
    story.append(facts_table([
        ("Customers", _trend_text(data.customers)),
        ("All interested parties", _trend_text(data.overall)),
        ("Exchanges logged", str(len(data.engagements))),
        ("With a score", str(data.overall.scored)),
    ]))
    if any(m.scored for m in data.monthly):
        story.append(_chart(
            satisfaction_trend,
            {"All parties": [(m.month, m.average) for m in data.monthly],
             "Customers": [(m.month, m.average) for m in data.customer_monthly]},
            "Average satisfaction per month (1–5); n: scores that month, all parties",
            counts=[m.scored for m in data.monthly], width=FRAME_WIDTH * 0.85))
    if data.declined:
        story += _subheading("Parties whose satisfaction fell")
        story.append(data_table(
            ["Ref", "Party", "Category", "Previous", "This period"],
            [[p.ref, p.name, label(p.category), one_decimal(p.previous_average),
              one_decimal(p.average)] for p in data.declined], [1.0, 3.6, 1.4, 1.1, 1.1]))
    if data.engagements:
        story += _subheading("Feedback in the period")
        story.append(data_table(
            ["Date", "Party", "Kind", "Summary", "Score"],
            [[_date(e.on), f"{e.party_ref} {e.party_name}", label(e.kind), e.summary,
              str(e.satisfaction) if e.satisfaction is not None else None]
             for e in data.engagements], [1.2, 2.6, 1.2, 4.2, 0.8], split_in_row=True))
    else:
        story.append(empty_note("No exchanges with interested parties are logged in the period."))
    return story


# --- 4 ---------------------------------------------------------------------------------------
def _objectives(data: ObjectivesMet) -> list[Flowable]:
    story = _section(3, "Objectives active during the period, judged on the measurements "
                        "dated up to its last day. Health compares the latest value with the "
                        "planned path from the baseline to the target at that date: an "
                        "objective can be on track while still short of its final target.")
    if not data.objectives:
        return [*story, empty_note("No quality objectives were active in the period.")]
    story.append(_chart(health_bars, dict(data.by_health),
                        "Objectives by health at the end of the period"))
    story.append(data_table(
        ["Ref", "Objective", "Target", "Latest", "Health", "Open actions"],
        [[o.ref, o.title, o.target_text,
          f"{o.latest_text} ({_date(o.latest_on)})" if o.latest_on else None,
          label(o.health), str(o.open_actions)] for o in data.objectives],
        [1.45, 3.3, 1.5, 1.9, 1.3, 0.9]))
    return story


# --- 5 ---------------------------------------------------------------------------------------
def _providers(data: ProviderPerformance, overdue: Sequence[DueReview]) -> list[Flowable]:
    st = styles()
    story = _section(4, "Supplier evaluations signed off in the period, where the suppliers "
                        "stand at its end, status changes and certificates needing attention. "
                        "A supplier's band is decided on its score as printed.")
    if any(data.by_band.values()):
        story.append(_chart(band_bars, dict(data.by_band), "Suppliers by band (latest review)"))
        story.append(para("Band of each supplier's latest signed-off evaluation; "
                          "disqualified suppliers are not counted.", st.note))
    story += _subheading("Evaluations signed off in the period")
    story.append(data_table(
        ["Date", "Supplier", "Review", "Score", "Band", "Decision"],
        [[_date(r.review_date), f"{r.supplier_ref} {r.supplier_name}", r.review_ref,
          r.total_text, r.band or None, label(r.decision)] for r in data.reviews],
        [1.2, 3.6, 1.1, 0.9, 0.8, 1.4]) if data.reviews
        else empty_note("No supplier evaluation was signed off in the period."))
    if data.conditional_or_disqualified or data.low_band:
        story += _subheading("Suppliers needing attention")
        standing = {(s.supplier_ref, s.status): s
                    for s in (*data.conditional_or_disqualified, *data.low_band)}
        story.append(data_table(
            ["Supplier", "Status", "Since", "Band", "Score", "Reason"],
            [[f"{s.supplier_ref} {s.supplier_name}", label(s.status), _date(s.since),
              s.band or None, s.total_text or None, s.reason or None]
             for s in sorted(standing.values(), key=lambda s: s.supplier_ref)],
            [3.0, 1.2, 1.1, 0.7, 0.8, 3.0]))
        story.append(para(f"Listed: suppliers conditional or disqualified, and those whose "
                          f"latest evaluation is in band {' or '.join(data.lowest_bands)}.",
                          st.note))
    story += _overdue_reviews(overdue, "Supplier evaluations overdue at the end of the period")
    if data.status_changes:
        story += _subheading("Status changes in the period")
        story.append(data_table(
            ["Date", "Supplier", "From", "To", "Reason"],
            [[_date(c.on), f"{c.supplier_ref} {c.supplier_name}",
              label(c.from_status) or "(new)", label(c.to_status), c.reason]
             for c in data.status_changes], [1.2, 3.0, 1.1, 1.1, 3.4]))
    if data.certificates:
        story += _subheading("Certificates expired or expiring")
        story.append(data_table(
            ["Supplier", "Certificate", "Valid until", "State"],
            [[f"{c.supplier_ref} {c.supplier_name}", f"{c.standard} {c.number}".strip(),
              _date(c.valid_until), c.warning] for c in data.certificates],
            [3.2, 2.2, 1.2, 3.0]))
    return story


# --- 6 ---------------------------------------------------------------------------------------
def _effectiveness(data: ActionEffectiveness) -> list[Flowable]:
    story = _section(5, "Effectiveness checks made in the period (ISO 9001 10.2.1 d), "
                        "corrections and corrective actions still open, and actions completed "
                        "in the period that still await their check.")
    if data.checks:
        story.append(_chart(count_bars, {label(k): v for k, v in data.by_result.items()},
                            "Effectiveness checks in the period", what="Checks"))
        story.append(data_table(
            ["Checked", "Action", "Source", "Result", "Checked by"],
            [[_date(c.checked_on), f"{c.ref} {c.title}", _source(c.source_ref, c.source),
              label(c.result), c.checked_by] for c in data.checks],
            [1.2, 4.0, 1.4, 1.3, 1.6]))
    else:
        story.append(empty_note("No effectiveness check was recorded in the period."))
    if data.still_open:
        story += _subheading("Corrections, corrective and preventive actions still open")
        story.append(data_table(
            ["Ref", "Action", "Type", "Owner", "Due", "Done", "Source"],
            [[a.ref, a.title, label(a.kind), a.owner, _overdue_cell(_date(a.due_date),
                                                                  a.overdue),
              f"{a.progress} %", _source(a.source_ref, a.source)] for a in data.still_open],
            [1.0, 3.2, 1.1, 1.5, 1.2, 0.7, 1.2]))
    if data.awaiting:
        story += _subheading("Completed, awaiting the effectiveness check")
        story.append(data_table(
            ["Completed", "Action", "Owner", "Source"],
            [[_date(a.completed_on), f"{a.ref} {a.title}", a.owner,
              _source(a.source_ref, a.source)] for a in data.awaiting], [1.2, 4.4, 1.8, 1.4]))
    return story


# --- 8 ---------------------------------------------------------------------------------------
def _opportunities(inputs: ReviewInputs) -> list[Flowable]:
    items = inputs.opportunities
    story = _section(7, "Drawn from sections 1 to 7: objectives off track or at risk, actions "
                        "and risk treatments that did not work, weak suppliers, falling "
                        "satisfaction, improvement actions still open and overdue actions. A "
                        "starting list for the review's decisions (9.3.3).")
    if not items:
        return [*story, empty_note("Nothing in the records points to an opportunity for "
                                   "improvement in this period.")]
    origins = Counter(ORIGINS.get(item.source_ref.split("-")[0], "Other") for item in items)
    story.append(_chart(count_bars, {k: origins[k] for k in (*ORIGINS.values(), "Other")
                                     if origins[k]}, "Opportunities by register",
                        what="Opportunities"))
    story.append(data_table(["No.", "Source", "Opportunity", "Why"],
                            [[str(n), i.source_ref, i.what, i.why]
                             for n, i in enumerate(items, start=1)],
                            [0.5, 1.3, 3.6, 4.4], split_in_row=True))
    return story


def _decisions() -> list[Flowable]:
    """A ruled table for the meeting's decisions, to fill in by hand on the printed pack."""
    st = styles()
    blank = [[Spacer(1, 9 * mm), Spacer(1, 9 * mm), Spacer(1, 9 * mm)] for _ in range(6)]
    return [CondPageBreak(80 * mm), para("Decisions and actions (to complete at the meeting)",
                                         st.h3),
            para("Outputs of the review (9.3.3): improvement opportunities, changes to the "
                 "quality management system, resource needs. Record them afterwards as a "
                 "management review in QMS Desk, each action with its owner and due date.",
                 st.note),
            data_table(["Decision or action", "Owner", "Due"], blank, [6.0, 2.0, 1.4])]


def _summary(inputs: ReviewInputs) -> list[Flowable]:
    st = styles()
    previous = inputs.previous_reviews
    open_actions = sum(v for k, v in previous.by_status.items()
                       if k in action_rules.OPEN_STATUSES)
    health = inputs.objectives.by_health
    pairs: list[tuple[str, Cell]] = [
        ("Statuses as of", inputs.period_to.isoformat()),
        ("Open actions from earlier reviews",
         f"{open_actions} ({previous.overdue} overdue)"),
        ("Customer satisfaction", _trend_text(inputs.satisfaction.customers)),
        ("Objectives", f"{len(inputs.objectives.objectives)}: "
                       f"{health.get(objective_rules.ACHIEVED, 0)} achieved, "
                       f"{health.get(objective_rules.ON_TRACK, 0)} on track, "
                       f"{health.get(objective_rules.MISSED, 0)} missed"),
        ("Supplier evaluations signed off", str(len(inputs.providers.reviews))),
        ("Effectiveness checks", f"{len(inputs.effectiveness.checks)} of actions, "
                                 f"{len(inputs.risks.evaluations)} of risk treatments"),
        ("Open corrections, corrective and preventive actions",
         str(inputs.effectiveness.open_corrective)),
        ("Opportunities listed", str(len(inputs.opportunities))),
    ]
    return [facts_table(pairs), Spacer(1, 3 * mm),
            rich(f"<b>{markup(inputs.audit_status)}</b>", st.body),
            para("The audit trail is the hash-chained record of every change since the "
                 "database was created; it is checked each time this pack is produced.",
                 st.note),
            para(NOT_COVERED, st.note)]


def _check_trail_aside(url: URL, anchor: Anchor | None) -> Future[ChainReport] | None:
    """The audit trail's check in a worker process, beside the gathering and the layout
    (a database in memory has no second connection: it is checked here)."""
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    return chart_pool.submit(verify_chain_at, url, anchor)


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The input pack for ``request.period_from`` .. ``request.period_to``; yields Progress."""
    start, end = request.period_from, request.period_to
    if start is None or end is None:
        raise ValidationError({"period_from" if start is None else "period_to":
                               "The management-review pack needs a period (from and to)."})
    total = len(SECTIONS) + 2
    yield Progress(0, total, "Gathering the review inputs")
    inputs = review_inputs(db, start, end, request.today, check_trail=_check_trail_aside)
    st = styles()
    story: list[Flowable] = []
    builders: Sequence[Callable[[], list[Flowable]]] = (
        lambda: _previous_reviews(inputs.previous_reviews),
        lambda: _parties(inputs.parties, inputs.party_reviews_overdue, inputs.context),
        lambda: _satisfaction(inputs.satisfaction),
        lambda: _objectives(inputs.objectives),
        lambda: _providers(inputs.providers, inputs.supplier_reviews_overdue),
        lambda: _effectiveness(inputs.effectiveness),
        lambda: risks_section(SECTIONS[6], inputs.risks),
        lambda: _opportunities(inputs),
    )
    for index, build in enumerate(builders):
        yield Progress(1 + index, total, SECTIONS[index])
        story += build()
    story += _decisions()
    # The cover last: its audit-trail line waits for the check a worker made meanwhile.
    story[:0] = [*_summary(inputs), Spacer(1, 4 * mm), para("Contents", st.h3),
                 table_of_contents(), PageBreak()]
    yield Progress(total - 1, total, "Writing the PDF")
    period = f"{start.isoformat()} to {end.isoformat()}"
    # The trail's size moves with every change anywhere (an approval of this pack too): a
    # state at issue, like the control block's anchor, not what the pack says.
    return ReportContent(REPORT_KEY, SUBJECT, period, story, (inputs.audit_status,))
