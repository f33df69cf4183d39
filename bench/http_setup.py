"""`bench_http`'s database: the app's own demo (`unionflow demo`, run as an operator runs it), the
clients' tokens issued through the app's token store, and a copy of the whole database for the
in-process loop, so that its commands do not lengthen the streams the server then serves.

Each client gets unions of its own: a union whose staff records its unit's facts (the command, which
a union's staff may send as often as the facts change, so it is never refused for being repeated),
and another union for the reads, read by its own staff (`GET /unions/{id}`) and by the approver of
the organisation above it (`GET /alerts`, `GET /inbox`). The command and read unions are disjoint,
so the command cells do not change what the read cells read."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import projections
from api.demo import CITY
from api.runtime import Runtime
from bench.http_load import CpuMeter
from events import make_engine
from events.catalogue import UnitFacts
from workflow.authority import Actor


@dataclass(frozen=True)
class Client:
    """One simulated person's identity and the union they act on."""

    union_id: str
    parent_id: str
    unit: UnitFacts
    staff_person: str
    staff_token: str
    approver_token: str

    @property
    def staff(self) -> Actor:
        return Actor(person_id=self.staff_person, role="staff", org_id=self.union_id)

    def facts(self, n: int) -> UnitFacts:
        """The unit's facts for the `n`th command: the head count moves by one and back, as a
        union's staff would record it."""
        return self.unit.model_copy(update={"employees": self.unit.employees + n % 2})


@dataclass(frozen=True)
class Demo:
    url: str  # the database the server serves
    copy_url: str  # the same database as it was before the server's first request
    commands: list[Client]  # client i records facts on commands[i]
    reads: list[Client]  # client i reads reads[i]
    today: dt.date
    unions: int  # grassroots unions in the demo
    shared: bool  # fewer suitable unions than clients: some clients share one


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def demo_database(backend: str, pg_url: str, unions: int, clients: int, *, keep: bool = False) -> Iterator[Demo]:
    """A demo of `unions` grassroots unions on `backend`, with tokens for `clients` clients, and
    its copy; after the block, the SQLite files and the PostgreSQL copy are removed unless `keep`
    (the PostgreSQL demo database stays, emptied and loaded again by the next run)."""
    if backend == "sqlite":
        tmp = Path(tempfile.mkdtemp(prefix="unionflow-bench-http-"))
        try:
            url, copy_url = f"sqlite:///{tmp}/demo.db", f"sqlite:///{tmp}/copy.db"
            found = _load(url, unions, clients)
            _copy_sqlite(tmp / "demo.db", tmp / "copy.db")
            yield Demo(url, copy_url, *found)
        finally:
            if keep:
                _log(f"kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
        return
    url, copy_url = _fresh_postgres(pg_url)
    try:
        found = _load(url, unions, clients)
        _copy_postgres(url, copy_url)
        yield Demo(url, copy_url, *found)
    finally:
        # The served database stays for a look afterwards (the next run empties it); the copy was
        # only of use to this run's in-process loop.
        if not keep:
            _drop_postgres(copy_url)


def _load(url: str, unions: int, clients: int) -> tuple[list[Client], list[Client], dt.date, int, bool]:
    _log(f"loading the demo ({unions} unions) into {sa.make_url(url).render_as_string(hide_password=True)}")
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "demo", "--unions", str(unions), "--database-url", url],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"unionflow demo failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    rt = Runtime.open(url)
    try:
        candidates = _suitable_unions(rt)
        if not candidates:
            raise SystemExit("the demo has no founded union to record facts on")
        random.Random(2026).shuffle(candidates)
        half = max(1, len(candidates) // 2)
        shared = half < clients
        commands = [_client(rt, candidates[i % half], f"cmd{i}") for i in range(clients)]
        reads_from = candidates[half:] or candidates
        reads = [_client(rt, reads_from[i % len(reads_from)], f"read{i}") for i in range(clients)]
        return commands, reads, rt.service.clock(), unions, shared
    finally:
        rt.engine.dispose()


def _suitable_unions(rt: Runtime) -> list[tuple[str, str, UnitFacts]]:
    """Founded grassroots unions with a unit of their own (not a joint union), not dissolved,
    under an organisation: (union, parent, unit facts as the register holds them), in tree order."""
    found = []
    for r in projections.register(rt.engine, CITY, level="grassroots", founded=True, limit=None).items:
        facts = {name: getattr(r, name) for name in UnitFacts.model_fields}
        if r.dissolved_on is None and r.parent_id is not None and None not in facts.values():
            found.append((r.org_id, r.parent_id, UnitFacts.model_validate(facts)))
    return found


def _client(rt: Runtime, union: tuple[str, str, UnitFacts], name: str) -> Client:
    """A client's tokens, issued as `unionflow token issue` issues them (people without accounts:
    a script's identity)."""
    union_id, parent_id, unit = union
    staff = rt.tokens.issue(f"bench-{name}-staff", "staff", union_id, days=1, note="bench_http")
    approver = rt.tokens.issue(f"bench-{name}-approver", "approver", parent_id, days=1, note="bench_http")
    return Client(union_id, parent_id, unit, staff.info.person_id, staff.token, approver.token)


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the WAL included)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _admin(url: str) -> sa.Engine:
    u = sa.make_url(url).set(database="postgres")
    return make_engine(u.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")


def _fresh_postgres(url: str) -> tuple[str, str]:
    """`url`'s database emptied (dropped and created again) and the name of its copy. Only a
    database whose name says it is a benchmark's is dropped."""
    u = sa.make_url(url)
    name = str(u.database)
    if "bench" not in name:
        raise SystemExit(f"--pg-url: {name!r} does not look like a benchmark database (its name must contain 'bench')")
    copy = u.set(database=f"{name}_copy").render_as_string(hide_password=False)
    _drop_postgres(url, copy)
    _execute(url, f'CREATE DATABASE "{name}"')
    return u.render_as_string(hide_password=False), copy


def _copy_postgres(url: str, copy_url: str) -> None:
    """The copy, made by the server from the database as a template (nobody may be connected)."""
    source, target = sa.make_url(url).database, sa.make_url(copy_url).database
    _execute(url, f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def _drop_postgres(*urls: str) -> None:
    for url in urls:
        _execute(url, f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')


def _execute(url: str, statement: str) -> None:
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        admin.dispose()


class PostgresMeter(CpuMeter):
    """The CPU time of the PostgreSQL backends connected to `url`'s database at the cell's start
    or end (a connection opened and closed within the cell is missed: the figure is a lower bound),
    and how many connections were opened meanwhile, by the database's own count
    (`pg_stat_database.sessions`; a connection is counted once it has reported, at the latest
    when it ends)."""

    def __init__(self, url: str) -> None:
        super().__init__(lambda: self._query("SELECT pid FROM pg_stat_activity WHERE datname = :d"))
        self.url = url
        self.sessions = 0

    def _query(self, sql: str) -> list[int]:
        admin = _admin(self.url)
        try:
            with admin.connect() as conn:
                return [int(r[0]) for r in conn.execute(sa.text(sql), {"d": sa.make_url(self.url).database})]
        finally:
            admin.dispose()

    def _sessions(self) -> int:
        return self._query("SELECT sessions FROM pg_stat_database WHERE datname = :d")[0]

    def start(self) -> None:
        self.sessions = self._sessions()
        super().start()

    def figures(self) -> dict[str, Any]:
        return {"db_sessions": self._sessions() - self.sessions}
