"""The traceability matrix as a controlled PDF report: for each interested-party requirement
that is a compliance obligation or belongs to a party to manage closely, the chain
requirement -> risks and opportunities -> objectives -> actions -> effectiveness, gaps first
counted, then shown where they are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, HRFlowable

from qmsdesk.models.db import Database
from qmsdesk.reports.document import (
    RULE,
    Cell,
    data_table,
    empty_note,
    heading,
    para,
    rich,
    styles,
)
from qmsdesk.reports.fonts import markup
from qmsdesk.reports.issue import (
    ContentTask,
    ReportContent,
    ReportRequest,
    as_of,
    as_of_phrases,
)
from qmsdesk.reports.layout import KeepTogether
from qmsdesk.services.labels import label
from qmsdesk.services.numbers import NOTHING
from qmsdesk.services.progress import Progress
from qmsdesk.services.risks import traceability as trace

SUBJECT = ("ISO 9001:2015 clauses 4.2, 6.1, 6.2 and 10.2 — from each compliance obligation "
           "and each requirement of a party to manage closely, the risks and opportunities it "
           "raised, the objectives and actions that answer them and whether they worked")
REPORT_KEY = "traceability"
OVERDUE = "Overdue"
NO_GAP = "None"
# What each gap means and what its count counts, in trace.GAPS order.
GAP_MEANING = {
    trace.NO_RISK: ("requirements", "No active risk or opportunity was determined from it."),
    trace.NO_ACTION: ("risks and opportunities",
                      "Treated (or not yet decided) but no action in the log, directly or "
                      "through an objective; accepting a risk or declining an opportunity "
                      "needs a rationale instead."),
    trace.ACTION_OVERDUE: ("actions", "An action of the chain is past its due date."),
    trace.NOT_CHECKED: ("risks and opportunities",
                        "The evaluation of effectiveness fell due without a result, or an "
                        "action is done and its effectiveness was not checked."),
}


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _gap_places(matrix: trace.Traceability) -> dict[str, list[str]]:
    """Gap -> the references where it shows, each once, in the matrix's order; a party's
    requirements without a risk as its reference and how many ("IP-0002 (3)")."""
    places: dict[str, list[str]] = {gap: [] for gap in trace.GAPS}
    unassessed: dict[str, int] = {}

    def add(gap: str, ref: str) -> None:
        if ref not in places[gap]:
            places[gap].append(ref)

    for row in matrix.rows:
        if trace.NO_RISK in row.gaps:
            unassessed[row.party_ref] = unassessed.get(row.party_ref, 0) + 1
        for risk in row.risks:
            for gap in (trace.NO_ACTION, trace.NOT_CHECKED):
                if gap in risk.gaps:
                    add(gap, risk.ref)
            for action in risk.actions:
                if action.overdue:
                    add(trace.ACTION_OVERDUE, action.ref)
    places[trace.NO_RISK] = [f"{ref} ({count})" if count > 1 else ref
                             for ref, count in unassessed.items()]
    return places


def _summary(matrix: trace.Traceability) -> list[Flowable]:
    st = styles()
    counts = matrix.counts
    story = [para("Summary of gaps", st.h1),
             para(f"As of {matrix.as_of.isoformat()}: {counts.requirements} requirements "
                  f"traced, {counts.complete} with a complete chain and no gap. Each gap is "
                  "counted once per thing it concerns (a risk cited by two requirements lacks "
                  "its action once).", st.body)]
    places = _gap_places(matrix)
    rows: list[list[Cell]] = [
        [rich(f"<b>{markup(label(gap))}</b>", st.cell), str(count), GAP_MEANING[gap][0],
         GAP_MEANING[gap][1], ", ".join(places[gap])]
        for gap, count in counts.by_gap().items()]
    story.append(data_table(["Gap", "Count", "Counted in", "Meaning", "Where"], rows,
                            [1.5, 0.7, 1.4, 3.6, 2.6]))
    story.append(para("A requirement is traced when it is a compliance obligation (legal or "
                      "contractual) or its party is to be managed closely (high influence and "
                      "high interest). Archived parties and risks, and cancelled objectives "
                      "and actions, are left out.", st.note))
    return story


def _gaps_cell(gaps: Sequence[str]) -> Cell:
    if not gaps:
        return NO_GAP
    return rich("<br/>".join(f"<b>{markup(label(gap))}</b>" for gap in gaps), styles().cell)


def _risk_cell(risk: trace.TraceRisk) -> Cell:
    after = f" → {risk.residual_rating}" if risk.residual_rating else ""
    treatment = label(risk.treatment) or "Treatment not decided"
    if risk.rationale.strip():
        treatment += f": {risk.rationale}"
    return (f"{risk.ref} {risk.title}\n{label(risk.kind)}, {risk.rating}{after}\n"
            f"{treatment}")


def _actions_cell(risk: trace.TraceRisk) -> Cell:
    if not risk.actions:
        return NOTHING
    lines = []
    for action in risk.actions:
        via = f" (via {markup(action.via)})" if action.via != risk.ref else ""
        due = f", due {_iso(action.due_date)}" if action.due_date else ""
        late = f" <b>{OVERDUE}</b>" if action.overdue else ""
        lines.append(f"{markup(action.ref)} {markup(action.title)}{via}: "
                     f"{markup(action.status)}{due}{late}")
    return rich("<br/>".join(lines), styles().cell)


def _effectiveness_cell(risk: trace.TraceRisk) -> str:
    if risk.effectiveness:
        return f"{label(risk.effectiveness)} (evaluated {_iso(risk.evaluated_on)})"
    checked = [f"{a.ref} {a.effectiveness}" for a in risk.actions if a.effectiveness]
    lines = [f"Action check: {', '.join(checked)}"] if checked else []
    if trace.NOT_CHECKED in risk.gaps:
        lines.append("Not checked")
    elif risk.evaluation_due is not None:
        lines.append(f"Evaluation planned {_iso(risk.evaluation_due)}")
    else:
        lines.append("Not yet evaluated")
    return "\n".join(lines)


def _requirement(row: trace.TraceRow) -> list[Flowable]:
    st = styles()
    title = rich(f"{markup(row.party_ref)} {markup(row.party_name)}: "
                 f"{markup(row.requirement)}", st.h3)
    why = para(f"Traced as: {row.why}.", st.note)
    head: list[Flowable] = [
        HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2, spaceAfter=1),
        title, why]
    if not row.risks:
        return [CondPageBreak(25 * mm), KeepTogether([*head, rich(
            f"<b>Gap: {markup(trace.NO_RISK)}</b> — no active risk or opportunity was "
            "determined from this requirement.", st.body)])]
    table = data_table(
        ["Risk or opportunity", "Objectives", "Actions", "Effectiveness", "Gaps"],
        [[_risk_cell(risk), "\n".join(f"{o.ref} {o.title}" for o in risk.objectives),
          _actions_cell(risk), _effectiveness_cell(risk), _gaps_cell(risk.gaps)]
         for risk in row.risks], [2.5, 1.7, 2.9, 1.7, 1.7])
    return [CondPageBreak(40 * mm), KeepTogether([*head, table])]


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The matrix as of ``request.today``; yields Progress."""
    today = request.today
    yield Progress(0, 2, "Tracing requirements to risks, objectives and actions")
    matrix = trace.traceability(db, today)
    st = styles()
    story: list[Flowable] = [*_summary(matrix), *heading("Matrix", st.h1, 50 * mm),
                             para("Parties in reference order, each party's requirements in "
                                  "the order entered. A chain runs left to right: the risk or "
                                  "opportunity, the objectives citing it, the actions raised "
                                  "from either, and the result of the evaluation.", st.note)]
    if not matrix.rows:
        story.append(empty_note("No requirement is a compliance obligation or belongs to a "
                                "party to manage closely: there is nothing to trace."))
    for row in matrix.rows:
        story += _requirement(row)
    yield Progress(1, 2, "Writing the PDF")
    return ReportContent(REPORT_KEY, SUBJECT, as_of(today), story, as_of_phrases(today))
