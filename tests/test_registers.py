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
    assert keys == ["dashboard", "parties", "objectives", "suppliers", "actions", "reports"]
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
