"""What the context and risk editors offer to link to; the dashboard's risk figure."""

from __future__ import annotations

from qmsdesk.services import dashboard
from qmsdesk.services.actions import service as actions
from qmsdesk.services.context import service as context
from qmsdesk.services.parties import service as parties
from qmsdesk.services.parties.records import RequirementRecord
from qmsdesk.services.risks import choices
from qmsdesk.services.risks import service as risks


def _party(db, today, name: str, requirement: str) -> int:
    record = parties.new_party(today)
    record.name, record.category = name, "customer"
    record.influence, record.interest = 3, 3  # a new party starts unrated
    record.requirements = [RequirementRecord(description=requirement)]
    return parties.save_party(db, record, today).id or 0


def test_archived_records_are_offered_only_where_already_linked(db, today):
    kept = _party(db, today, "Müller GmbH", "Parts   delivered\nwith 3.1 certificates " * 6)
    gone = _party(db, today, "Old Customer", "Anything")
    record = parties.get_party(db, gone)
    parties.archive_party(db, gone, record.version, today, "Gone")
    offered = choices.party_choices(db)
    assert [text for _id, text in offered] == ["IP-0001 — Müller GmbH"]
    assert choices.party_choices(db, [gone])[1] == (gone, "IP-0002 — Old Customer (archived)")
    requirements = choices.requirement_choices(db)
    assert len(requirements) == 1
    text = requirements[0][1]
    assert text.startswith("IP-0001 — Parts delivered with 3.1 certificates Parts")
    assert text.endswith("…") and len(text) <= len("IP-0001 — ") + choices.TEXT_LIMIT
    assert len(choices.requirement_choices(db, [2])) == 2  # the archived party's, kept
    issue = context.new_issue(today)
    issue.title, issue.party_ids = "Skilled machinists are scarce", [kept]
    saved = context.save_issue(db, issue, today)
    context.set_issue_status(db, saved.id or 0, saved.version, "archived", today, "Gone")
    assert choices.issue_choices(db) == []
    assert choices.issue_choices(db, [saved.id or 0]) == [
        (saved.id, "CTX-0001 — Skilled machinists are scarce (archived)")]


def test_the_dashboard_counts_high_risks_without_an_open_action(db, today):
    ids = []
    for title, likelihood, impact, kind in (("High risk", 4, 5, "risk"),
                                            ("Medium risk", 2, 4, "risk"),
                                            ("High opportunity", 5, 5, "opportunity")):
        record = risks.new_risk(today, kind)
        record.title, record.likelihood, record.impact = title, likelihood, impact
        ids.append(risks.save_risk(db, record, today).id)
    assert dashboard.overview(db, today).high_risks_without_action == 1
    action = actions.new_action(today, risk_id=ids[0])
    action.title = "Cross-train"
    actions.save_action(db, action, today)
    assert dashboard.overview(db, today).high_risks_without_action == 0
