"""The migrations of every layer (the event store's, the read models', the api's) create exactly
the tables, columns and indexes the live table definitions declare, on SQLite and PostgreSQL: a
table or index declared in code but never migrated (or migrated but no longer declared) fails."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from api import register_migrations
from api import tables as api_tables
from events import migrate
from events import schema as event_schema
from projections import register_migrations as register_projection_migrations
from projections import schema as proj_schema


def _live_tables() -> sa.MetaData:
    """Every layer's declared tables in one metadata, as `compare_metadata` takes one."""
    merged = sa.MetaData()
    for declared in (event_schema.metadata, proj_schema.metadata, api_tables.metadata):
        for table in declared.tables.values():
            table.to_metadata(merged)
    return merged


def test_every_branch_migrates_to_exactly_the_declared_tables(engine: sa.Engine) -> None:
    register_migrations()
    register_projection_migrations()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), _live_tables())
    assert diffs == []
