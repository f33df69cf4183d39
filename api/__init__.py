"""The HTTP API (FastAPI) and the `unionflow` command line.

The api layer owns its tables (bearer tokens, accounts and their log, the sign-in throttle, web
sessions: `api.tables`), created by its own Alembic branch (``api``):
`register_migrations()` adds that branch to `events.migrate`, and every path that upgrades or checks
the schema (`Runtime.upgrade`, readiness, `unionflow db upgrade`, `serve`) calls it first."""

from __future__ import annotations

from importlib import resources

from events import migrate


def migrations_location() -> str:
    """The filesystem path of the api branch's Alembic version directory."""
    return str(resources.files("api") / "migrations" / "versions")


def register_migrations() -> None:
    """Make `events.migrate` (upgrade, pending) include the api branch. Idempotent."""
    migrate.add_version_location(migrations_location())
