"""Each register's part of an import: the Adapter it fills in, and the rows it works on.

importer.py does what every register shares (reading, header mapping, typed cells, the
all-or-nothing rule); a register's Adapter (in its package's importing module) turns rows
into the register's records, checks them with the register's own rules and saves them in
one session. Here: the base Adapter, the rows, plans and problems it deals in, helpers
for references and saving, and the list of adapters (by name: they import this module).
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk import registers as catalogue
from qmsdesk.models.base import RegisterRecord
from qmsdesk.models.db import Database
from qmsdesk.services.errors import ConflictError
from qmsdesk.services.exchange.registers import REGISTERS, RegisterSpec, SheetSpec
from qmsdesk.services.labels import label
from qmsdesk.services.records import REF_DIGITS, ref_format

MAX_TEXT = 20_000  # no register field holds more; a longer cell is a mistake
CHUNK = 500  # references per IN (...): SQLite allowed 999 bound parameters before 3.32
BATCH = 500
_CHILD_PREFIX = re.compile(r"^\w+ \d+: ")  # "Requirement 3: " — the row number says it


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file, where a person can find it."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class ProblemLog(list[Problem]):
    """Problems as they are found: the first KEEP kept, the others only counted (``more``),
    so that a file wrong on every one of a million rows costs neither memory nor time."""

    KEEP = 10_000

    def __init__(self) -> None:
        super().__init__()
        self.more = 0

    def append(self, problem: Problem) -> None:
        if len(self) < self.KEEP:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)
        self.more += problems.more if isinstance(problems, ProblemLog) else 0


@dataclass
class Row:
    """One data row: its sheet and number as the spreadsheet shows them, and its values by
    register header (only the columns the file has)."""

    sheet: str
    number: int
    values: dict[str, Any]
    headers: dict[str, str]  # register header -> the file's header (one for the sheet)


@dataclass
class Planned:
    """One record the import will write, with the rows it came from (for messages)."""

    ref: str
    record: Any
    row: Row
    children: dict[str, list[Row]] = field(default_factory=dict)
    existing_id: int | None = None
    original: Any = None  # the record as it is now, to tell a change from a re-import

    @property
    def changes(self) -> bool:
        return self.original is None or self.record != self.original


def field_of(sheet: SheetSpec) -> dict[str, str]:
    """Register header -> record attribute, for the columns that are the table's own."""
    model = sheet.table.columns[0].expr
    own = getattr(getattr(model, "class_", None), "__table__", None)
    names: dict[str, str] = {}
    for column in sheet.columns:
        expr = column.expr
        if sheet.parent and column.header == sheet.parent:
            continue
        key = getattr(expr, "key", None)
        table = getattr(getattr(expr, "class_", None), "__table__", None)
        if key and (own is None or table is own or sheet.parent):
            names[column.header] = "ref" if key == "ref" else key
    return names


def choose(value: str, choices: Sequence[str]) -> str:
    """A typed choice as stored: "Customer", "customers", "Owner / investor" -> the
    choice; anything else is returned as typed, for the rules to refuse."""
    wanted = re.sub(r"\s*/\s*", "/", value.strip().casefold())
    for choice in choices:
        for form in (choice, label(choice).casefold()):
            if wanted in (form, form + "s", form.replace("-", " ")):
                return choice
    return value.strip()


class Adapter:
    """Rows -> records for one register. Subclasses fill in the register's specifics."""

    key = ""
    example_ref = ""  # shown when a reference is malformed
    children: Mapping[str, str] = {}  # child sheet -> record attribute holding its rows
    choices: Mapping[str, Sequence[str]] = {}  # attribute -> stored choices
    extra_columns: Mapping[str, tuple[str, ...]] = {}  # sheet -> targets beyond its headers
    ref_pattern = ref_format("[A-Z]+-")

    @property
    def ref_shape(self) -> str:
        """The numbering in words, for the message about a malformed reference."""
        prefix = self.example_ref.rstrip("0123456789")
        digits = len(self.example_ref) - len(prefix)
        return f"{prefix} and {digits} to {REF_DIGITS} digits"

    def aliases(self, sheet: str) -> dict[str, str]:
        return {}

    # --- what subclasses provide -----------------------------------------------------------
    def new_record(self, today: date) -> Any:
        raise NotImplementedError

    def child_record(self, sheet: str) -> Any:
        raise NotImplementedError

    def load_existing(self, db: Database) -> dict[str, Any]:
        """Every record of the register now, by reference (records with children)."""
        raise NotImplementedError

    def validate(self, record: Any, today: date) -> dict[str, str]:
        """The rules one record meets on its own, without the database (what an empty
        record lacks says which headers a file needs)."""
        raise NotImplementedError

    def check(self, db: Database, records: Sequence[Any],
              today: date) -> dict[int, dict[str, str]]:
        """Every rule for the file's records, by position: a register's check-then-store
        function checks them (the form's rules and the database's) as it will when they are
        saved; by default each record on its own (``validate``)."""
        return {index: errors for index, record in enumerate(records)
                if (errors := self.validate(record, today))}

    def write(self, db: Database, planned: Sequence[Planned], today: date) -> Iterator[int]:
        """Save every planned record in one session, through the register's check-then-store
        function (a rule broken since the file was checked raises BatchValidationError);
        yields how many are done after each batch. Closing it part-way (Cancel) rolls the
        whole import back."""
        raise NotImplementedError

    def refused(self, planned: Sequence[Planned],
                by_record: Mapping[int, Mapping[str, str]]) -> list[Problem]:
        """The problems of planned records (by position) where the file has them."""
        names = field_of(REGISTERS[self.key].main)
        problems: list[Problem] = []
        for index, errors in by_record.items():
            self._report(planned[index], errors, names, problems)
        return problems

    def extra_checks(self, plan: Sequence[Planned], existing: Mapping[str, Any],
                     problems: list[Problem]) -> None:
        """Checks across records (unique names); none by default."""

    def next_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                  count: int) -> list[str]:
        raise NotImplementedError

    def assign_refs(self, existing: Mapping[str, Any], in_file: Sequence[str],
                    new: Sequence[Planned]) -> None:
        """Give the new records their references: the next free numbers, in file order.
        A register that numbers by a record's own values (objectives by start year)
        overrides this instead of next_refs."""
        for item, ref in zip(new, self.next_refs(existing, in_file, len(new)), strict=True):
            item.ref = ref

    # --- shared --------------------------------------------------------------------------------
    def _assign(self, record: Any, row: Row, names: Mapping[str, str],
                problems: list[Problem]) -> None:
        for header, value in row.values.items():
            name = names.get(header)
            if name is None or name == "ref":
                continue
            if isinstance(value, str) and len(value) > MAX_TEXT:
                problems.append(Problem(row.sheet, row.number, row.headers[header],
                                        f"Text is too long ({len(value)} characters; at "
                                        f"most {MAX_TEXT})."))
                continue
            if value is None:
                # An empty cell empties a text field and an optional one (a date, a band's
                # upper limit): the file says what the record holds, and an export writes
                # "none" as empty. A field that cannot be empty keeps its value.
                if isinstance(getattr(record, name), str):
                    setattr(record, name, "")
                # A class is hashable; mypy says type[...] is not (python/mypy#11470).
                elif name in _optional_fields(type(record)):  # type: ignore[arg-type]
                    setattr(record, name, None)
                continue
            if name in self.choices and isinstance(value, str):
                value = choose(value, self.choices[name])
            setattr(record, name, value)

    def plan(self, db: Database, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
             today: date, problems: list[Problem]) -> list[Planned]:
        # A cell that could not be read is already reported; the rules would call it
        # missing too ("The value is required."). One message per cell is enough.
        unreadable = {(p.sheet, p.row, p.column) for p in problems}
        found = ProblemLog()
        plan = self._plan(db, spec, parsed, today, found)
        problems.extend(p for p in found if (p.sheet, p.row, p.column) not in unreadable)
        if isinstance(problems, ProblemLog):
            problems.more += found.more
        return plan

    def _plan(self, db: Database, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
              today: date, problems: list[Problem]) -> list[Planned]:
        existing = self.load_existing(db)
        main = spec.main
        names = field_of(main)
        ref_header = main.columns[0].header
        plan: list[Planned] = []
        by_ref: dict[str, Planned] = {}
        for row in parsed[main.name]:
            ref = str(row.values.get(ref_header) or "").strip().upper()
            if ref and not self.ref_pattern.match(ref):
                problems.append(Problem(row.sheet, row.number, row.headers[ref_header],
                                        f"'{_cut(ref)}' is not a reference like "
                                        f"{self.example_ref} ({self.ref_shape}); leave it "
                                        "empty for a new record."))
                continue
            if ref and ref in by_ref:
                problems.append(Problem(row.sheet, row.number, row.headers[ref_header],
                                        f"{ref} appears twice (also row "
                                        f"{by_ref[ref].row.number})."))
                continue
            original = existing.get(ref)
            record = copy.deepcopy(original) if original is not None else self.new_record(today)
            self._assign(record, row, names, problems)
            item = Planned(ref, record, row, existing_id=getattr(original, "id", None),
                           original=original)
            plan.append(item)
            if ref:
                by_ref[ref] = item
        self._attach_children(spec, parsed, by_ref, problems)
        numbered = [p for p in plan if not p.ref]
        self.assign_refs(existing, list(by_ref), numbered)
        for item in plan:
            if item.original is None:  # a new record is saved with the reference planned
                item.record.ref = item.ref
        found = self.check(db, [item.record for item in plan], today)
        for index, item in enumerate(plan):
            if "ref" in found.get(index, {}) and any(item is p for p in numbered):
                # Numbered here, taken by a record saved since `existing` was read (a
                # colleague's, on a server): not the file's doing.
                raise ConflictError(created_elsewhere(item.ref))
            self._report(item, found.get(index, {}), names, problems)
        self.extra_checks(plan, existing, problems)
        return plan

    def _attach_children(self, spec: RegisterSpec, parsed: Mapping[str, list[Row]],
                         by_ref: Mapping[str, Planned], problems: list[Problem]) -> None:
        for sheet in spec.sheets[1:]:
            if sheet.name not in parsed or sheet.name not in self.children \
                    or sheet.parent is None:  # a child sheet always names its parent
                continue
            attribute = self.children[sheet.name]
            names = field_of(sheet)
            grouped: dict[str, list[Any]] = defaultdict(list)
            for row in parsed[sheet.name]:
                parent = str(row.values.get(sheet.parent) or "").strip().upper()
                if parent not in by_ref:
                    column = row.headers.get(sheet.parent, sheet.parent)
                    problems.append(Problem(row.sheet, row.number, column,
                                            f"'{parent}' is not a reference in the "
                                            f"{spec.main.name} sheet." if parent else
                                            "Which record is this for? The reference is "
                                            "empty."))
                    continue
                child = self.child_record(sheet.name)
                self._assign(child, row, names, problems)
                grouped[parent].append(child)
                by_ref[parent].children.setdefault(sheet.name, []).append(row)
            for parent, item in by_ref.items():
                wanted = grouped.get(parent, [])
                _keep_ids(getattr(item.record, attribute), wanted)
                setattr(item.record, attribute, wanted)

    def reword(self, item: Planned, message: str) -> str:
        """A rule's message in the file's terms (a register whose rules count children
        says which row); as the rule says it by default."""
        return message

    def _report(self, item: Planned, errors: Mapping[str, str], names: Mapping[str, str],
                problems: list[Problem]) -> None:
        """A record's errors (field -> message) as problems in the rows it came from."""
        if not errors:
            return
        header_of = {name: header for header, name in names.items()}
        for key, message in errors.items():
            match = re.match(r"^(\w+)\[(\d+)\]\.(\w+)$", key)
            if match and match.group(1) in self.children.values():
                sheet = next(s for s, a in self.children.items() if a == match.group(1))
                rows = item.children.get(sheet, [])
                index = int(match.group(2))
                if index < len(rows):
                    row = rows[index]
                    child_header = next((h for h, n in field_of(
                        _sheet_named(self, sheet)).items() if n == match.group(3)), "")
                    problems.append(Problem(
                        sheet, row.number, row.headers.get(child_header, child_header),
                        self.reword(item, _sentence(_CHILD_PREFIX.sub("", message)))))
                    continue
            header = header_of.get(key, "")
            problems.append(Problem(item.row.sheet, item.row.number,
                                    item.row.headers.get(header, header),
                                    self.reword(item, message)))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@cache
def _optional_fields(record_type: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(record_type) if f.default is None)


def load_for_write(session: Session, model: type[RegisterRecord], planned: Sequence[Planned],
                   *options: Any) -> dict[str, Any]:
    """The stored records the plan updates, by reference; refused if one changed since
    the file was checked (someone saved it meanwhile): the import would undo that."""
    refs = [item.ref for item in planned if item.original is not None]
    column = model.ref
    loaded: dict[str, Any] = {}
    for start in range(0, len(refs), CHUNK):
        loaded.update((r.ref, r) for r in session.scalars(
            select(model).where(column.in_(refs[start:start + CHUNK])).options(*options)))
    for item in planned:
        stored = loaded.get(item.ref)
        if item.original is not None and (stored is None
                                          or stored.version != item.original.version):
            raise ConflictError(f"{item.ref} was changed elsewhere while the file was being "
                                "checked. Nothing was imported; import the file again.")
    return loaded


Save = Callable[[Session, Sequence[Any], date, int], Generator[int, None, list[Any]]]


def write_records(db: Database, planned: Sequence[Planned], model: type[RegisterRecord],
                  save: Save, today: date, *options: Any) -> Generator[int, None, None]:
    """Save planned records of ``model`` in one session through the register's
    check-then-store function ``save(session, records, today, batch)``, which checks them
    again (a rule broken meanwhile raises BatchValidationError) and yields the count done
    after each batch. Closing it part-way rolls everything back."""
    with db.session() as session:
        # Loaded with their children here, so the register's save finds them in the session.
        _loaded = load_for_write(session, model, planned, *options)
        refuse_taken(session, model, planned)
        yield from save(session, [item.record for item in planned], today, BATCH)


def refuse_taken(session: Session, model: type[RegisterRecord],
                 planned: Sequence[Planned]) -> None:
    """A reference the plan creates that was taken since the file was checked: someone
    saved a record meanwhile, which the import would clash with."""
    new = [item.ref for item in planned if item.original is None]
    taken: set[str] = set()
    for start in range(0, len(new), CHUNK):
        taken.update(session.scalars(select(model.ref).where(
            model.ref.in_(new[start:start + CHUNK]))))
    if taken:
        raise ConflictError(created_elsewhere(min(taken)))


def created_elsewhere(ref: str) -> str:
    """Why an import stopped: a reference it planned was taken by a record saved since."""
    return (f"{ref} was created elsewhere while the file was being checked. Nothing was "
            "imported; import the file again.")


def reference(row: Row, header: str) -> str:
    """The reference a row names in ``header`` as stored ("ip-0001 " -> "IP-0001")."""
    return str(row.values.get(header) or "").strip().upper()


def party_reference(row: Row, header: str, party_ids: Mapping[str, int],
                    problems: list[Problem]) -> int | None:
    """The id of the interested party a row names in ``header``; a Problem if unknown."""
    ref = reference(row, header)
    party_id = party_ids.get(ref) if ref else None
    if ref and party_id is None:
        problems.append(Problem(row.sheet, row.number, row.headers.get(header, header),
                                f"'{ref}' is not an interested party in this database: "
                                "import the parties first, or correct the reference."))
    return party_id


def link_parent(row: Row, header: str, by_ref: Mapping[str, Planned], main: str,
                problems: list[Problem]) -> str | None:
    """The reference of the record of the ``main`` sheet a row of links names in
    ``header`` ("ctx-0001" -> "CTX-0001"); a Problem when the sheet has no such record."""
    parent = reference(row, header)
    if parent in by_ref:
        return parent
    problems.append(Problem(row.sheet, row.number, row.headers.get(header, header),
                            f"'{_cut(parent)}' is not a reference in the {main} sheet."
                            if parent else "Which record is this for? The reference is "
                            "empty."))
    return None


def _sheet_named(adapter: Adapter, name: str) -> SheetSpec:
    return next(s for s in REGISTERS[adapter.key].sheets if s.name == name)


def _keep_ids(current: Sequence[Any], wanted: Sequence[Any]) -> None:
    """Give each wanted child the id of an identical current one, so a re-import of the
    same rows changes nothing (and writes nothing to the audit trail)."""
    free = {id(c): c for c in current}
    for child in wanted:
        for key, candidate in list(free.items()):
            if _same(candidate, child):
                child.id = candidate.id
                del free[key]
                break


def _same(a: Any, b: Any) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name) for f in fields(a) if f.name != "id")


def _cut(text: str, most: int = 40) -> str:
    """A value quoted in a message, cut short: a 10 000-character cell is not repeated."""
    return text if len(text) <= most else text[:most - 3] + "..."


def _numbered_refs(prefix: str, taken: Sequence[str], count: int, width: int = 4) -> list[str]:
    # Only references within the numbering count (as in records.next_ref).
    numbers = [int(number) for r in taken if r.startswith(prefix)
               and (number := r.removeprefix(prefix)).isdigit()
               and len(number) <= REF_DIGITS]
    start = max(numbers, default=0) + 1
    return [f"{prefix}{n:0{width}d}" for n in range(start, start + count)]


# register -> its Adapter class as an import string, from the catalogue; imported when that
# register is imported: each register's importing module builds on this one, so this one
# names them, never imports them.
ADAPTERS: dict[str, str] = {r.key: r.importer for r in catalogue.importable()}


def adapter_for(key: str) -> Adapter:
    adapter: Adapter = catalogue.load(ADAPTERS[key])()
    return adapter
