"""The action log (ISO 9001 6.1, 10.2) as a controlled PDF: the CAPA log an auditor asks
for first. Overdue actions first, then the other open ones, then the closed ones with the
check of their effectiveness; counts by source and type; the flow month by month."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from qmsdesk.models.db import Database
from qmsdesk.reports.archived_section import archived_section, dated_lines
from qmsdesk.reports.chart_images import chart_image
from qmsdesk.reports.charts_dashboard import count_bars, opened_closed
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
)
from qmsdesk.reports.evidence_section import evidence_section
from qmsdesk.reports.fonts import markup
from qmsdesk.reports.issue import ContentTask, ReportContent, ReportRequest, as_of, as_of_phrases
from qmsdesk.reports.layout import KeepTogether
from qmsdesk.reports.long_table import RowsOf
from qmsdesk.services.actions import rules
from qmsdesk.services.actions.log import NOT_CHECKED, ActionLog, LogEntry, action_log
from qmsdesk.services.archiving import archived_by
from qmsdesk.services.labels import label, plural
from qmsdesk.services.numbers import NOTHING, format_count
from qmsdesk.services.progress import Progress

SUBJECT = ("ISO 9001:2015 clauses 6.1 and 10.2 — the actions taken to address risks, "
           "nonconformities and opportunities, their closure and the check of their "
           "effectiveness")
REPORT_KEY = "actions"
_LOG_HEADER = ("Reference", "Action", "Source", "Type", "Owner", "Due", "Status")
_LOG_WEIGHTS = (62, 150, 80, 62, 70, 55, 55)
_CLOSED_HEADER = ("Reference", "Action", "Source", "Type", "Closed", "Effectiveness",
                  "Checked by / on")
_CLOSED_WEIGHTS = (62, 140, 75, 60, 55, 70, 80)
_SIGNED_HEADER = ("Reference", "Checked by / on", "Signature (meaning, login, time, content)")
_SIGNED_WEIGHTS = (62, 110, 370)


def _iso(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def _source(entry: LogEntry) -> str:
    if entry.source == rules.NO_SOURCE:
        return NOTHING
    return f"{label(entry.source)} {entry.source_ref}".strip()


def _open_row(entry: LogEntry) -> list[Cell]:
    status = label(entry.status)
    if entry.overdue:
        status = rich(f"<b>Overdue {entry.days_overdue} d</b>", styles().cell)
    return [entry.ref, entry.title, _source(entry), label(entry.kind), entry.owner,
            _iso(entry.due_date), status]


def _closed_row(entry: LogEntry) -> list[Cell]:
    result: Cell = label(entry.effectiveness) if entry.effectiveness else NOTHING
    if entry.effectiveness in (NOT_CHECKED, "not effective"):
        result = rich(f"<b>{markup(label(entry.effectiveness))}</b>", styles().cell)
    checked = _checked(entry) + (", signed" if entry.effectiveness_signature else "")
    closed = _iso(entry.completed_on) if entry.status == "done" else label(entry.status)
    return [entry.ref, entry.title, _source(entry), label(entry.kind), closed, result,
            checked]


def _checked(entry: LogEntry) -> str:
    return " ".join(part for part in (entry.effectiveness_by, _iso(entry.effectiveness_on))
                    if part)


def _signed_rows(log: ActionLog) -> list[list[Cell]]:
    """The signed effectiveness checks: who signed which check, when, meaning what."""
    return [[e.ref, _checked(e), e.effectiveness_signature] for e in log.closed()
            if e.effectiveness_signature]


def _archived(db: Database, log: ActionLog) -> list[Flowable]:
    """Finished actions archived out of the working lists, named with when, who and why."""
    archived = log.archived()
    return archived_section(
        "Archived actions",
        f"{plural(len(archived), 'finished action')} archived out of the working lists; "
        "each stays above with its closure and effectiveness check.", "Outcome",
        dated_lines(archived, archived_by(db, "action") if archived else {},
                    lambda e: label(e.status)))


def _summary(log: ActionLog) -> list[Flowable]:
    entries = log.entries
    statuses = Counter(e.status for e in entries)
    checks = log.effectiveness()
    pairs: list[tuple[str, Cell]] = [
        ("Actions in the log", format_count(len(entries))),
        ("Open (of them overdue)", f"{format_count(len(log.open_on_time()) + len(log.overdue()))}"
                                   f" ({format_count(len(log.overdue()))})"),
        ("Done", format_count(statuses.get("done", 0))),
        ("Cancelled", format_count(statuses.get("cancelled", 0))),
        ("Judged effective", format_count(checks.get("effective", 0))),
        ("Partly / not effective", f"{format_count(checks.get('partly', 0))} / "
                                   f"{format_count(checks.get('not effective', 0))}"),
        ("Corrective, done, not checked", format_count(checks.get(NOT_CHECKED, 0))),
        ("Done, no check needed", format_count(checks.get(NOTHING, 0))),
    ]
    kinds = rules.KINDS
    sources = [s for s in rules.SOURCES if any(e.source == s for e in entries)]
    by = Counter((e.source, e.kind) for e in entries)
    matrix = [[label(source) if source != rules.NO_SOURCE else "No source",
               *(format_count(by[(source, kind)]) for kind in kinds),
               format_count(sum(by[(source, kind)] for kind in kinds))]
              for source in sources]
    story: list[Flowable] = [*heading("1. Summary", styles().h1), facts_table(pairs),
                             Spacer(1, 4 * mm)]
    if matrix:
        story += [para("Actions by source and type (all statuses)", styles().h2),
                  data_table(("Source", *(label(kind) for kind in kinds), "Total"), matrix,
                             (120, *([70] * len(kinds)), 60))]
    return story


def _charts(log: ActionLog) -> list[Flowable]:
    months = log.months
    flow = chart_image(opened_closed, [m.label.replace(" ", "\n") for m in months],
                       [m.opened for m in months], [m.closed for m in months],
                       title="Actions opened, closed and overdue per month",
                       width_in=6.6, height_in=2.6, overdue=[m.overdue for m in months],
                       width=FRAME_WIDTH)
    sources = {label(source) if source != rules.NO_SOURCE else "No source": count
               for source, count in sorted(log.by_source().items())}
    by_source = chart_image(count_bars, sources or {"No actions": 0}, "Actions by source",
                            width_in=6.6, height_in=2.4, what="Actions", width=FRAME_WIDTH)
    return [CondPageBreak(80 * mm), *heading("2. The flow of actions", styles().h1),
            KeepTogether([flow]), Spacer(1, 3 * mm), KeepTogether([by_source])]


def _section(title: str, header: Sequence[str], rows: Sequence[list[Cell]],
             weights: Sequence[float], none: str) -> list[Flowable]:
    story: list[Flowable] = [*heading(title, styles().h1)]
    story.append(data_table(header, rows, weights) if rows else empty_note(none))
    return story


def content(db: Database, request: ReportRequest) -> ContentTask:
    """The whole action log as of ``request.today``; yields Progress."""
    yield Progress(0, 3, "Loading the action log")
    log = action_log(db, request.today)
    yield Progress(1, 3, "Drawing the charts")
    story = [*_summary(log), *_charts(log)]
    story += _section("3. Overdue actions", _LOG_HEADER,
                      RowsOf(log.overdue(), _open_row), _LOG_WEIGHTS,
                      "No action is overdue.")
    story += _section("4. Open actions on time", _LOG_HEADER,
                      RowsOf(log.open_on_time(), _open_row), _LOG_WEIGHTS,
                      "No other action is open.")
    story += _section("5. Closed actions and the check of their effectiveness",
                      _CLOSED_HEADER, RowsOf(log.closed(), _closed_row),
                      _CLOSED_WEIGHTS, "No action has been closed yet.")
    story.append(para("A corrective action is checked for effectiveness once done "
                      "(ISO 9001 10.2.1 d); one done without that check reads “Not "
                      "checked”. Overdue: open and past its due date.", styles().note))
    if signed := _signed_rows(log):
        story += [para("Signed effectiveness checks", styles().h2),
                  data_table(_SIGNED_HEADER, signed, _SIGNED_WEIGHTS)]
    story += _archived(db, log)
    story += evidence_section(db, ["action"], "6.")
    yield Progress(2, 3, "Writing the PDF")
    return ReportContent(REPORT_KEY, SUBJECT, as_of(request.today), story,
                         as_of_phrases(request.today))
