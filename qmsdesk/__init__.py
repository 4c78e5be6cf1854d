"""QMS Desk: offline ISO 9001 registers and audit-ready reports."""

__version__ = "0.1.0"
