"""The action log as a flat table (export, auditor pack) and in a spreadsheet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, FromClause, Label, case, literal
from sqlalchemy.orm import aliased, join

from qmsdesk.models.objectives import Action
from qmsdesk.services.actions import rules as action_rules
from qmsdesk.services.actions.service import SOURCE_NAMES
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec


def _action_source() -> tuple[FromClause, Label[str], Label[str]]:
    """The action joined to every record it can be raised from, its source kind and the
    linked record's reference; the first link that is set wins, as in source_of()."""
    source: FromClause = Action.__table__
    kinds: list[tuple[ColumnElement[bool], ColumnElement[str]]] = []
    refs: list[tuple[ColumnElement[bool], ColumnElement[str]]] = []
    for kind, link in action_rules.SOURCE_LINKS.items():
        target: Any = aliased(SOURCE_NAMES[kind].class_, name=f"source_{kind.replace(' ', '_')}")
        link_column = getattr(Action, link)
        source = join(source, target, link_column == target.id, isouter=True)
        kinds.append((link_column.is_not(None), literal(kind)))
        refs.append((link_column.is_not(None), target.ref))
    return (source, case(*kinds, else_=literal(action_rules.NO_SOURCE)).label("source"),
            case(*refs, else_=literal("")).label("source_ref"))


_action_from, _source_kind, _source_ref = _action_source()
ACTIONS = Table("actions", "Action log", (
    col("Reference", Action.ref, "code"),
    col("Title", Action.title),
    col("Description", Action.description),
    col("Type", Action.kind, "code"),
    col("Source", _source_kind, "code"),
    col("Source reference", _source_ref, "code"),
    col("Owner", Action.owner),
    col("Start date", Action.start_date, "date"),
    col("Due date", Action.due_date, "date"),
    col("Status", Action.status, "code"),
    col("Completed on", Action.completed_on, "date"),
    col("Progress (%)", Action.progress, "int"),
    col("Effectiveness", Action.effectiveness, "code"),
    col("Effectiveness checked by", Action.effectiveness_by),
    col("Effectiveness checked on", Action.effectiveness_on, "date"),
    col("Evidence", Action.evidence),
    col("Archived on", Action.archived_on, "date"),
    col("Archive reason", Action.archive_reason),
    *stamps(Action),
), _action_from, (Action.ref, Action.id))

TABLES = (ACTIONS,)

SPEC = RegisterSpec("actions", "Action log", (SheetSpec(ACTIONS),))
