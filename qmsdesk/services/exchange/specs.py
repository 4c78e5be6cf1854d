"""A register's spreadsheet layout: its tables as sheets, the main one first.

Each register's package describes its own layout with these (its ``sheets`` module); the
catalogue (qmsdesk.registers) names it, and exchange.registers collects them.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmsdesk.services.exchange.columns import Column, Table

NOT_IMPORTED = ("timestamp", "exact timestamp")


@dataclass(frozen=True)
class SheetSpec:
    """One table of a register as a sheet; ``parent`` is the header naming the parent."""

    table: Table
    parent: str | None = None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.table.columns if c.kind not in NOT_IMPORTED)

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


@dataclass(frozen=True)
class RegisterSpec:
    key: str
    title: str
    sheets: tuple[SheetSpec, ...]  # the main table first

    @property
    def main(self) -> SheetSpec:
        return self.sheets[0]
