"""The traceability matrix: requirement -> risks -> objectives -> actions -> effectiveness,
each gap type on a database built through the services, counted once per thing."""

from __future__ import annotations

from datetime import date, timedelta

from qmsdesk.models.db import Database
from qmsdesk.services.actions import service as actions
from qmsdesk.services.risks import service as risks
from qmsdesk.services.risks import traceability as trace
from tests.risk_data import build_chains


def _by_requirement(matrix: trace.Traceability) -> dict[str, trace.TraceRow]:
    return {row.requirement: row for row in matrix.rows}


def test_only_obligations_and_parties_to_manage_closely_are_traced(db: Database,
                                                                   today: date) -> None:
    build_chains(db, today)
    matrix = trace.traceability(db, today)

    assert [(row.party_ref, row.requirement, row.why) for row in matrix.rows] == [
        ("IP-0001", "OTIF ≥ 98 % per delivery", "Contractual obligation; Manage closely"),
        ("IP-0001", "Monthly quality report", "Manage closely"),
        ("IP-0001", "Free coffee at audits", "Manage closely"),
        ("IP-0002", "REACH declarations for every alloy", "Legal obligation"),
        ("IP-0003", "PPAP level 3 before series", "Contractual obligation"),
    ]  # the newsletter (monitor, no obligation) and the archived party's law are not


def test_each_chain_shows_its_gaps(db: Database, today: date) -> None:
    chains = build_chains(db, today)
    rows = _by_requirement(trace.traceability(db, today))

    otif = rows["OTIF ≥ 98 % per delivery"]
    assert otif.gaps == ()
    risk, = otif.risks
    assert (risk.ref, risk.rating, risk.residual_rating, risk.effectiveness) == (
        "RO-0001", "high", "low", "effective")
    assert [(a.ref, a.status, a.effectiveness, a.via) for a in risk.actions] == [
        ("ACT-0001", "done", "effective", "RO-0001")]
    assert rows["Monthly quality report"].gaps == (trace.NO_RISK,)
    assert rows["Monthly quality report"].risks == ()
    coffee = rows["Free coffee at audits"]
    assert coffee.gaps == () and coffee.risks[0].treatment == "accept"  # no action needed
    reach = rows["REACH declarations for every alloy"]
    assert reach.gaps == (trace.NO_ACTION,) and reach.risks[0].actions == ()  # cancelled
    ppap = rows["PPAP level 3 before series"]
    assert ppap.gaps == (trace.ACTION_OVERDUE, trace.NOT_CHECKED)
    overdue, opportunity = ppap.risks
    assert [o.ref for o in overdue.objectives] == [chains.objective_ref]
    assert [(a.ref, a.overdue, a.via) for a in overdue.actions] == [
        ("ACT-0003", True, chains.objective_ref)]  # through the objective citing the risk
    assert overdue.gaps == (trace.ACTION_OVERDUE,)
    assert (opportunity.kind, opportunity.gaps) == ("opportunity", (trace.NOT_CHECKED,))


def test_the_summary_counts_each_gap_once_per_thing(db: Database, today: date) -> None:
    chains = build_chains(db, today)
    # RO-0002 also cited by the PPAP requirement: its missing action is still one gap.
    record = risks.get_risk(db, chains.risks["RO-0002"])
    record.requirement_ids.append(chains.requirements["ppap"])
    risks.save_risk(db, record, today)

    counts = trace.traceability(db, today).counts
    assert counts.by_gap() == {trace.NO_RISK: 1, trace.NO_ACTION: 1, trace.ACTION_OVERDUE: 1,
                               trace.NOT_CHECKED: 1}
    assert (counts.requirements, counts.complete) == (5, 2)
    assert list(counts.by_gap()) == list(trace.GAPS)


def test_gaps_close_as_the_records_catch_up(db: Database, today: date) -> None:
    chains = build_chains(db, today)
    overdue = actions.get_action(db, next(a.id for a in actions.list_actions(db, today)
                                          if a.ref == "ACT-0003"))
    overdue.status, overdue.completed_on, overdue.progress = "done", today, 100
    overdue.effectiveness, overdue.effectiveness_by = "partly", "Anna Berg"
    overdue.effectiveness_on = today
    actions.save_action(db, overdue, today)
    opportunity = risks.get_risk(db, chains.risks["RO-0004"])
    opportunity.effectiveness, opportunity.evaluated_by = "effective", "Anna Berg"
    opportunity.evaluated_on = today
    risks.save_risk(db, opportunity, today)

    counts = trace.traceability(db, today).counts
    assert counts.by_gap() == {trace.NO_RISK: 1, trace.NO_ACTION: 1, trace.ACTION_OVERDUE: 0,
                               trace.NOT_CHECKED: 0}
    assert counts.complete == 3


def test_an_evaluation_that_fell_due_without_a_result_is_not_checked(db: Database,
                                                                     today: date) -> None:
    chains = build_chains(db, today)
    record = risks.get_risk(db, chains.risks["RO-0005"])
    record.evaluation_due = today - timedelta(days=1)
    risks.save_risk(db, record, today)

    row = _by_requirement(trace.traceability(db, today))["Free coffee at audits"]
    assert row.gaps == (trace.NOT_CHECKED,)
    # An archived risk no longer answers the requirement.
    risks.set_risk_status(db, record.id, record.version + 1, "archived", today, "Gone")
    row = _by_requirement(trace.traceability(db, today))["Free coffee at audits"]
    assert row.gaps == (trace.NO_RISK,)


def test_an_empty_database_traces_nothing(db: Database, today: date) -> None:
    matrix = trace.traceability(db, today)
    assert matrix.rows == () and matrix.counts == trace.GapCounts(0, 0, 0, 0, 0, 0)
