"""Risks and opportunities (ISO 9001 6.1): rated, treated, reviewed and evaluated."""
