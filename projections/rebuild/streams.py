"""A rebuild's replay: every stream folded from its first event, each union's rows written once.

The streams are read in stream order ((stream_id, version), `projections.feed.StreamPages`), so
each union's rows are written once, with bulk inserts, into tables that hold nothing of these
streams yet, and memory holds one union at a time (plus a page of events and the rows not yet
written). On SQLite, while another replay process holds the write lock, this one does not wait
for it but folds on (see `_Buffers.flush`). On PostgreSQL the next page is read while this one is
folded (`projections.rebuild.ahead`), and the rows go by COPY (`projections.base.Writer`)."""

from __future__ import annotations

import gc
import operator
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events.db import SQLITE_BUSY_TIMEOUT_S, is_sqlite, write_connection
from projections import schema
from projections.base import Folder, Projection, Writer
from projections.checkpoints import CLASSES
from projections.feed import StreamPages
from projections.rebuild.ahead import PagesAhead, pages_ahead
from projections.tree import Tree

PROGRESS_EVERY = 10_000  # events between a replay process's progress reports
READ_AHEAD = True  # PostgreSQL: read each page ahead while the one before is folded (`ahead`)
WRITE_BEHIND = True  # PostgreSQL: copy each batch of rows while the next is folded (`_Buffers`)


class _Buffers:
    """The rows rendered and not yet written, by table, and how they are written."""

    def __init__(self, write: Connection, projs: Sequence[Projection[Any]], tables: Mapping[str, sa.Table]) -> None:
        self.write = write
        self.writer = Writer(write)
        self.tables = tables
        self.sqlite = is_sqlite(write.engine)
        self.rows: dict[str, list[tuple[Any, ...]]] = {t: [] for p in projs for t in p.table_names}
        self.count = 0
        # Tables not keyed by union (proj_alerts: by path) get each batch in key order, so
        # that the inserts walk their b-tree forwards rather than at random.
        self.sort_keys = {
            t: operator.itemgetter(*(cols.index(c) for c in schema.SPECS[t].primary_key))
            for t in self.rows
            if schema.SPECS[t].owner != "org_id"
            for cols in ([c.name for c in tables[t].columns],)
        }

        # PostgreSQL: each batch is copied by a thread while the replay folds on (`flush`).
        self.behind = None if self.sqlite or not WRITE_BEHIND else ThreadPoolExecutor(1, "replay-write")
        self.pending: Future[None] | None = None

    def _write_all(self) -> None:
        self._write(self.rows)
        self.rows = {t: [] for t in self.rows}
        self.count = 0

    def _write(self, batch: dict[str, list[tuple[Any, ...]]]) -> None:
        for t, rows in batch.items():
            if t in self.sort_keys:
                rows.sort(key=self.sort_keys[t])
            self.writer.insert(self.tables[t], rows)

    def _copy(self, batch: dict[str, list[tuple[Any, ...]]]) -> None:
        with self.write.begin():
            # No wait for the disk at each commit (see _replay_settings).
            self.writer.cursor.execute("SET LOCAL synchronous_commit = off")
            self._write(batch)

    def _flush_postgres(self, wait: bool) -> None:
        """The batch handed to the writing thread (the one before it written first: one at a
        time, so memory holds two batches at most, and its error raised here); the COPY's wait
        for the server then overlaps the fold. `wait`: written before this returns."""
        self.drain()
        batch, self.rows, self.count = self.rows, {t: [] for t in self.rows}, 0
        if self.behind is None or wait:
            self._copy(batch)
        else:
            self.pending = self.behind.submit(self._copy, batch)

    def drain(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Let a batch being written finish (before the connection is given back)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.exception()
        if self.behind is not None:
            self.behind.shutdown()

    def flush(self, wait: bool) -> bool:
        """Write the buffered rows in one transaction; returns False, having written nothing,
        when `wait` is off and the other replay process holds SQLite's write lock (it is writing
        its own buffers: fold on and try again after the next page, rather than sleep in the
        busy handler)."""
        write = self.write
        if not self.sqlite:
            self._flush_postgres(wait)
            return True
        if wait:
            with write.begin():  # BEGIN IMMEDIATE
                self._write_all()
            return True
        # The same transaction, tried once: the busy handler off for BEGIN only.
        driver = write.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA busy_timeout=0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        try:
            self._write_all()
            driver.execute("COMMIT")
        except BaseException:
            driver.execute("ROLLBACK")
            raise
        return True


def replay_streams(
    engine: Engine,
    names: Sequence[str],
    tables: Mapping[str, sa.Table],
    to_position: int,
    progress: Callable[[int], None] | None,
    page_size: int,
    flush_rows: int,
    low: str | None = None,
    high: str | None = None,
    *,
    hold_rows: int | None = None,
) -> int:
    """Fold every stream (of those in [low, high) when given) from its first event, up to
    `to_position`, writing each union's rows once into `tables` (which hold nothing of these
    streams yet). `progress` gets the events replayed so far. Returns the number of events.

    Rows are written `flush_rows` at a time; while another writer holds SQLite's write lock,
    up to `hold_rows` (default twice `flush_rows`) are kept before waiting for it."""
    hold = hold_rows if hold_rows is not None else 2 * flush_rows
    with collector_paused(), engine.connect() as read, write_connection(engine) as write, _replay_settings(read, write):
        tree = Tree()
        tree.conn = read
        projs = [CLASSES[n](tree) for n in names]
        buffers = _Buffers(write, projs, tables)
        try:
            with _pages(engine, read, to_position, low, high) as pages:
                done = _StreamFold(Folder(projs), buffers).run(pages, read, page_size, flush_rows, hold, progress)
            buffers.flush(wait=True)
        finally:
            buffers.close()
    return done


@contextmanager
def _pages(
    engine: Engine, read: Connection, to_position: int, low: str | None, high: str | None
) -> Iterator[StreamPages | PagesAhead]:
    """The log's pages in stream order: on PostgreSQL each read one ahead (`ahead`), while the
    page before is folded; SQLite answers in this process, so there is no wait to hide."""
    if READ_AHEAD and not is_sqlite(engine):
        with pages_ahead(engine, to_position, low=low, high=high) as ahead:
            yield ahead
    else:
        yield StreamPages(read, to_position, low=low, high=high)


class _StreamFold:
    """Folds the pages of a stream-ordered read, rendering each union into the buffers when its
    stream ends."""

    def __init__(self, folder: Folder, buffers: _Buffers) -> None:
        self.folder = folder
        self.buffers = buffers

    def render(self, states: list[Any], version: int) -> None:
        self.folder.finish(states, version)
        buffers = self.buffers
        for i, p in enumerate(self.folder.projections):
            for t, rows in p.render(states[i]).items():
                buffers.rows[t].extend(rows)
                buffers.count += len(rows)

    def run(
        self,
        pages: StreamPages | PagesAhead,
        read: Connection,
        page_size: int,
        flush_rows: int,
        hold: int,
        progress: Callable[[int], None] | None,
    ) -> int:
        folder, buffers = self.folder, self.buffers
        dispatch = folder.dispatch
        done = reported = version = 0
        after: tuple[str, int] | None = None
        stream: str | None = None
        states: list[Any] = []
        while page := pages.after(after, page_size):
            read.rollback()  # end the read transaction: never hold a snapshot across pages
            for ev in page:
                if ev.stream_id != stream:
                    if stream is not None:
                        self.render(states, version)
                    stream = ev.stream_id
                    states = folder.new_states(ev.org_id)
                entries = dispatch.get(ev.type)
                if entries is None:
                    entries = folder.entries(ev)
                for i, handler in entries:
                    handler(states[i], ev)
                version = ev.version
            after = (page[-1].stream_id, page[-1].version)
            done += len(page)
            # Up to `hold` rows buffered while the other process writes (see _Buffers.flush).
            if buffers.count >= flush_rows:
                buffers.flush(wait=buffers.count >= hold)
            if progress is not None and done - reported >= PROGRESS_EVERY:
                # Not every page: each report wakes the parent, on a core the replay uses.
                progress(done)
                reported = done
        read.rollback()
        if stream is not None:
            self.render(states, version)
        if progress is not None and done > reported:
            progress(done)
        return done


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk phase (a replay, a registry import): nothing in
    one makes reference cycles worth collecting before it ends (reference counting frees memory as
    it goes), and the collector's full passes would only rescan the growing buffers."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _replay_settings(read: Connection, write: Connection) -> Iterator[None]:
    """The shadow tables are thrown away if anything fails before the swap, so their writes need
    not wait for the disk (the swap itself commits with the engine's usual durability, and on
    PostgreSQL its flush of the log covers every commit before it).

    On SQLite, stream order reads rows out of position order, so let SQLite map the file instead
    of copying pages through its small cache. On PostgreSQL each page is a statement of its own
    (autocommit): in a transaction every page would cost three round trips (BEGIN, the SELECT,
    the ROLLBACK that ends its snapshot), each a wait for the server, where one will do."""
    if not is_sqlite(read.engine):
        read.execution_options(isolation_level="AUTOCOMMIT")
        yield
        return
    _pragma(read, "mmap_size=4294967296")
    _pragma(write, "synchronous=NORMAL")
    _pragma(write, "cache_size=-65536")
    yield
    _pragma(write, "synchronous=FULL")
    _pragma(write, "cache_size=-2000")
    _pragma(read, "mmap_size=0")


def _pragma(conn: Connection, setting: str) -> None:
    # Outside any transaction (SQLite refuses some settings inside one), on the driver's connection.
    conn.connection.driver_connection.execute(f"PRAGMA {setting}")  # type: ignore[union-attr]
