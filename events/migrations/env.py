"""Alembic environment, driven from `events.migrate` with a live connection (never from an
alembic.ini): the URL comes from the one setting the application uses."""

from __future__ import annotations

from alembic import context

from events.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `events.migrate` runs this
    raise RuntimeError("run migrations through `unionflow db upgrade`")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
