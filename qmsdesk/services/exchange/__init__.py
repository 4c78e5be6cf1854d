"""Registers in and out of spreadsheets: what the window and the command line ask of it.

The parts: registers (each register's tables as sheets, export, templates), importer (read,
map, check, write), adapters (each register's part of an import, kept in the register's
package), columns and tables (the columns the exports and the auditor pack share), and
the spreadsheet reading and writing behind them.
"""

from __future__ import annotations

from datetime import date

from qmsdesk.services.exchange.adapters import ADAPTERS, adapter_for, field_of
from qmsdesk.services.exchange.importer import (
    ImportRefused,
    ImportResult,
    SheetPreview,
    preview_import,
    run_import,
)
from qmsdesk.services.exchange.registers import (
    REGISTERS,
    SheetSpec,
    export_register,
    register_size,
    write_template,
)
from qmsdesk.services.exchange.spreadsheet_io import ENCODINGS, Cancelled, EncodingError

__all__ = [
    "ENCODINGS",
    "Cancelled",
    "EncodingError",
    "ImportRefused",
    "ImportResult",
    "SheetPreview",
    "export_register",
    "exportable",
    "importable",
    "preview_import",
    "register_size",
    "required_headers",
    "run_import",
    "sheets",
    "title",
    "write_template",
]


def exportable(key: str) -> bool:
    """Whether register ``key`` can be written to a spreadsheet."""
    return key in REGISTERS


def importable(key: str) -> bool:
    """Whether register ``key`` can be read from a spreadsheet (it has an import adapter)."""
    return key in REGISTERS and key in ADAPTERS


def title(key: str) -> str:
    """What the register is called in messages ("Interested parties")."""
    return REGISTERS[key].title


def sheets(key: str) -> tuple[SheetSpec, ...]:
    """The register's tables as sheets, the main one first."""
    return REGISTERS[key].sheets


def required_headers(key: str, today: date) -> dict[str, tuple[str, ...]]:
    """Per sheet, the register headers a new record cannot do without: the main sheet's
    (asked of the register's own rules with an empty record), each child sheet's parent."""
    spec = REGISTERS[key]
    required: dict[str, tuple[str, ...]] = {
        sheet.name: (sheet.parent,) for sheet in spec.sheets if sheet.parent}
    try:
        adapter = adapter_for(key)
        errors = adapter.validate(adapter.new_record(today), today)
    except Exception:  # an adapter that cannot judge an empty record: say nothing
        return required
    header_of = {name: header for header, name in field_of(spec.main).items()}
    required[spec.main.name] = tuple(header_of[f] for f in errors if f in header_of)
    return required
