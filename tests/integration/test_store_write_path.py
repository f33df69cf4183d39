"""The append path's connection handling: no pool pre-ping on appends (a round trip saved on
PostgreSQL), and a connection found dead before COMMIT retried once, safely."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from events import DomainEvent, EventRegistry, EventStore, EventStoreError, NewEvent, make_engine
from events.db import append_engine
from tests.integration.support import DAY, META, REG, Noted, notes


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _terminate(url: str, pid: int) -> None:
    # Another engine, so that the pool under test is not touched.
    other = sa.create_engine(url)
    try:
        with other.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar_one()
    finally:
        other.dispose()


def test_append_survives_a_connection_killed_while_pooled(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        store = EventStore(engine, REG)
        store.append("s", notes("one"), expected_version=0, metadata=META)
        _terminate(pg_url, _backend_pid(append_engine(engine)))
        # The pooled connection is dead; the append is not pre-pinged, fails on its first
        # statement, and runs again on a new connection.
        result = store.append("s", notes("two"), expected_version=1, metadata=META)
        assert (result.first_version, result.last_position) == (2, 2)
        assert [r.version for r in store.read_stream("s")] == [1, 2]
        assert store.verify().ok
    finally:
        engine.dispose()


def test_append_is_not_retried_when_the_failure_is_not_a_lost_connection(pg_url: str) -> None:
    """A listener's own database error fails the append once, without a second run."""
    engine = make_engine(pg_url)
    calls: list[int] = []

    def failing_listener(conn: Any, recorded: Any) -> None:
        calls.append(len(recorded))
        conn.exec_driver_sql("SELECT * FROM no_such_table_here")

    try:
        store = EventStore(engine, REG)
        with pytest.raises(EventStoreError):
            store.append("s", notes("one"), expected_version=0, metadata=META, listener=failing_listener)
        assert calls == [1]
        assert store.stream_version("s") == 0
    finally:
        engine.dispose()


def _sqlite_table_sql(engine: sa.Engine, table: str) -> str:
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar_one())


def test_a_log_written_before_migration_0002_upgrades_and_keeps_its_chains(db_url: str) -> None:
    """Migration 0002 rebuilds the SQLite tables (position as rowid, WITHOUT ROWID registry and
    keys); a log written under 0001 reads, verifies and takes appends the same afterwards."""
    from alembic import command

    from events import migrate

    engine = make_engine(db_url)
    sqlite = engine.dialect.name == "sqlite"
    try:
        # The log is written by today's store and taken down to 0001 with its rows (the store
        # writes the columns of the newest schema).
        store = EventStore(engine, REG)
        store.append("a", notes("a1", "a2"), expected_version=0, metadata=META)
        store.append("b", notes("b1"), expected_version=0, metadata=META, idempotency_key="k-b1")
        store.append("a", notes("a3"), expected_version=2, metadata=META)
        before = [(r.position, r.stream_id, r.version, r.hash) for r in store.read_all()]
        head = store.head()
        cfg = migrate._config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001_event_store")
        if sqlite:
            assert "position BIGINT" in _sqlite_table_sql(engine, "events")

        migrate.upgrade(engine)
        if sqlite:
            assert "position INTEGER" in _sqlite_table_sql(engine, "events")
            assert "WITHOUT ROWID" in _sqlite_table_sql(engine, "streams")
            assert "WITHOUT ROWID" in _sqlite_table_sql(engine, "idempotency_keys")
        assert [(r.position, r.stream_id, r.version, r.hash) for r in store.read_all()] == before
        assert store.head() == head
        assert store.verify(expected_head=head).ok
        replay = store.append("b", notes("b1"), expected_version=0, metadata=META, idempotency_key="k-b1")
        assert replay.replayed and replay.last_position == 3
        result = store.append("b", notes("b2"), expected_version=1, metadata=META)
        assert (result.first_version, result.first_position) == (2, 5)
        assert store.verify().ok
    finally:
        engine.dispose()


class _Stepped(DomainEvent):
    event_type: ClassVar[str] = "Stepped"
    procedure_id: str
    note: str = ""


def test_migration_0003_fills_the_procedure_id_column_as_the_append_writes_it(db_url: str) -> None:
    """The append writes each event's `procedure_id` beside its payload; rows stored before
    migration 0003 get the same values from their payloads."""
    from alembic import command

    from events import migrate, reading

    reg = EventRegistry()
    reg.register(Noted)
    reg.register(_Stepped)
    engine = make_engine(db_url)
    try:
        store = EventStore(engine, reg)
        stepped = [NewEvent(_Stepped(procedure_id=pid, note='"procedure_id":"no"'), DAY) for pid in ("U1:f-1", "江-1")]
        store.append("org-U1", [*stepped, *notes("n")], expected_version=0, metadata=META)

        def column() -> list[str | None]:
            with engine.connect() as conn:
                return [reading.FeedRow._make(r).procedure_id for r in reading.rows_after(conn, 0, None, 10)]

        assert column() == ["U1:f-1", "江-1", None]
        cfg = migrate._config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0002_sqlite_compact_rows")
        migrate.upgrade(engine)
        assert column() == ["U1:f-1", "江-1", None]
        assert store.verify().ok
    finally:
        engine.dispose()
