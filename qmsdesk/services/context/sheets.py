"""The context register as flat tables (export, auditor pack) and in a spreadsheet:
issues and the interested parties each concerns."""

from __future__ import annotations

from sqlalchemy.orm import join

from qmsdesk.models.parties import Party
from qmsdesk.models.risks import ContextIssue, ContextIssueParty
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

CONTEXT_ISSUES = Table("context_issues", "Context issues", (
    col("Reference", ContextIssue.ref, "code"),
    col("Title", ContextIssue.title),
    col("Origin", ContextIssue.origin, "code"),
    col("SWOT", ContextIssue.swot, "code"),
    col("PESTLE", ContextIssue.pestle, "code"),
    col("Description", ContextIssue.description),
    col("Effect on the QMS", ContextIssue.effect),
    col("Owner", ContextIssue.owner),
    col("Review interval (months)", ContextIssue.review_interval_months, "int"),
    col("Last review", ContextIssue.last_review, "date"),
    col("Next review", ContextIssue.next_review, "date"),
    col("Status", ContextIssue.status, "code"),
    *stamps(ContextIssue),
), ContextIssue, (ContextIssue.ref, ContextIssue.id))

ISSUE_PARTIES = Table("context_issue_parties", "Parties concerned by context issues", (
    col("Issue reference", ContextIssue.ref, "code"),
    col("Party reference", Party.ref, "code"),
), join(ContextIssueParty, ContextIssue, ContextIssueParty.issue_id == ContextIssue.id)
    .join(Party, ContextIssueParty.party_id == Party.id),
    (ContextIssue.ref, ContextIssueParty.id))

TABLES = (CONTEXT_ISSUES, ISSUE_PARTIES)

SPEC = RegisterSpec("context", "Context issues", (
    SheetSpec(CONTEXT_ISSUES), SheetSpec(ISSUE_PARTIES, "Issue reference")))
