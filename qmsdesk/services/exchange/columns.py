"""What each register table holds when exported flat: its columns, its one select, its order.

Described once as data, so the auditor pack, the spreadsheet export and a later import
read the same headers in the same order. Each register describes its own tables (its
``sheets`` module, named by the catalogue); tables.py turns them into rows and CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, FromClause, Select, select
from sqlalchemy.orm import QueryableAttribute

from qmsdesk import registers as catalogue
from qmsdesk.models.audit import AuditEntry
from qmsdesk.models.base import Base

# How a value is written out. "text" is free text typed by a person: the only kind a
# spreadsheet could mistake for a formula, so the only kind that is neutralised.
# "code" is a reference or a stored choice, written exactly as stored.
Kind = Literal["text", "code", "int", "float", "date", "bool", "timestamp", "exact timestamp"]
Expression = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Column:
    """One column of a flat table: its header and the expression that selects its value."""

    header: str
    expr: Expression
    kind: Kind = "text"


@dataclass(frozen=True)
class Table:
    """One database table as a flat table: file stem, title, ordered columns, one select.

    ``source`` is the model (or a join with the parents whose references are shown);
    ``order_by`` makes the order deterministic: reference; a child by its parent's reference,
    then date for the dated logs (engagements, measurements), then id.
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    source: type[Base] | FromClause
    order_by: tuple[Expression, ...]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def query(self) -> Select[Any]:
        """The single select that yields every row of the table, values in column order."""
        return (select(*(column.expr for column in self.columns))
                .select_from(self.source).order_by(*self.order_by))


def col(header: str, expr: Expression, kind: Kind = "text") -> Column:
    return Column(header, expr, kind)


def stamps(model: Any) -> tuple[Column, ...]:
    return (col("Created", model.created_at, "timestamp"),
            col("Last changed", model.updated_at, "timestamp"))



def all_tables() -> tuple[Table, ...]:
    """Every register's flat tables, register by register in the catalogue's order."""
    return tuple(table for register in catalogue.REGISTERS if register.tables
                 for table in catalogue.load(register.tables))


# Not a register, so not in all_tables(); audit_rows() narrows it to a date range.
AUDIT_TRAIL = Table("audit_trail", "Audit trail", (
    col("Entry", AuditEntry.id, "int"),
    col("At", AuditEntry.at, "exact timestamp"),
    col("User", AuditEntry.user),
    col("Action", AuditEntry.action, "code"),
    col("Record type", AuditEntry.entity, "code"),
    col("Record id", AuditEntry.record_id, "code"),
    col("Reference", AuditEntry.ref),  # a setting's key or a criterion's name, too
    col("Field", AuditEntry.field, "code"),
    col("Old value", AuditEntry.old_value),
    col("New value", AuditEntry.new_value),
    col("Previous hash", AuditEntry.prev_hash, "code"),
    col("Hash", AuditEntry.hash, "code"),
), AuditEntry, (AuditEntry.id,))
