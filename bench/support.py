"""What the benchmarks share: a PostgreSQL database created when missing, fresh schemas in it, the
pair of targets a comparison with the `eventsourcing` library writes to (a store URL and that
library's settings, on SQLite or PostgreSQL), and latency percentiles."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from events import make_engine


def ensure_database(url: str) -> None:
    """Create the database `url` names if it is missing (through the server's `postgres` database)."""
    u = sa.make_url(url)
    admin = make_engine(u.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": u.database}).first()
            if not found:
                conn.exec_driver_sql(f'CREATE DATABASE "{u.database}"')
    finally:
        admin.dispose()


def in_schema(url: str, schema: str) -> str:
    """`url` with `schema` as its search path."""
    options = {"options": f"-csearch_path={schema}"}
    return sa.make_url(url).update_query_dict(options).render_as_string(hide_password=False)


@contextmanager
def fresh_schemas(url: str, *names: str, keep: bool = False) -> Iterator[None]:
    """The schemas created in `url`'s database for the block, dropped after it unless `keep`."""
    base = make_engine(url)
    with base.begin() as conn:
        for name in names:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield
    finally:
        if not keep:
            with base.begin() as conn:
                for name in names:
                    conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        base.dispose()


@contextmanager
def sqlite_pair() -> Iterator[tuple[str, dict[str, str]]]:
    """A SQLite file for unionflow and one for eventsourcing, in a fresh temporary directory."""
    with tempfile.TemporaryDirectory(prefix="unionflow-bench-") as tmp:
        yield (
            f"sqlite:///{tmp}/unionflow.db",
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": f"{tmp}/eventsourcing.db"},
        )


@contextmanager
def postgres_pair(
    url: str, prefix: str, *, keep: bool = False, **settings: str
) -> Iterator[tuple[str, dict[str, str]]]:
    """Fresh schemas in `url`'s database (created if missing): one for unionflow, one for
    eventsourcing (with `settings` added to its own)."""
    ensure_database(url)
    u = sa.make_url(url)
    suffix = uuid.uuid4().hex[:10]
    ours, theirs = f"{prefix}_{suffix}", f"es_{suffix}"
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(u.database),
        "POSTGRES_HOST": u.host or "127.0.0.1",
        "POSTGRES_PORT": str(u.port or 5432),
        "POSTGRES_USER": u.username or "postgres",
        "POSTGRES_PASSWORD": u.password or "",
        "POSTGRES_SCHEMA": theirs,
        **settings,
    }
    with fresh_schemas(url, ours, theirs, keep=keep):
        yield in_schema(url, ours), env


def percentile(values: list[float], q: float) -> float:
    """The `q` quantile of `values` (the nearest rank at or above it)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
