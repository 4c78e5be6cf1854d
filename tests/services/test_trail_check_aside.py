"""The management-review pack checks the audit trail in a worker while it gathers the rest:
the same check, on a connection of its own, and made here when the worker cannot."""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import date

from sqlalchemy import update
from sqlalchemy.engine import URL

from qmsdesk.models.audit import Anchor, AuditEntry, ChainReport, verify_chain, verify_chain_at
from qmsdesk.models.db import Database
from qmsdesk.services import review_inputs as ri
from qmsdesk.services.parties import service as parties
from tests.conftest import TODAY
from tests.factories import make_party

START, END = date(2026, 3, 1), date(2026, 6, 30)


def _done(value: ChainReport | BaseException) -> Future[ChainReport]:
    future: Future[ChainReport] = Future()
    if isinstance(value, BaseException):
        future.set_exception(value)
    else:
        future.set_result(value)
    return future


def test_a_check_on_its_own_connection_equals_the_check_here(db: Database) -> None:
    parties.save_party(db, make_party(TODAY, name="Müller Präzisionsteile GmbH"), TODAY)
    with db.read() as session:
        here = verify_chain(session)
    aside = verify_chain_at(db.engine.url)
    assert aside == here and aside.intact and aside.entries > 0
    with db.engine.begin() as conn:  # tampered: the worker finds it as this process would
        conn.execute(update(AuditEntry).where(AuditEntry.id == 2).values(new_value="x"))
    assert not verify_chain_at(db.engine.url).intact


def test_the_pack_prints_the_workers_check(db: Database) -> None:
    parties.save_party(db, make_party(TODAY), TODAY)
    asked: list[tuple[URL, Anchor | None]] = []

    def aside(url: URL, anchor: Anchor | None) -> Future[ChainReport]:
        asked.append((url, anchor))
        return _done(ChainReport(7, head="ab" * 32))

    inputs = ri.review_inputs(db, START, END, TODAY, check_trail=aside)
    assert asked == [(db.engine.url, None)]
    assert inputs.audit_status == "Audit trail verified: 7 entries, chain intact."


def test_a_worker_that_fails_or_cannot_start_leaves_the_check_to_this_process(
        db: Database) -> None:
    parties.save_party(db, make_party(TODAY), TODAY)
    expected = ri.review_inputs(db, START, END, TODAY).audit_status
    assert expected.startswith("Audit trail verified:")
    for check in (lambda url, anchor: _done(BrokenProcessPool("worker died")),
                  lambda url, anchor: None):
        assert ri.review_inputs(db, START, END, TODAY,
                                check_trail=check).audit_status == expected


def test_the_inputs_are_gathered_without_waiting_for_the_check(db: Database) -> None:
    parties.save_party(db, make_party(TODAY), TODAY)
    running: Future[ChainReport] = Future()  # still running when the inputs are returned
    inputs = ri.review_inputs(db, START, END, TODAY, check_trail=lambda url, anchor: running)
    assert not running.done() and inputs.parties is not None
    running.set_result(ChainReport(3, head="cd" * 32))
    assert inputs.audit_status == "Audit trail verified: 3 entries, chain intact."
