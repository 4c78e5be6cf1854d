"""The quality policy and objectives (ISO 9001 5.2, 6.2) as a controlled PDF report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, ListFlowable, Spacer
from reportlab.platypus.flowables import HRFlowable

from qmsdesk.models.db import Database
from qmsdesk.reports.archived_section import archived_section, dated_lines
from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts import objective_trend
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
from qmsdesk.reports.fonts import FONT, markup
from qmsdesk.reports.issue import (
    ContentTask,
    ReportContent,
    ReportRequest,
    as_of,
    as_of_phrases,
)
from qmsdesk.reports.layout import KeepTogether
from qmsdesk.reports.story import Records, register_body
from qmsdesk.services.actions.records import ActionRow
from qmsdesk.services.actions.service import list_actions
from qmsdesk.services.archiving import archived_by, is_archived
from qmsdesk.services.labels import label, plural
from qmsdesk.services.objectives import rules
from qmsdesk.services.objectives.policy import PolicyRevision, current_policy
from qmsdesk.services.objectives.records import MeasurementRecord, ObjectiveRecord, ObjectiveRow
from qmsdesk.services.objectives.rules import format_number, target_text
from qmsdesk.services.objectives.service import list_objectives, objectives_by_id
from qmsdesk.services.progress import Progress
from qmsdesk.services.records import records_in_batches

SUBJECT = ("ISO 9001:2015 clauses 5.2 and 6.2 — the quality policy and the measurable quality "
           "objectives set against it, with their measurements and actions")
REPORT_KEY = "objectives"
OVERDUE = "Overdue"
MEASUREMENTS_LISTED = 24
# Column widths in points (of 493): each narrow column fits its longest word at 8 pt
# ("OBJ-2026-01", bold "Measurement", "2026-12-31", "Improvement", "Effectiveness").
SUMMARY_WIDTHS = (61, 117, 72, 56, 58, 72, 57)
ACTION_WIDTHS = (49, 97, 63, 56, 56, 53, 49, 70)
# Colour only adds to the health word printed in the cell (greyscale print keeps the word).
HEALTH_FILL = {
    rules.MEASUREMENT_OVERDUE: colors.HexColor("#FBE3E0"),
    rules.OFF_TRACK: colors.HexColor("#FBE3E0"),
    rules.AT_RISK: colors.HexColor("#FDF1D6"),
    rules.ON_TRACK: colors.HexColor("#E3F1E5"),
    rules.ACHIEVED: colors.HexColor("#E3F1E5"),
    rules.MISSED: colors.HexColor("#EDE0E0"),
}
NEEDS_ATTENTION = (rules.MEASUREMENT_OVERDUE, rules.OFF_TRACK, rules.AT_RISK)
DIRECTION_TEXT = {
    "increase": "Increase (higher is better)",
    "decrease": "Decrease (lower is better)",
    "band": "Band (stay within the range)",
}


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _health_cell(health: str) -> Cell:
    if health in NEEDS_ATTENTION:
        return rich(f"<b>{markup(label(health))}</b>", styles().cell)
    return label(health)


def _policy(policy: PolicyRevision | None) -> list[Flowable]:
    st = styles()
    story: list[Flowable] = [para("1. Quality policy", st.h1)]
    if policy is None:
        return [*story, empty_note(
            "No quality policy recorded. Top management establishes and approves the policy "
            "(clause 5.2); record its first revision so that objectives can be set against "
            "its commitments.")]
    story.append(para(policy.statement, st.body))
    if policy.commitments:
        story.append(para("The policy commits the organisation:", st.h3))
        story.append(ListFlowable(
            [para(commitment, st.body) for commitment in policy.commitments],
            bulletType="bullet", start="•", bulletFontName=FONT, bulletFontSize=9,
            leftIndent=12, bulletOffsetY=0))
    signed = f" Signed: {markup(policy.signature)}." if policy.signature else ""
    story.append(rich(
        f"Revision {policy.revision}, approved by {markup(policy.approved_by)} on "
        f"{policy.approved_on.isoformat()}.{signed}", st.note))
    return story


def _latest(row: ObjectiveRow) -> str:
    if row.latest_value is None:
        return "None yet"
    return f"{format_number(row.latest_value, row.unit)}\n{_iso(row.latest_date)}"


def health_counts(rows: Sequence[ObjectiveRow]) -> str:
    """ "2 on track, 1 off track" in the order of rules.HEALTHS (worst first)."""
    counts = Counter(row.health for row in rows)
    return ", ".join(f"{counts[h]} {h}" for h in rules.HEALTHS if counts[h])


def _summary(rows: Sequence[ObjectiveRow], today: date) -> list[Flowable]:
    st = styles()
    story = heading("2. Objectives at a glance", st.h1)
    if not rows:
        return [*story, empty_note("No quality objectives recorded yet. Add measurable "
                                   "objectives (clause 6.2), each supporting a policy "
                                   "commitment.")]
    story.append(para(f"{plural(len(rows), 'objective')} as of {today.isoformat()}: "
                      f"{health_counts(rows)}.", st.body))
    table_rows: list[list[Cell]] = [
        [row.ref, row.title, row.owner, row.target_text, _latest(row), _health_cell(row.health),
         _iso(row.due_date)] for row in rows]
    table = data_table(["Ref", "Title", "Owner", "Target", "Latest", "Health", "Due"],
                       table_rows, SUMMARY_WIDTHS)
    table.setStyle([("BACKGROUND", (5, index), (5, index), HEALTH_FILL[row.health])
                    for index, row in enumerate(rows, start=1) if row.health in HEALTH_FILL])
    story.append(table)
    story.append(para("Health follows one rule for every objective: the latest measurement "
                      "against the straight line from the baseline on the start date to the "
                      "target on the due date; a period without its measurement shows as "
                      "measurement overdue.", st.note))
    return story


def _commitment_cell(commitment: str, policy: PolicyRevision | None) -> str:
    if policy is not None and commitment and commitment not in policy.commitments:
        return f"{commitment}\n(not a commitment of policy revision {policy.revision})"
    return commitment


def _facts(record: ObjectiveRecord, row: ObjectiveRow,
           policy: PolicyRevision | None) -> list[Flowable]:
    unit = record.unit
    short: list[tuple[str, Cell]] = [
        ("KPI", record.kpi_name), ("Unit", unit),
        ("Baseline", format_number(record.baseline, unit)),
        ("Target", target_text(record.direction, record.target, record.target_max, unit)),
        ("Direction", DIRECTION_TEXT.get(record.direction, label(record.direction))),
        ("Frequency", label(record.frequency)),
        ("Start / due", f"{_iso(record.start_date)} – {_iso(record.due_date)}"),
        ("Owner", record.owner), ("Process", record.process),
        # A segment is an interested party; an objective per site or process has none,
        # which does not make it the whole organisation's (its title and process say).
        ("Segment", row.segment or "None (not tied to one interested party)"),
        ("Status", label(record.status)), ("Health", _health_cell(row.health)),
    ]
    long: list[tuple[str, Cell]] = [
        ("Policy commitment supported", _commitment_cell(record.policy_commitment, policy)),
        ("Resources", record.resources), ("How evaluated", record.evaluation),
    ]
    if record.description.strip():
        long.insert(0, ("Description", record.description))
    # Label column as wide as in the two-pair table above, so the two read as one grid.
    return [facts_table(short), facts_table(long, columns=1, label_weight=2 * 1.3 / 5.3)]


def _chart(record: ObjectiveRecord) -> list[Flowable]:
    if record.start_date is None or record.due_date is None or record.baseline is None \
            or record.target is None:
        return [empty_note("No trend chart: the objective has no baseline, target or dates.")]
    points = [(m.on_date, float(m.value)) for m in record.measurements
              if m.on_date is not None and m.value is not None]
    chart = chart_image(objective_trend, points, record.baseline, record.target,
                        record.target_max, record.direction, record.start_date,
                        record.due_date, record.unit,
                        title=f"{record.ref} · {record.kpi_name} against target",
                        width_in=FRAME_WIDTH / 72, height_in=2.6, width=FRAME_WIDTH)
    return [Spacer(1, 3 * mm), chart]


def _measurements(record: ObjectiveRecord) -> list[Flowable]:
    st = styles()
    story = heading(f"Measurements ({markup(record.ref)})", st.h3, 30 * mm)
    dated = sorted(record.measurements, key=lambda m: m.on_date or date.min)
    if not dated:
        return [*story, empty_note("No measurements recorded yet.")]
    listed: list[MeasurementRecord] = dated[-MEASUREMENTS_LISTED:]
    older = len(dated) - len(listed)
    if older:
        story.append(empty_note(
            f"The latest {len(listed)} are listed; {plural(older, 'earlier measurement')} "
            f"(before {_iso(listed[0].on_date)}) {'is' if older == 1 else 'are'} recorded in "
            "the register and shown in the chart."))
    rows: list[list[Cell]] = [
        [m.period, _iso(m.on_date), format_number(m.value, record.unit), m.comment,
         m.recorded_by] for m in listed]
    story.append(data_table(["Period", "Date", "Value", "Comment", "Recorded by"], rows,
                            [1.1, 1.3, 1.3, 4.4, 1.9], split_in_row=True))
    return story


def _due_cell(action: ActionRow) -> Cell:
    """The due date, with the word "Overdue" in bold when it has passed (not colour alone)."""
    if action.due_date is None:
        return "Not set"
    if action.overdue:
        return rich(f"{action.due_date.isoformat()}<br/><b>{OVERDUE}</b>", styles().cell)
    return action.due_date.isoformat()


def _effectiveness(action: ActionRow) -> str:
    """The check's result; "Not checked" only once there is something to check (done)."""
    if action.effectiveness:
        return label(action.effectiveness)
    return "Not checked" if action.status == "done" else ""


def _actions(record: ObjectiveRecord, actions: Sequence[ActionRow]) -> list[Flowable]:
    st = styles()
    story = heading(f"Action log ({markup(record.ref)})", st.h3, 30 * mm)
    if not actions:
        return [*story, empty_note("No actions recorded for this objective.")]
    overdue = sum(action.overdue for action in actions)
    if overdue:
        story.append(rich(f"<b>{plural(overdue, 'action')} {OVERDUE.lower()}</b> "
                          "(due date passed, not done).", st.note))
    rows: list[list[Cell]] = [
        [a.ref, a.title, label(a.kind), a.owner, _due_cell(a), label(a.status),
         f"{a.progress} %", _effectiveness(a)] for a in actions]
    story.append(data_table(
        ["Ref", "Title", "Type", "Owner", "Due", "Status", "Progress", "Effectiveness"], rows,
        ACTION_WIDTHS, split_in_row=True))
    return story


def _objective_section(record: ObjectiveRecord, row: ObjectiveRow, actions: Sequence[ActionRow],
                       policy: PolicyRevision | None,
                       lead: Sequence[Flowable] = ()) -> list[Flowable]:
    """One objective in detail; ``lead`` (the section's heading, before the first) stays on
    the page of the objective's title and facts, never alone at the foot of the one before."""
    st = styles()
    title = rich(f"{markup(record.ref)} — {markup(record.title)}", st.h2)
    rule = HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=2)
    return [
        CondPageBreak(90 * mm),
        KeepTogether([*lead, rule, title, *_facts(record, row, policy)]),
        *_chart(record),
        *_measurements(record),
        *_actions(record, actions),
        Spacer(1, 5 * mm),
    ]


# An objective's section: its place in the register, record, line and actions.
Objective = tuple[int, ObjectiveRecord, ObjectiveRow, list[ActionRow]]


def _archived(rows: Sequence[ObjectiveRow],
              archivers: dict[str, tuple[date, str]]) -> list[Flowable]:
    """Objectives decided and archived: named, with when, who and why, not detailed."""
    return archived_section(
        "Archived objectives",
        f"{plural(len(rows), 'objective')} decided and archived out of the working lists; "
        "each is kept with its measurements, actions and audit history.", "Outcome",
        dated_lines(rows, archivers, lambda r: label(r.status)))


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The policy and every objective with its chart, measurements and actions."""
    today = request.today
    yield Progress(0, 0, "Loading the quality policy and objectives")
    policy = current_policy(db)
    everything = list_objectives(db, today, include_archived=True)
    rows = [r for r in everything if not is_archived(r)]
    archived = [r for r in everything if is_archived(r)]
    total = len(rows) + 2
    archivers = archived_by(db, "objective") if archived else {}
    heading = para("3. Objectives in detail", styles().h1)

    def head() -> list[Flowable]:
        made = [*_policy(policy), *_summary(rows, today), *_archived(archived, archivers)]
        if not rows:
            made += [CondPageBreak(90 * mm), heading,
                     empty_note("No quality objectives recorded.")]
        return made

    objectives: Records[Objective] = Records()
    for index, (row, record) in enumerate(records_in_batches(db, rows, objectives_by_id)):
        yield Progress(1 + index, total, f"Objective {row.ref} {row.title}")
        objectives.append((index, record, row, list_actions(db, today, objective_id=row.id)))
    yield Progress(total - 1, total, "Writing the PDF")

    def section(objective: Objective) -> list[Flowable]:
        index, record, row, actions = objective
        return _objective_section(record, row, actions, policy,
                                  lead=[heading] if index == 0 else [])

    body = register_body(head, objectives, section, evidence_section(db, ["objective"], "4."))
    return ReportContent(REPORT_KEY, SUBJECT, as_of(today), body, as_of_phrases(today))
