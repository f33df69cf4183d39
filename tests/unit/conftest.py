"""Fixtures of the workflow tests (see workflow_support for the harness)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.workflow_world import World, make_world, template_db


@pytest.fixture(scope="session")
def _workflow_template() -> Path:
    return template_db()


@pytest.fixture
def world(tmp_path: Path, _workflow_template: Path) -> Iterator[World]:
    """A WorkflowService on its own copy of the template database (schema + organisation tree),
    with the clock fixed at workflow_world.TODAY."""
    w = make_world(tmp_path)
    yield w
    w.dispose()
