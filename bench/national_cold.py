"""Cold reads for `bench_national --cold N`: each dashboard read after PostgreSQL has been restarted
(its shared buffers empty) and the operating system's page cache dropped, so that every page the
read needs comes from the disk, as for the first person to open a dashboard after a restart.

This restarts the server and empties the whole machine's page cache: run it only on a machine of
your own, with nothing else using that server. The restart command is `--restart` (by default
Debian's `pg_ctlcluster` for the cluster that serves the database); dropping the page cache takes
root (`/proc/sys/vm/drop_caches`); without it the figures are those of a restarted server on a
warm page cache, and the results say so."""

from __future__ import annotations

import datetime as dt
import random
import shlex
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from events import make_engine

DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def default_restart() -> str:
    """`pg_ctlcluster` for the one cluster on this machine (Debian's layout), fast shutdown."""
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").is_dir() else []
    if len(versions) != 1:
        raise SystemExit("--cold: give --restart, the command that restarts this database's PostgreSQL server")
    return f"pg_ctlcluster --skip-systemctl-redirect {versions[0]} main restart -m fast"


def _emptied(restart: str) -> bool:
    """Restart the server, drop the page cache; whether the page cache could be dropped."""
    subprocess.run(shlex.split(restart), check=True, capture_output=True)
    subprocess.run(["sync"], check=True)
    try:
        DROP_CACHES.write_text("3\n")
    except OSError:
        return False
    return True


def _connect(url: str) -> sa.Engine:
    """A fresh engine once the restarted server accepts connections again."""
    for _ in range(100):
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return engine
        except sa.exc.OperationalError:
            engine.dispose()
            time.sleep(0.1)  # waiting for the server to come up, not timing anything
    raise SystemExit("the server did not come back after the restart")


def measure_cold(
    url: str,
    subtrees: dict[str, str | None],
    reads: dict[str, Callable[[Any, dt.date, str | None], Any]],
    runs: int,
    seed: int,
    restart: str,
) -> dict[str, Any]:
    """Each read of each subtree `runs` times, each on an emptied server and page cache: the
    connection is opened (and checked) before the clock starts, so only the read is timed."""
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    dropped = True
    for where, subtree in subtrees.items():
        for read_name, read in reads.items():
            times = []
            for _ in range(runs):
                on = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(16 * 365))
                dropped = _emptied(restart) and dropped
                engine = _connect(url)
                try:
                    with engine.connect() as conn:
                        started = time.perf_counter()
                        read(conn, on, subtree)
                        times.append((time.perf_counter() - started) * 1000)
                finally:
                    engine.dispose()
            times.sort()
            out[f"{where} {read_name}"] = {
                "cold_median": round(times[len(times) // 2], 1),
                "cold_max": round(times[-1], 1),
            }
    out["page_cache_dropped"] = dropped
    return out
