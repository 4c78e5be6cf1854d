"""How stored values read to people: one place for screen and report wording."""

from __future__ import annotations


def label(value: str) -> str:
    """A stored choice as a label: "owner/investor" -> "Owner/investor", "" stays ""."""
    return value[:1].upper() + value[1:]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 review", "3 reviews"; irregular plurals are given explicitly."""
    from qmsdesk.services.numbers import format_count

    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{format_count(count)} {word}"


def trend_arrow(latest: int | float | None, previous: int | float | None) -> str:
    """↑ better, ↓ worse, → unchanged, "" when there is nothing to compare."""
    if latest is None or previous is None:
        return ""
    return "↑" if latest > previous else "↓" if latest < previous else "→"


def one_decimal(value: float) -> str:
    """A value to one decimal, halves rounded up (2.25 -> "2.3"), as people round by hand
    (Python's own formatting rounds halves to even): :func:`numbers.format_score`."""
    from qmsdesk.services.numbers import format_score

    return format_score(value)
