"""Management-review input 9.3.2 c 1: customer satisfaction and feedback from interested parties.

Engagements in the period and in the previous period of the same length, averaged overall,
for customers and per month; the parties whose average satisfaction fell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.parties import Engagement, Party
from qmsdesk.services.dates import add_months
from qmsdesk.services.labels import trend_arrow
from qmsdesk.services.numbers import SCORE_DECIMALS, rounded
from qmsdesk.services.review_inputs.period import previous_period

CUSTOMER = "customer"  # the party category whose satisfaction 9.1.2 asks about
TREND_WORDS = {"↑": "improved", "↓": "declined", "→": "unchanged", "": "no comparison"}
# Averages of a few 1-5 scores move by chance; a change under this is reported as unchanged.
STABLE_WITHIN = 0.2


def _shown(value: float | None) -> float | None:
    """An average as printed (one decimal): trends compare what the reader sees."""
    return None if value is None else float(rounded(value, SCORE_DECIMALS))


def satisfaction_arrow(average: float | None, previous: float | None) -> str:
    """↑ ↓ as the printed averages differ by STABLE_WITHIN or more, else →; "" without both."""
    latest, before = _shown(average), _shown(previous)
    # in whole tenths: 4.1 - 3.9 is 0.19999... in floating point, and 0.2 must count
    if latest is not None and before is not None and \
            abs(round(latest * 10) - round(before * 10)) < round(STABLE_WITHIN * 10):
        return "→"
    return trend_arrow(latest, before)


def _average(scores: Sequence[int]) -> float | None:
    return sum(scores) / len(scores) if scores else None


@dataclass(frozen=True)
class EngagementItem:
    """One exchange with a party in the period; ``satisfaction`` 1-5 or None (not scored)."""

    on: date
    party_ref: str
    party_name: str
    category: str
    kind: str
    summary: str
    satisfaction: int | None


@dataclass(frozen=True)
class SatisfactionTrend:
    """Average satisfaction (1-5) in the period and in the previous period of the same length."""

    average: float | None
    scored: int
    previous_average: float | None
    previous_scored: int

    @property
    def arrow(self) -> str:
        """↑ ↓ → as the printed averages compare (see satisfaction_arrow)."""
        return satisfaction_arrow(self.average, self.previous_average)

    @property
    def word(self) -> str:
        return TREND_WORDS[self.arrow]


@dataclass(frozen=True)
class MonthlySatisfaction:
    month: date  # the first day of the month
    average: float | None
    scored: int


@dataclass(frozen=True)
class PartySatisfaction:
    """A party whose average satisfaction fell against the previous period."""

    ref: str
    name: str
    category: str
    average: float
    previous_average: float


@dataclass(frozen=True)
class Satisfaction:
    engagements: tuple[EngagementItem, ...]
    overall: SatisfactionTrend
    customers: SatisfactionTrend  # parties of category "customer" only
    monthly: tuple[MonthlySatisfaction, ...]
    customer_monthly: tuple[MonthlySatisfaction, ...]
    declined: tuple[PartySatisfaction, ...]
    previous_from: date
    previous_to: date


def _monthly(items: Sequence[EngagementItem], period_from: date,
             period_to: date) -> tuple[MonthlySatisfaction, ...]:
    scores: dict[date, list[int]] = defaultdict(list)
    for item in items:
        if item.satisfaction is not None:
            scores[item.on.replace(day=1)].append(item.satisfaction)
    months, month = [], period_from.replace(day=1)
    while month <= period_to:
        months.append(MonthlySatisfaction(month, _average(scores[month]), len(scores[month])))
        month = add_months(month, 1)
    return tuple(months)


def _trend(now: Sequence[int], before: Sequence[int]) -> SatisfactionTrend:
    return SatisfactionTrend(_average(now), len(now), _average(before), len(before))


def satisfaction(session: Session, period_from: date, period_to: date) -> Satisfaction:
    previous_from, previous_to = previous_period(period_from, period_to)
    rows = session.execute(
        select(Engagement.on_date, Party.ref, Party.name, Party.category, Engagement.kind,
               Engagement.summary, Engagement.satisfaction)
        .join(Party, Party.id == Engagement.party_id)
        .where(Engagement.on_date >= previous_from, Engagement.on_date <= period_to)
        .order_by(Engagement.on_date, Party.ref, Engagement.id)).all()
    items = [EngagementItem(*row) for row in rows if row.on_date >= period_from]
    now: dict[str, list[int]] = defaultdict(list)
    before: dict[str, list[int]] = defaultdict(list)
    parties: dict[str, tuple[str, str]] = {}
    for row in rows:
        if row.satisfaction is not None:
            (now if row.on_date >= period_from else before)[row.ref].append(row.satisfaction)
            parties[row.ref] = (row.name, row.category)

    def scores(group: Mapping[str, list[int]], customers: bool = False) -> list[int]:
        return [s for ref, values in sorted(group.items()) for s in values
                if not customers or parties[ref][1] == CUSTOMER]

    declined = []
    for ref in sorted(set(now) & set(before)):
        average, previous = _average(now[ref]), _average(before[ref])
        if average is not None and previous is not None and \
                satisfaction_arrow(average, previous) == "↓":
            declined.append(PartySatisfaction(ref, *parties[ref], average, previous))
    customer_items = [item for item in items if item.category == CUSTOMER]
    return Satisfaction(
        tuple(items), _trend(scores(now), scores(before)),
        _trend(scores(now, True), scores(before, True)),
        _monthly(items, period_from, period_to),
        _monthly(customer_items, period_from, period_to),
        tuple(declined), previous_from, previous_to)
