"""Fixtures of the read-side tests (on top of tests/conftest.py's `db_url` and `engine`).

The projections' Alembic branch is registered here, at import, so that the `db_url` fixtures'
upgrade creates the read models' tables too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import projections
from tests.integration.projections.support import World

projections.register_migrations()


@pytest.fixture
def world(engine: sa.Engine) -> World:
    return World(engine)
