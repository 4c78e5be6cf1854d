"""Alembic migrations, shipped inside the package and run when a database is opened."""
