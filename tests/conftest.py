"""Fixtures shared by every layer's tests.

`db_url` gives each test its own freshly upgraded database: a SQLite file in tmp_path, or a private
schema in the PostgreSQL test database (search_path set through the URL, so other processes can
open it too). PostgreSQL tests skip with a reason when no server answers, unless
UNIONFLOW_REQUIRE_PG=1 (set by .ci/run), where that is a failure instead."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from bench.support import ensure_database, fresh_schemas, in_schema
from events import migrate
from events.db import make_engine

PG_BASE = os.environ.get("UNIONFLOW_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/unionflow_test")
REQUIRE_PG = os.environ.get("UNIONFLOW_REQUIRE_PG") == "1"

_pg_problem: str | bool | None = False  # False: not probed yet


def _probe_postgres() -> str | None:
    """None when the test database is usable (created if missing), else why not."""
    global _pg_problem
    if _pg_problem is not False:
        return _pg_problem  # type: ignore[return-value]
    try:
        ensure_database(PG_BASE)
        _pg_problem = None
    except Exception as exc:
        where = sa.make_url(PG_BASE).render_as_string(hide_password=True)
        _pg_problem = f"PostgreSQL not reachable at {where}: {exc.__class__.__name__}"
    return _pg_problem


def require_postgres() -> None:
    problem = _probe_postgres()
    if problem:
        if REQUIRE_PG:
            pytest.fail(f"UNIONFLOW_REQUIRE_PG=1 but {problem}")
        pytest.skip(problem)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, upgraded schema in the PostgreSQL test database."""
    require_postgres()
    schema_name = f"t_{uuid.uuid4().hex[:12]}"
    with fresh_schemas(PG_BASE, schema_name):
        url = in_schema(PG_BASE, schema_name)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'unionflow.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:  # type: ignore[no-untyped-def]
    """The same test on SQLite and on PostgreSQL."""
    name = "pg_url" if request.param == "postgres" else "sqlite_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
