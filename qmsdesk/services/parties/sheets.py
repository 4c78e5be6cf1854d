"""The interested-parties register as flat tables (export, auditor pack) and in a
spreadsheet: parties, requirements, engagements."""

from __future__ import annotations

from sqlalchemy.orm import join

from qmsdesk.models.parties import Engagement, Party, PartyRequirement
from qmsdesk.services.exchange.columns import Table, col, stamps
from qmsdesk.services.exchange.specs import RegisterSpec, SheetSpec

PARTIES = Table("parties", "Interested parties", (
    col("Reference", Party.ref, "code"),
    col("Name", Party.name),
    col("Category", Party.category, "code"),
    col("Internal", Party.internal, "bool"),
    col("Description", Party.description),
    col("Contact person", Party.contact_person),
    col("Email", Party.email),
    col("Phone", Party.phone),
    col("Influence", Party.influence, "int"),
    col("Interest", Party.interest, "int"),
    col("Owner", Party.owner),
    col("Monitoring method", Party.monitoring_method),
    col("Monitoring frequency", Party.monitoring_frequency, "code"),
    col("Review interval (months)", Party.review_interval_months, "int"),
    col("Last review", Party.last_review, "date"),
    col("Next review", Party.next_review, "date"),
    col("Focus", Party.focus, "code"),
    col("Status", Party.status, "code"),
    col("Archive reason", Party.archive_reason),
    col("Notes", Party.notes),
    *stamps(Party),
), Party, (Party.ref, Party.id))

REQUIREMENTS = Table("requirements", "Party requirements", (
    col("Party reference", Party.ref, "code"),
    col("Need or expectation", PartyRequirement.description),
    col("Type", PartyRequirement.kind, "code"),
    col("Compliance obligation", PartyRequirement.obligation, "code"),
    col("Source", PartyRequirement.source),
    col("Addressed by", PartyRequirement.addressed_by),
), join(PartyRequirement, Party, PartyRequirement.party_id == Party.id),
    (Party.ref, PartyRequirement.id))

ENGAGEMENTS = Table("engagements", "Party engagement log", (
    col("Party reference", Party.ref, "code"),
    col("Date", Engagement.on_date, "date"),
    col("Kind", Engagement.kind, "code"),
    col("Summary", Engagement.summary),
    col("Satisfaction", Engagement.satisfaction, "int"),
    col("Follow-up", Engagement.follow_up),
), join(Engagement, Party, Engagement.party_id == Party.id),
    (Party.ref, Engagement.on_date, Engagement.id))

TABLES = (PARTIES, REQUIREMENTS, ENGAGEMENTS)

SPEC = RegisterSpec("parties", "Interested parties", (
    SheetSpec(PARTIES), SheetSpec(REQUIREMENTS, "Party reference"),
    SheetSpec(ENGAGEMENTS, "Party reference")))
