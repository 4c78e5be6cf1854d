"""Field checks every register's rules share; each adds field -> message to ``errors``."""

from __future__ import annotations


def check_text(errors: dict[str, str], key: str, value: object, label: str, limit: int,
               required: bool = False) -> None:
    """Required and length checks for a text field (a non-text value counts as its str)."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if required and not text.strip():
        errors[key] = f"{label} is required."
    elif len(text) > limit:
        errors[key] = f"{label} is too long ({len(text)} characters; at most {limit})."
