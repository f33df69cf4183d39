"""Alembic migrations of the read models: the `projections` branch (see `projections.register_migrations`)."""
