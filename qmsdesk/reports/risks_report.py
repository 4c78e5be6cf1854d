"""Context, risks and opportunities (ISO 9001 4.1, 6.1) as a controlled PDF report.

Findings first (high risks no open action addresses, evaluations of a treatment's
effectiveness that fell due without a result), then the context issues, the heat maps
before and after treatment, the register and each treatment plan with its actions and the
evaluation of its effectiveness (6.1.2 b).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable, Spacer, Table

from qmsdesk.models.db import Database
from qmsdesk.models.risks import Risk
from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts_risks import heat_map
from qmsdesk.reports.context_section import context_section, due_cell
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
from qmsdesk.services.actions.records import ActionRow
from qmsdesk.services.actions.service import list_actions
from qmsdesk.services.context.service import get_issue, list_issues
from qmsdesk.services.labels import label, plural
from qmsdesk.services.progress import Progress
from qmsdesk.services.records import archive_reasons
from qmsdesk.services.risks import rules
from qmsdesk.services.risks.matrix import load_matrix
from qmsdesk.services.risks.records import RiskRecord, RiskRow
from qmsdesk.services.risks.service import get_risk, list_risks
from qmsdesk.services.risks.traceability import objectives_citing

SUBJECT = ("ISO 9001:2015 clauses 4.1 and 6.1 — the context of the organisation, the risks "
           "and opportunities determined from it and from interested parties' requirements, "
           "their treatment, the actions taken and the evaluation of their effectiveness")
REPORT_KEY = "risks"
SOURCE = "risk or opportunity"  # the action log's name for actions raised from this register
OVERDUE = "Overdue"
NOT_DECIDED = "Not decided"
CHART_WIDTH = (FRAME_WIDTH - 6 * mm) / 2
# A one-column facts table whose label column lines up with a two-column one's (1.3 : 2).
ONE_COLUMN_LABEL = 2 * 1.3 / 5.3
KINDS = (("risk", "Risks"), ("opportunity", "Opportunities"))


@dataclass
class RiskData:
    """Everything the report prints, loaded in one pass."""

    rows: list[RiskRow]
    archived: list[RiskRow]
    records: dict[int, RiskRecord]
    actions: dict[str, list[ActionRow]]  # by the reference of the risk raising them
    objectives: dict[int, list[str]]  # by risk id: the objectives citing it
    matrix: rules.Matrix


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _rating(score: int | None, level: str) -> str:
    return f"{score} {level}" if score is not None and level else "Not rated"


def _findings(data: RiskData, today: date) -> list[Flowable]:
    st = styles()
    story = [*heading("1. Findings", st.h1, 50 * mm),
             para("Risks rated high (before treatment) that no open action addresses, as the "
                  "dashboard counts them, and evaluations of a treatment's effectiveness "
                  "(6.1.2 b) that fell due without a result. An empty list is the finding an "
                  "auditor hopes for.", st.note)]
    unaddressed = [r for r in data.rows if rules.row_needs_action(r)]
    story += heading("High risks without an open action", st.h3, 30 * mm)
    if unaddressed:
        story.append(data_table(
            ["Ref", "Risk", "Rating", "After treatment", "Treatment", "Owner", "Actions done"],
            [[r.ref, r.title, _rating(r.score, r.rating),
              _rating(r.residual_score, r.residual_rating), label(r.treatment) or NOT_DECIDED,
              r.owner, str(sum(a.status == "done" for a in data.actions.get(r.ref, [])))]
             for r in unaddressed], [1.1, 3.0, 1.1, 1.2, 1.3, 1.6, 1.0]))
    else:
        story.append(empty_note("Every high risk has an open action addressing it."))
    late = [(r, data.records[r.id]) for r in data.rows if r.id in data.records
            and not r.effectiveness and data.records[r.id].evaluation_due is not None
            and (data.records[r.id].evaluation_due or today) <= today]
    story += heading("Evaluations due without a result", st.h3, 30 * mm)
    if late:
        story.append(data_table(
            ["Ref", "Risk or opportunity", "Evaluation due", "Owner"],
            [[r.ref, r.title, _iso(record.evaluation_due), r.owner] for r, record in late],
            [1.1, 5.0, 1.4, 2.0]))
    else:
        story.append(empty_note("No evaluation of effectiveness is overdue."))
    return story


def _heat_maps(data: RiskData) -> list[Flowable]:
    st = styles()
    story = [CondPageBreak(110 * mm), para("3. Heat maps before and after treatment", st.h1),
             para("How many risks and opportunities sit in each cell of the organisation's "
                  "rating matrix (likelihood up, impact across), as assessed and as rated "
                  "after treatment. The cell's letter and pattern give its level "
                  "(L low, M medium, H high) in print without colour; for an opportunity, "
                  "high means worth pursuing.", st.note)]
    for kind, name in KINDS:
        rows = [row for row in data.rows if row.kind == kind]
        if not rows and kind == "opportunity":
            story.append(empty_note("No opportunities recorded."))
            continue
        unrated = sum(1 for row in rows if row.residual_likelihood is None)
        charts = [chart_image(heat_map, rules.heat_cells(rows), data.matrix,
                              f"{name} before treatment", width=CHART_WIDTH),
                  chart_image(heat_map, rules.heat_cells(rows, residual=True), data.matrix,
                              f"{name} after treatment", residual=True, width=CHART_WIDTH)]
        pair = Table([charts],
                     colWidths=[CHART_WIDTH + 3 * mm] * 2, hAlign="LEFT")
        pair.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
        note = (f"{plural(unrated, kind, name.lower())} not yet rated after treatment "
                f"{'is' if unrated == 1 else 'are'} left out of the second map."
                if unrated else "")
        story.append(KeepTogether([Spacer(1, 2 * mm), pair,
                                   *([para(note, st.note)] if note else [])]))
    return story


def _register(data: RiskData, today: date) -> list[Flowable]:
    st = styles()
    story = [*heading("4. Register of risks and opportunities", st.h1, 50 * mm),
             para("Rating: score (likelihood x impact) and level by the organisation's matrix, "
                  "before treatment and after it (residual). Sources: the context issues "
                  "(CTX), interested parties whose requirements (IP) and suppliers (SUP) "
                  "raised it.", st.note)]
    if not data.rows:
        return [*story, empty_note("No active risks or opportunities recorded.")]
    story.append(data_table(
        ["Ref", "Kind", "Title", "Sources", "Rating", "Residual", "Treatment", "Owner",
         "Next review"],
        [[r.ref, label(r.kind), r.title, r.sources, _rating(r.score, r.rating),
          _rating(r.residual_score, r.residual_rating), label(r.treatment) or NOT_DECIDED,
          r.owner, due_cell(r.next_review, today)] for r in data.rows],
        [1.05, 1.3, 2.0, 1.3, 1.0, 1.1, 1.25, 1.3, 1.4]))
    return story


def _action_cell(action: ActionRow) -> Cell:
    if action.overdue:
        return rich(f"{markup(_iso(action.due_date))}<br/><b>{OVERDUE}</b>", styles().cell)
    return _iso(action.due_date)


def _evaluation(record: RiskRecord) -> list[tuple[str, Cell]]:
    if record.effectiveness:
        result = f"{label(record.effectiveness)} ({_iso(record.evaluated_on)}, " \
                 f"{record.evaluated_by})"
    elif record.evaluation_due is not None:
        result = f"Planned for {_iso(record.evaluation_due)}"
    else:
        result = "Not planned"
    pairs: list[tuple[str, Cell]] = [("Effectiveness (6.1.2 b)", result)]
    if record.evaluation_notes.strip():
        pairs.append(("Evaluation notes", record.evaluation_notes))
    return pairs


def _plan(row: RiskRow, record: RiskRecord, actions: Sequence[ActionRow],
          objectives: Sequence[str]) -> list[Flowable]:
    st = styles()
    title = rich(f"{markup(row.ref)} — {markup(row.title)}", st.h2)
    treatment = label(record.treatment) or NOT_DECIDED
    if record.treatment_rationale.strip():
        treatment += f": {record.treatment_rationale}"
    facts: list[tuple[str, Cell]] = [
        ("Kind", label(row.kind)), ("Owner", row.owner),
        ("Rating", _rating(row.score, row.rating)),
        ("After treatment", _rating(row.residual_score, row.residual_rating)),
    ]
    # Free text reads full width, one field a row, and splits across pages if long.
    plan: list[tuple[str, Cell]] = [
        (name, text) for name, text in (("Description", record.description),
                                        ("Processes", record.processes),
                                        ("Cause", record.cause),
                                        ("Consequence", record.consequence)) if text.strip()]
    plan.append(("Treatment", treatment))
    if objectives:
        plan.append(("Objectives addressing it", "\n".join(objectives)))
    story: list[Flowable] = [
        CondPageBreak(60 * mm),
        HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=2, spaceAfter=2),
        KeepTogether([title, facts_table(facts), Spacer(1, 1.5 * mm),
                      facts_table(plan, columns=1, label_weight=ONE_COLUMN_LABEL)]),
    ]
    story += heading(f"Actions ({markup(row.ref)})", st.h3, 25 * mm)
    if actions:
        story.append(data_table(
            ["Ref", "Action", "Owner", "Due", "Status", "Done", "Effectiveness"],
            [[a.ref, a.title, a.owner, _action_cell(a), label(a.status), f"{a.progress} %",
              label(a.effectiveness) or ("Not checked" if a.status == "done" else "")]
             for a in actions], [1.0, 3.2, 1.5, 1.2, 1.1, 0.7, 1.3]))
    else:
        story.append(empty_note("No actions raised from it in the action log."))
    story += [Spacer(1, 1.5 * mm),
              facts_table(_evaluation(record), columns=1, label_weight=ONE_COLUMN_LABEL),
              Spacer(1, 3 * mm)]
    return story


def _plans(data: RiskData) -> list[Flowable]:
    st = styles()
    story = [CondPageBreak(90 * mm), para("5. Treatment plans", st.h1),
             para("For each risk and opportunity with a treatment decided or actions raised: "
                  "the treatment and its rationale, the actions from the action log, and how "
                  "and when their effectiveness was evaluated.", st.note)]
    planned = [r for r in data.rows if r.treatment or data.actions.get(r.ref)]
    undecided = [r for r in data.rows if r not in planned]
    if not planned:
        story.append(empty_note("No treatment decided yet."))
    for row in planned:
        story += _plan(row, data.records[row.id], data.actions.get(row.ref, []),
                       data.objectives.get(row.id, []))
    if undecided:
        story += heading("Treatment not yet decided", st.h3, 30 * mm)
        story.append(data_table(["Ref", "Risk or opportunity", "Rating", "Owner"],
                                [[r.ref, r.title, _rating(r.score, r.rating), r.owner]
                                 for r in undecided], [1.1, 5.0, 1.4, 2.0]))
    return story


def _reasons(db: Database) -> dict[str, str]:
    with db.read() as session:
        return archive_reasons(session, Risk)


def _archived(rows: Sequence[RiskRow], reasons: dict[str, str]) -> list[Flowable]:
    """Archived records are named, so a gap in the references is never unexplained."""
    if not rows:
        return []
    st = styles()
    return [*heading("Archived risks and opportunities", st.h2, 30 * mm),
            empty_note(f"{plural(len(rows), 'record')} no longer in the active register; each "
                       "is kept with its actions and audit history."),
            data_table(["Ref", "Kind", "Title", "Owner", "Why archived"],
                       [[r.ref, label(r.kind), r.title, r.owner, reasons.get(r.ref, "")]
                        for r in rows],
                       [1.1, 1.2, 3.6, 1.6, 2.8])]


def _summary(data: RiskData, issues: int, today: date) -> list[Flowable]:
    st = styles()
    risks = [r for r in data.rows if r.kind == "risk"]
    opportunities = [r for r in data.rows if r.kind == "opportunity"]
    high = sum(rules.is_high(r.rating) for r in risks)
    pairs: list[tuple[str, Cell]] = [
        ("Context issues", str(issues)),
        ("Risks", f"{len(risks)} ({high} high before treatment)"),
        ("Opportunities", str(len(opportunities))),
        ("High risks without an open action",
         str(sum(map(rules.row_needs_action, risks)))),
        ("Evaluated effective", str(sum(r.effectiveness == "effective" for r in data.rows))),
        ("Reviews overdue", str(sum(r.overdue for r in data.rows))),
    ]
    return [para("Summary", st.h1), para(f"As of {today.isoformat()}.", st.note),
            facts_table(pairs)]


def _load(db: Database, today: date) -> RiskData:
    everything = list_risks(db, today, include_archived=True)
    rows = [r for r in everything if r.status == "active"]
    actions: dict[str, list[ActionRow]] = defaultdict(list)
    for action in list_actions(db, today):
        if action.source == SOURCE and action.status != "cancelled":
            actions[action.source_ref].append(action)
    return RiskData(rows, [r for r in everything if r.status != "active"],
                    {r.id: get_risk(db, r.id) for r in rows}, dict(actions),
                    objectives_citing(db), load_matrix(db))


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The context and the risks register as of ``request.today``; yields Progress."""
    today = request.today
    total = 5
    yield Progress(0, total, "Loading context issues")
    issues = list_issues(db, today)
    issue_records = {row.id: get_issue(db, row.id) for row in issues}
    yield Progress(1, total, "Loading risks and opportunities")
    data = _load(db, today)
    yield Progress(2, total, "Drawing the heat maps")
    story: list[Flowable] = [*_summary(data, len(issues), today), *_findings(data, today),
                             *context_section(2, issues, issue_records, today),
                             *_heat_maps(data)]
    yield Progress(3, total, "Treatment plans")
    story += [*_register(data, today),
              *_archived(data.archived, _reasons(db) if data.archived else {}),
              *_plans(data), *evidence_section(db, ["context issue", "risk"], "6.")]
    yield Progress(4, total, "Writing the PDF")
    return ReportContent(REPORT_KEY, SUBJECT, as_of(today), story, as_of_phrases(today))
