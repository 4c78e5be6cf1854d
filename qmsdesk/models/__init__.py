"""Database layer: ORM entities, engine and sessions, migrations and the audit trail. No Qt."""
