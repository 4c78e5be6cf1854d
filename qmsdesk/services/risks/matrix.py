"""The organisation's risk rating matrix, kept in the database's settings."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from qmsdesk.models.db import Database
from qmsdesk.services import db_settings
from qmsdesk.services.errors import ValidationError
from qmsdesk.services.risks import rules


def matrix_in(session: Session) -> rules.Matrix:
    """The stored matrix, or the default when none is stored (or it is damaged)."""
    text = db_settings.read(session, db_settings.RISK_MATRIX)
    if not text:
        return rules.DEFAULT_MATRIX
    try:
        matrix = tuple(tuple(str(level) for level in row) for row in json.loads(text))
    except (ValueError, TypeError):
        return rules.DEFAULT_MATRIX
    return rules.DEFAULT_MATRIX if rules.validate_matrix(matrix) else matrix


def load_matrix(db: Database) -> rules.Matrix:
    with db.read() as session:
        return matrix_in(session)


def save_matrix(db: Database, matrix: rules.Matrix) -> None:
    errors = rules.validate_matrix(matrix)
    if errors:
        raise ValidationError(errors)
    with db.session() as session:
        db_settings.write(session, {db_settings.RISK_MATRIX: json.dumps(
            [list(row) for row in matrix])})
