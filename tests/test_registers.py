"""The register catalogue: every kind of record belongs to one register, every page exists."""

from __future__ import annotations

import importlib

from qmsdesk import registers
from qmsdesk.models.base import Audited, Base
from qmsdesk.models.registry import metadata


def _audited_entities() -> set[str]:
    assert metadata.tables  # every mapped module is loaded
    return {mapper.class_.audit_entity for mapper in Base.registry.mappers
            if issubclass(mapper.class_, Audited)}


def test_every_audited_kind_of_record_belongs_to_exactly_one_register():
    claimed = [e for register in registers.REGISTERS for e in register.entities]
    assert len(claimed) == len(set(claimed))
    assert set(claimed) == _audited_entities()


def test_every_page_named_in_the_catalogue_exists_and_lists_in_order():
    keys = [register.key for register in registers.with_pages()]
    assert keys == ["dashboard", "parties", "context", "risks", "objectives", "suppliers",
                    "actions", "reports"]
    for register in registers.with_pages():
        module, cls = register.page.split(":")
        assert hasattr(importlib.import_module(module), cls)


def test_a_change_reaches_the_registers_that_show_it():
    assert registers.registers_of({"party requirement", "review score", "nonsense"}) == {
        "parties", "suppliers"}
    assert "parties" in registers.watched_by("suppliers")  # a supplier's party link
    assert registers.watched_by("parties") == {"parties"}
    shows = {key for register in registers.REGISTERS for key in register.shows}
    assert shows <= set(registers.BY_KEY)


def test_the_exchange_registers_are_the_catalogues_layouts():
    from qmsdesk.services.exchange.registers import REGISTERS, RegisterSpec

    keys = [register.key for register in registers.exportable()]
    assert keys == ["parties", "context", "risks", "objectives", "suppliers", "actions"]
    assert list(REGISTERS) == keys
    for register in registers.exportable():
        spec = registers.load(register.exchange)
        assert isinstance(spec, RegisterSpec)
        assert REGISTERS[register.key] is spec
        assert spec.key == register.key


def test_the_import_adapters_are_the_catalogues():
    from qmsdesk.services.exchange.adapters import ADAPTERS, Adapter, adapter_for

    assert {r.key: r.importer for r in registers.importable()} == ADAPTERS
    assert set(ADAPTERS) == {"parties", "context", "risks", "objectives", "suppliers",
                             "actions"}
    for key in ADAPTERS:
        adapter = adapter_for(key)
        assert isinstance(adapter, Adapter)
        assert adapter.key == key


def test_the_command_lines_register_choices_are_the_catalogues():
    from qmsdesk.cli import build_parser

    commands = next(a for a in build_parser()._actions if a.dest == "command")
    choices = {name: next(a.choices for a in sub._actions if a.dest in ("register", "kind"))
               for name, sub in commands.choices.items()
               if name in ("export", "template", "import", "report")}
    assert list(choices["export"]) == [r.key for r in registers.exportable()]
    assert list(choices["template"]) == [r.key for r in registers.exportable()]
    assert list(choices["import"]) == [r.key for r in registers.importable()]
    assert list(choices["report"]) == [report.key for report in registers.reports()]


def test_the_reports_and_their_document_numbers_are_the_catalogues():
    from qmsdesk.reports.catalog import REPORT_KINDS
    from qmsdesk.services.org_settings import DEFAULT_DOCUMENT_NUMBERS

    assert list(REPORT_KINDS) == ["parties", "risks", "traceability", "objectives",
                                  "suppliers", "actions", "management-review"]
    assert list(REPORT_KINDS.values()) == list(registers.reports())
    # A register may have several reports (risks: the register and the traceability matrix).
    assert [r.key for r in registers.BY_KEY["risks"].reports] == ["risks", "traceability"]
    numbers = {report.key: report.document_number for r in registers.REGISTERS
               for report in r.reports}
    assert numbers == DEFAULT_DOCUMENT_NUMBERS
    assert len(set(numbers.values())) == len(numbers)  # no two reports share a number
    assert DEFAULT_DOCUMENT_NUMBERS["management-review"] == "QMS-REC-9.3"
    for kind in REPORT_KINDS.values():
        assert hasattr(importlib.import_module(kind.module), "content")


def test_the_demo_refuses_a_database_holding_any_registers_records():
    from qmsdesk.services.demo.builder import register_models

    models = register_models()
    entities = {model.audit_entity for model in models}
    owned = {e for r in registers.REGISTERS if r.key != "settings" for e in r.entities}
    assert entities == owned
    assert len(models) == len(entities)
    assert "setting" not in entities and {"party", "action", "review score"} <= entities
