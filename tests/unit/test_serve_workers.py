"""`unionflow serve` without --workers: one worker per core on PostgreSQL, two at most on SQLite
(issue 21; bench/README.md has the measurement)."""

from __future__ import annotations

import os

import pytest

from api.cli.db import default_workers


@pytest.mark.parametrize(("cores", "postgres", "sqlite"), [(1, 1, 1), (2, 2, 2), (8, 8, 2)])
def test_default_workers_follow_the_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int, postgres: int, sqlite: int
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert default_workers("postgresql") == postgres
    assert default_workers("sqlite") == sqlite
