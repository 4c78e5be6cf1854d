"""The management-review pack's section on 9.3.2 e: the effectiveness of actions taken to
address risks and opportunities, from the risks register and the actions raised from it."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts_dashboard import count_bars
from qmsdesk.reports.document import (
    data_table,
    empty_note,
    facts_table,
    heading,
    para,
    styles,
)
from qmsdesk.services.labels import label
from qmsdesk.services.review_inputs import RiskEffectiveness

CHART_WIDTH = 85 * mm
INTRO = ("Evaluations of the effectiveness of risk and opportunity treatments made in the "
         "period (ISO 9001 6.1.2 b), the actions raised from the risks register, evaluations "
         "that fell due without a result, and high risks no open action addressed at the "
         "period's end. Details of each treatment are in the report 'Context, risks and "
         "opportunities'.")


def _date(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _rating(before: str, after: str) -> str:
    return f"{before} → {after}" if after else f"{before} (not rated after)"


def risks_section(title: str, data: RiskEffectiveness) -> list[Flowable]:
    """The section headed ``title``; every judgement as of the period's end."""
    st = styles()
    story = [*heading(title, st.h1, min_space=60 * mm), para(INTRO, st.note)]
    if not data.risks and not data.opportunities:
        return [*story, empty_note("No risks or opportunities are recorded: nothing to "
                                   "evaluate yet (see clause 6.1).")]
    story.append(facts_table([
        ("Active risks / opportunities", f"{data.risks} / {data.opportunities}"),
        ("Treatments evaluated in the period", str(len(data.evaluations))),
        ("Actions from risks completed in the period", str(data.actions_completed)),
        ("Actions from risks open at the end", f"{data.actions_open} "
                                               f"({data.actions_overdue} overdue)"),
    ]))
    if data.evaluations:
        story.append(chart_image(count_bars, {label(k): v for k, v in data.by_result.items()},
                                 "Treatment evaluations in the period", what="Evaluations",
                                 width=CHART_WIDTH).spaced(3 * mm))
        story.append(data_table(
            ["Evaluated", "Risk or opportunity", "Treatment", "Rating", "Result", "By"],
            [[_date(e.evaluated_on), f"{e.ref} {e.title}\n{label(e.kind)}",
              label(e.treatment), _rating(e.rating, e.residual_rating), label(e.result),
              e.evaluated_by] for e in data.evaluations],
            [1.2, 3.4, 1.1, 1.5, 1.2, 1.5]))
        notes = [e for e in data.evaluations if e.notes.strip()]
        if notes:
            story += heading("Evaluation notes", st.h3, 25 * mm)
            story.append(data_table(["Ref", "Notes"], [[e.ref, e.notes] for e in notes],
                                    [1.2, 8.7]))
    else:
        story.append(empty_note("No treatment was evaluated in the period."))
    if data.awaited:
        story += heading("Evaluations due without a result", st.h3, 30 * mm)
        story.append(data_table(
            ["Due", "Risk or opportunity", "Owner"],
            [[_date(a.due), f"{a.ref} {a.title}", a.owner] for a in data.awaited],
            [1.2, 6.2, 2.2]))
    story += heading("High risks without an open action", st.h3, 30 * mm)
    story.append(para("Rated high before treatment, as the dashboard counts them; the rating "
                      "after treatment shows whether the risk is still high.", st.note))
    if data.unaddressed:
        story.append(data_table(
            ["Ref", "Risk", "Rating", "After treatment", "Treatment", "Owner"],
            [[r.ref, r.title, label(r.rating), label(r.residual_rating) or "Not rated",
              label(r.treatment) or "Not decided", r.owner]
             for r in data.unaddressed], [1.1, 3.8, 1.0, 1.2, 1.2, 1.7]))
    else:
        story.append(empty_note("Every high risk had an open action at the period's end."))
    return story
