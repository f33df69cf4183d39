"""Commands without If-Match retry on a fresh read when the union's stream moved on meanwhile
(bounded, `workflow.unit_of_work.UNCONDITIONAL_ATTEMPTS`), so only a real conflict reaches the
caller; with If-Match the caller's version still rules (issue 20, point 9). Threads race on one
union through one server (one runtime) and through several (a runtime each, as several workers
are), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.runtime import Runtime
from tests.e2e.conftest import tree_runtime
from tests.integration.support import released_together
from tests.unit.workflow_world import TODAY, staff, unit
from workflow import commands as c

WRITERS = 16


@pytest.fixture
def runtime(db_url: str) -> Iterator[Runtime]:
    rt = tree_runtime(db_url)
    yield rt
    rt.engine.dispose()


def facts(i: int) -> c.UpdateUnitFacts:
    return c.UpdateUnitFacts(union_id="U1", unit=unit(employees=200 + i), occurred_on=TODAY)


def race(runtimes: list[Runtime], expected: int | None) -> list[Any]:
    """WRITERS threads, released together, each updating U1's facts once; each one's outcome."""

    def writer(i: int) -> str:
        rt = runtimes[i % len(runtimes)]
        rt.service.execute(facts(i), staff("U1"), expected_version=expected)
        return "written"

    return released_together(WRITERS, writer, lambda exc: ("conflict", exc.expected_version, exc.actual_version))


@pytest.mark.parametrize("servers", [1, 4])
def test_without_if_match_every_racing_command_is_written(runtime: Runtime, db_url: str, servers: int) -> None:
    others = [Runtime.open(db_url, clock=lambda: TODAY) for _ in range(servers - 1)]
    try:
        for rt in others:  # each server has read U1 before: its kept stream goes stale in the race
            rt.service.load("U1")
        before = runtime.service.load("U1").version
        outcomes = race([runtime, *others], expected=None)
        assert outcomes == ["written"] * WRITERS
        assert runtime.service.load("U1").version == before + WRITERS
        assert runtime.store.verify().ok
    finally:
        for rt in others:
            rt.engine.dispose()


def test_with_if_match_one_wins_and_the_others_hear_of_the_conflict(runtime: Runtime) -> None:
    version = runtime.service.load("U1").version
    outcomes = race([runtime], expected=version)
    assert outcomes.count("written") == 1
    assert sorted(set(outcomes) - {"written"}) == [("conflict", version, version + 1)]
    assert runtime.service.load("U1").version == version + 1
