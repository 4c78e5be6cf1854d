"""The context of the organisation (ISO 9001 4.1) as a report section: the issues by SWOT,
and the external ones by PESTLE factor."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from qmsdesk.reports.document import (
    FRAME_WIDTH,
    Cell,
    data_table,
    empty_note,
    heading,
    para,
    rich,
    styles,
)
from qmsdesk.reports.layout import KeepTogether
from qmsdesk.services.context import rules
from qmsdesk.services.context.records import ContextIssueRecord, ContextIssueRow
from qmsdesk.services.dates import is_overdue
from qmsdesk.services.labels import label, plural
from qmsdesk.services.review_inputs.context import (
    ADDED,
    ARCHIVED,
    CHANGED,
    RESTORED,
    ContextChanges,
)

OVERDUE = "Overdue"
SWOT_HEADINGS = {"strength": "Strengths (internal)", "weakness": "Weaknesses (internal)",
                 "opportunity": "Opportunities (external)", "threat": "Threats (external)"}


def due_cell(due: date | None, today: date) -> Cell:
    """A review date, with the word "Overdue" when it has passed (not colour alone)."""
    if due is None:
        return "Not scheduled"
    if is_overdue(due, today):
        return rich(f"{due.isoformat()}<br/><b>{OVERDUE}</b>", styles().cell)
    return due.isoformat()


def _counts(rows: Sequence[ContextIssueRow]) -> list[Flowable]:
    """SWOT counts beside the external issues' PESTLE factors (opportunities / threats)."""
    half = (FRAME_WIDTH - 6 * mm) / 2
    swot = Counter(row.swot for row in rows)
    swot_table = data_table(["SWOT", "Origin", "Issues"],
                            [[label(s), label(next(o for o, kinds in rules.SWOT_OF.items()
                                                   if s in kinds)), str(swot[s])]
                             for s in rules.SWOT], [1.6, 1.2, 0.9], width=half)
    pestle = Counter((row.pestle, row.swot) for row in rows if row.origin == "external")
    pestle_table = data_table(
        ["PESTLE", "Opportunities", "Threats"],
        [[label(p), str(pestle[(p, "opportunity")]), str(pestle[(p, "threat")])]
         for p in rules.PESTLE], [1.6, 1.2, 1.0], width=half)
    side_by_side = Table([[swot_table, "", pestle_table]], colWidths=[half, 6 * mm, half],
                         hAlign="LEFT")
    side_by_side.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return [side_by_side]


def context_section(number: int, rows: Sequence[ContextIssueRow],
                    records: dict[int, ContextIssueRecord], today: date) -> list[Flowable]:
    """Section ``number``: the active issues grouped by SWOT, each with its PESTLE factor,
    its effect on the QMS, the parties it concerns, its owner and next review."""
    st = styles()
    story = [*heading(f"{number}. Context of the organisation (4.1)", st.h1, 60 * mm),
             para("Internal issues are strengths or weaknesses, external ones opportunities "
                  "or threats, sorted by PESTLE factor (political, economic, social, "
                  "technological, legal, environmental). They are the ground from which the "
                  "risks and opportunities of section 4 are determined.", st.note)]
    if not rows:
        return [*story, empty_note("No context issues recorded.")]
    story += _counts(rows)
    for swot in rules.SWOT:
        group = [row for row in rows if row.swot == swot]
        title = para(SWOT_HEADINGS[swot], st.h2)
        if not group:
            story.append(KeepTogether([title, empty_note(
                f"No {SWOT_HEADINGS[swot].split()[0].lower()} recorded.")]))
            continue
        # The heading goes with the table (or, for a long one, with its first rows).
        story.append(KeepTogether([title, data_table(
            ["Ref", "Issue", "PESTLE", "Effect on the QMS", "Parties", "Owner", "Next review"],
            [[row.ref, row.title, label(row.pestle) if row.pestle else "Internal",
              records[row.id].effect if row.id in records else "", row.parties, row.owner,
              due_cell(row.next_review, today)] for row in group],
            [1.25, 2.2, 1.55, 2.7, 1.1, 1.2, 1.35])]))
    return story


def context_changes_section(data: ContextChanges) -> list[Flowable]:
    """9.3.2 b, external and internal issues: what changed in the period and the issues
    as they stand now (management-review pack)."""
    st = styles()
    plurals = {"weakness": "weaknesses", "opportunity": "opportunities"}
    counts = ", ".join(plural(n, swot, plurals.get(swot)) for swot, n in data.by_swot.items())
    story: list[Flowable] = [para(
        f"External and internal issues (4.1) now: {counts}. Changes recorded in the "
        f"period: {data.count(ADDED)} added, {data.count(CHANGED)} changed, "
        f"{data.count(ARCHIVED)} archived, {data.count(RESTORED)} restored.", st.body)]
    if data.changes:
        story.append(data_table(
            ["Date", "Ref", "Issue", "Change"],
            [[change.on.isoformat(), change.ref, change.title,
              label(change.change) + (f": {change.fields}" if change.fields else "")]
             for change in data.changes], [1.2, 1.1, 4.2, 2.6]))
    return story
