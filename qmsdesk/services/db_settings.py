"""Every setting kept in the database, declared once: shared by everyone who opens the
file or the server, audited like any record (entity "setting"), and carried by backups.

They are key/value rows (models.settings.Setting); a key is one of KEYS, or a family
prefix of FAMILIES followed by its member (``document_number.suppliers``). The supplier
evaluation criteria are the one database setting with rows of their own
(models.suppliers.ReviewCriterion), as earlier reviews keep their copy of them.
Reading and writing go through ``read``/``write`` here; what the values mean (and their
checks) belongs to the services that use them: org_settings (the organisation, its logo,
report approvers and document numbers), suppliers.reviews (bands and review intervals),
risks.matrix (the rating matrix), evidence (the file size limit) and outreach.questions
(the questionnaire's and the survey's questions).
The per-user settings are in services.user_settings.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from qmsdesk.models.settings import Setting

ORGANISATION = "organisation"  # the organisation's name, on every report
APPROVED_BY = "approved_by"  # who may approve reports: names separated by ";"
LOGO = "logo"  # a small PNG, base64
SUPPLIER_BANDS = "supplier.bands"  # JSON [[name, minimum score], ...], best first
RISK_MATRIX = "risk.matrix"  # JSON 5 x 5 levels, [likelihood - 1][impact - 1]
EVIDENCE_LIMIT_MB = "evidence.limit_mb"  # the largest evidence file, in MB
SUPPLIER_QUESTIONS = "supplier.questionnaire"  # JSON list of the questionnaire's questions
SURVEY_QUESTIONS = "party.survey"  # JSON list of the satisfaction survey's questions
KEYS = frozenset({ORGANISATION, APPROVED_BY, LOGO, SUPPLIER_BANDS, RISK_MATRIX,
                  EVIDENCE_LIMIT_MB, SUPPLIER_QUESTIONS, SURVEY_QUESTIONS})

DOCUMENT_NUMBER = "document_number."  # + report key: the number printed on that report
SUPPLIER_INTERVAL = "supplier.interval."  # + criticality: months between reviews
FAMILIES = (DOCUMENT_NUMBER, SUPPLIER_INTERVAL)


def is_declared(key: str) -> bool:
    return key in KEYS or any(key.startswith(family) and key != family
                              for family in FAMILIES)


def read_all(session: Session) -> dict[str, str]:
    """Every stored setting (key -> text); unset keys are absent."""
    return {row.key: row.value for row in session.scalars(select(Setting))}


def read(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def write(session: Session, values: Mapping[str, str]) -> None:
    """Store ``values`` in the caller's unit of work; a key not declared here is a bug."""
    unknown = sorted(key for key in values if not is_declared(key))
    if unknown:
        raise KeyError(f"not a database setting: {', '.join(unknown)}")
    for key, value in values.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        elif row.value != value:
            row.value = value
