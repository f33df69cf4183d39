"""`unionflow rebuild` while the server takes writes (issue 20, point 7): the rebuild waits its turn
for the database like every writer, never ends in a raw "database is locked" traceback, and every
command written meanwhile is in the rebuilt read models. The rebuild runs as an operator runs it,
in a process of its own, while 16 threads write; on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from api.runtime import Runtime
from events import ConcurrencyError, StoreBusy
from projections import Projections
from tests.e2e.conftest import register_union, tree_runtime
from tests.unit.workflow_world import TODAY, staff, unit
from workflow import commands as c

WRITERS = 16
UNIONS = 8


@pytest.fixture
def runtime(db_url: str) -> Iterator[Runtime]:
    rt = tree_runtime(db_url)
    for i in range(2, UNIONS + 1):
        register_union(rt, f"U{i}", f"U{i} 工会")
    yield rt
    rt.engine.dispose()


def test_rebuild_waits_its_turn_while_threads_write(runtime: Runtime, db_url: str) -> None:
    done = threading.Event()
    written = [0] * WRITERS
    errors: list[str] = []

    def writer(i: int) -> None:
        union = f"U{i % UNIONS + 1}"
        n = 0
        while not done.is_set() or n < 3:
            n += 1
            cmd = c.UpdateUnitFacts(union_id=union, unit=unit(employees=300 + n), occurred_on=TODAY)
            try:
                runtime.service.execute(cmd, staff(union))
                written[i] += 1
            except (ConcurrencyError, StoreBusy) as exc:  # the caller may retry these; none expected
                errors.append(repr(exc))
            except Exception as exc:
                errors.append(repr(exc))
                return

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    try:
        rebuilds = [
            subprocess.run(
                [sys.executable, "-m", "api.cli", "rebuild", "--database-url", db_url],
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            for _ in range(3)
        ]
    finally:
        done.set()
        for t in threads:
            t.join()
    for r in rebuilds:
        assert r.returncode == 0, r.stderr[-2000:]
        assert "Traceback" not in r.stderr and "database is locked" not in r.stderr, r.stderr[-2000:]
    assert errors == []
    assert sum(written) >= WRITERS * 3
    report = Projections(runtime.engine).compare_with_rebuild(None)
    assert report.ok, str(report)
