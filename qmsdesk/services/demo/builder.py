"""Demo data: a small precision-machining company with realistic registers.

Everything is created through the service layer, so every record is validated exactly as
if a user had typed it and every change lands in the audit trail. The data is
deterministic (a fixed seed per register) and every date is relative to ``today``, so a
demo created at any time looks current: a few reviews overdue, a few due soon, most
planned, history over the past two years (three for supplier reviews), and the two
management reviews held in that time with the actions they decided.

``create_demo`` is one orchestrating task; each register contributes a section with its
own builder, named by its catalogue entry (``Register.demo``: a function returning its
``DemoSection``). Because each section draws from its own seeded generator, adding one
never changes the data of the others. The history is written as it happened: the
organisation set up its QMS ``history.QMS_MONTHS`` months ago, and each builder names the
day of each write, so the audit trail holds the story in order, each entry on its day.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Mapping
from datetime import date, datetime

from sqlalchemy import func, select

from qmsdesk import clock
from qmsdesk import registers as catalogue
from qmsdesk.models.base import Audited, Base
from qmsdesk.models.db import Database
from qmsdesk.models.registry import metadata
from qmsdesk.services.demo.history import Story, play, started_on
from qmsdesk.services.demo.spec import DemoSection, in_order
from qmsdesk.services.errors import ServiceError
from qmsdesk.services.org_settings import OrgSettings, save_settings
from qmsdesk.services.progress import Progress

SEED = 9001
ORGANISATION = "Northwind Precision Components Ltd"

# The people who own records in the demo, by role. Builders refer to roles, not names.
STAFF: Mapping[str, str] = {
    "md": "Helen Whitfield",          # Managing Director, approves the registers
    "quality": "Anna Kowalska",       # Quality Manager
    "sales": "James O'Neill",         # Sales & Customer Service Manager
    "purchasing": "Sofia Ricci",      # Purchasing & Supply Chain Manager
    "operations": "Tomás Herrera",    # Operations Manager
    "hr": "Grace Adeyemi",            # HR Manager
    "hse": "Liam Brennan",            # Health, Safety & Environment Advisor
}

# The organisation's settings are not records: the demo writes its own over them.
_NOT_RECORDS = frozenset({"settings"})

def _build_settings(db: Database, today: date, rng: random.Random,
                    staff: Mapping[str, str]) -> Story:
    yield started_on(today)
    # The approvers: the MD approves the registers and critical suppliers' reviews, the
    # quality manager the other supplier reviews (services.signoff).
    save_settings(db, OrgSettings(organisation=ORGANISATION,
                                  approved_by=f"{staff['md']}; {staff['quality']}"))
    yield ORGANISATION


def sections() -> tuple[DemoSection, ...]:
    """The demo in the order it is created: the organisation, then each register's section
    as the catalogue names it (``Register.demo``), in the catalogue's order, except that a
    section comes after the sections it refers to (``DemoSection.after``)."""
    return in_order((DemoSection("settings", "Organisation", 1, _build_settings),
                     *(catalogue.load(register.demo)() for register in catalogue.REGISTERS
                       if register.demo)))


def section_rng(key: str) -> random.Random:
    """The random generator of one section: fixed seed, independent of the other sections."""
    return random.Random(f"{SEED}:{key}")


def register_models() -> tuple[type[Base], ...]:
    """The mapped classes of every register's records (the catalogue's kinds of record),
    register by register: the tables that must be empty before demo data goes in."""
    assert metadata.tables  # every mapped module is loaded
    order = {register.key: n for n, register in enumerate(catalogue.REGISTERS)}
    found: list[tuple[int, str, type[Base]]] = []
    for mapper in Base.registry.mappers:
        model: type[Base] = mapper.class_
        if issubclass(model, Audited):  # whose audit_entity names its kind of record
            owners = catalogue.registers_of({getattr(model, "audit_entity", "")})
            found.extend((order[key], str(model.__tablename__), model)
                         for key in owners - _NOT_RECORDS)
    return tuple(model for _, _, model in sorted(found, key=lambda item: item[:2]))


def ensure_empty(db: Database) -> None:
    """Refuse to mix demo data with existing records (names would clash, data would mislead)."""
    with db.read() as session:
        for model in register_models():
            count = session.scalar(select(func.count()).select_from(model)) or 0
            if count:
                raise ServiceError(
                    f"{db.display_name} already holds records ({count} in "
                    f"{model.__tablename__}). Demo data goes into a new, empty database; "
                    "nothing was changed.")


def _titled(title: str, story: Story) -> Story:
    """The story with its section's title before each label."""
    for item in story:
        yield f"{title}: {item}" if isinstance(item, str) else item


def create_demo(db: Database, today: date) -> Generator[Progress, None, None]:
    """Fill an empty database with the demo organisation; a task for progress.run_task.

    Raises ServiceError before writing anything when the database already holds records.
    The whole demo is one transaction: stopped half-way (an error, a cancel, a server that
    goes away), nothing of it is left, and it can simply be run again. Its records are
    written in the order of their story, each dated on its day (see history.play).
    """
    started = clock.now()  # nothing of the story is dated after this moment
    plan = sections()
    total = sum(section.steps for section in plan)
    # The story's records are entered by its quality manager, on the trail and in the
    # status history alike, not by whoever's login builds the demo.
    user, db.user = db.user, STAFF["quality"]
    try:
        yield from _fill(db, today, plan, total, started)
    finally:
        db.user = user
    yield Progress(total, total, "Demo data ready")


def _fill(db: Database, today: date, plan: tuple[DemoSection, ...], total: int,
          started: datetime) -> Generator[Progress, None, None]:
    with db.one_transaction():
        ensure_empty(db)
        done = 0
        yield Progress(done, total, "Creating demo data")
        stories = [_titled(section.title, section.build(db, today, section_rng(section.key),
                                                        STAFF))
                   for section in plan]
        for label in play(stories, started):
            done += 1
            yield Progress(min(done, total), total, label)
