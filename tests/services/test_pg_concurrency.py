"""Four QMS Desks writing to one PostgreSQL database at once: every create gets its own
reference, a contested name goes to one of them (the others are told by the field), no
update is lost, every error a user sees is one sentence, and the audit chain stays whole."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qmsdesk.models.db import Database, open_database
from qmsdesk.models.trail_replay import replay_problems
from qmsdesk.services.actions import service as actions
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.integrity import verify_database
from qmsdesk.services.parties import service as parties
from qmsdesk.services.report_log import ReportIssue, RevisionTaken, record_reports, revision_for
from tests.conftest import TODAY
from tests.factories import make_party
from tests.pg_support import needs_server, scratch_database

pytestmark = needs_server
ROOT = Path(__file__).resolve().parent.parent.parent
CLIENTS, CREATES, EDITS = 4, 12, 8

# One client: creates parties and actions, tries to create the one contested name, and edits
# the shared party (a conflict: reload and edit again, as a person would). Every error it
# meets must be one a person can read (UserFacingError); anything else is a traceback on
# stderr and fails the test. Prints its figures as JSON.
CLIENT = """
import json, sys
from datetime import date
from qmsdesk.errors import UserFacingError
from qmsdesk.models.db import open_database
from qmsdesk.services.actions import service as actions
from qmsdesk.services.errors import ConflictError, ValidationError
from qmsdesk.services.parties import service as parties
url, me, creates, edits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
today = date(2026, 11, 21)
db = open_database(url, user=f"client {me}")
figures = {"operations": 0, "conflicts": 0, "shown": [], "contested": None}
def attempt(write):
    figures["operations"] += 1
    try:
        return write()
    except ValidationError as exc:
        figures["shown"].append(exc.errors)
    except ConflictError:
        figures["conflicts"] += 1
        raise
    except UserFacingError as exc:
        figures["shown"].append(str(exc))
def contested():
    record = parties.new_party(today)
    record.name = "Contested name"
    record.influence, record.interest = 3, 3  # a new party starts unrated
    return parties.save_party(db, record, today).ref
for n in range(max(creates, edits)):
    if n < creates:
        record = parties.new_party(today)
        record.name = f"Client {me} party {n}"
        record.influence, record.interest = 3, 3  # a new party starts unrated
        attempt(lambda: parties.save_party(db, record, today))
        action = actions.new_action(today)
        action.title = f"Client {me} action {n}"
        attempt(lambda: actions.save_action(db, action, today))
    if n == 2:
        figures["contested"] = attempt(contested)
    if n < edits:
        while True:
            shared = parties.get_party(db, 1)
            shared.notes = f"{shared.notes}{me}"
            try:
                attempt(lambda: parties.save_party(db, shared, today))
                break
            except ConflictError:
                continue
db.close()
print(json.dumps(figures))
"""


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with scratch_database() as url:
        yield url


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:
    db = open_database(pg_url, user="check")
    yield db
    db.close()


def test_four_clients_at_once_collide_on_nothing_and_lose_nothing(pg: Database, pg_url: str):
    first = parties.new_party(TODAY)
    first.name = "Shared party"
    first.influence, first.interest = 3, 3  # a new party starts unrated
    parties.save_party(pg, first, TODAY)
    clients = [subprocess.Popen(
        [sys.executable, "-c", CLIENT, pg_url, str(me), str(CREATES), str(EDITS)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for me in range(CLIENTS)]
    results = [client.communicate(timeout=120) for client in clients]
    for client, (_out, err) in zip(clients, results, strict=True):
        assert client.returncode == 0 and not err, err  # no raw error, no traceback
    figures = [json.loads(out) for out, _err in results]
    # the contested name went to exactly one client; the others were told by the field
    won = [f["contested"] for f in figures if f["contested"]]
    assert len(won) == 1
    assert sorted(str(shown) for f in figures for shown in f["shown"]) == sorted(
        [str({"name": parties.name_taken(won[0])})] * (CLIENTS - 1))
    rows = parties.list_parties(pg, TODAY)
    assert sorted(row.ref for row in rows) == [
        f"IP-{n:04d}" for n in range(1, CLIENTS * CREATES + 3)]
    assert sorted(row.ref for row in actions.list_actions(pg, TODAY)) == [
        f"ACT-{n:04d}" for n in range(1, CLIENTS * CREATES + 1)]
    shared = parties.get_party(pg, 1)  # every client's every edit is there: none lost
    assert sorted(shared.notes) == sorted("".join(str(me) * EDITS for me in range(CLIENTS)))
    assert verify_database(pg).ok
    with pg.read() as session:
        assert replay_problems(session) == ([], 0)
    operations = sum(f["operations"] for f in figures)
    print(f"\n{CLIENTS} clients: {operations} operations, "
          f"{sum(f['conflicts'] for f in figures)} conflicts (reloaded and saved again), "
          f"{sum(len(f['shown']) for f in figures)} errors shown, 0 lost updates, "
          "audit chain intact")


def _issue(number_of: str, fingerprint: str, revision) -> ReportIssue:
    return ReportIssue(report_type="parties", title="Interested parties register",
                       document_number="QMS-REG-4.2", period="as of today", revision=revision,
                       generated_by=number_of, pages=1, fingerprint=fingerprint,
                       sha256="0" * 64, path="/reports/parties.pdf")


def test_a_report_revision_goes_to_one_issue_only(pg: Database, pg_url: str):
    other = open_database(pg_url, user="other")
    try:
        # both number their (different) content before either logs it: both get the same
        mine = revision_for(pg, "parties", "a" * 64, TODAY)
        theirs = revision_for(other, "parties", "b" * 64, TODAY)
        assert mine == theirs and mine.is_new
        record_reports(pg, [_issue("me", "a" * 64, mine)])
        with pytest.raises(RevisionTaken, match=f"revision {mine.number} was issued"):
            record_reports(other, [_issue("them", "b" * 64, theirs)])
        again = revision_for(other, "parties", "b" * 64, TODAY)
        assert again.number == mine.number + 1
        record_reports(other, [_issue("them", "b" * 64, again)])
        # the same content issued twice at once shares its revision, as on one machine
        same = revision_for(pg, "parties", "c" * 64, TODAY)
        record_reports(pg, [_issue("me", "c" * 64, same)])
        record_reports(other, [_issue("them", "c" * 64, same)])
    finally:
        other.close()


def test_the_database_itself_refuses_a_second_active_name(pg: Database, monkeypatch):
    parties.save_party(pg, make_party(TODAY, name="Only once"), TODAY)
    # as if the form's check had run before the other save committed
    monkeypatch.setattr(parties, "check_parties", lambda *_args: {})
    with pytest.raises(ValidationError) as caught:
        parties.save_party(pg, make_party(TODAY, name="Only once"), TODAY)
    assert caught.value.errors == {
        "name": "An active party with this name was saved by someone else a moment ago."}
    archived = make_party(TODAY, name="Only once", status="archived")
    assert parties.save_party(pg, archived, TODAY).status == "archived"  # archived may repeat
