"""Fixtures of the event store's integration tests (on top of tests/conftest.py: `db_url`,
`engine`, `pg_url`, `sqlite_url`)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from events import EventStore
from tests.integration.support import REG


@pytest.fixture
def store(engine: sa.Engine) -> EventStore:
    return EventStore(engine, REG)


@pytest.fixture
def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"
