"""event store on SQLite: the log's position as the rowid, the small tables WITHOUT ROWID

Every append on SQLite dirtied a page of each b-tree it touched, and every dirty page is written
to the WAL and fsynced at commit. Measured per append (bench/README.md): the events table, a
separate index on `position` (a BIGINT primary key is not SQLite's rowid, so the table kept a
hidden rowid and an index from position to it), the (stream_id, version) index, the stream's row,
the log head. With `position INTEGER PRIMARY KEY` the table is keyed by position itself: one
b-tree fewer to write, and reads by position one lookup instead of two. `streams` and
`idempotency_keys` become WITHOUT ROWID (keyed by their primary key, no rowid b-tree beside it),
so a new stream or key writes one b-tree instead of two.

PostgreSQL is unchanged (its tables have no rowid). The SQLite tables are rebuilt by copying, in
the migration's transaction: on a large log this takes a while (about as long as copying the file).

Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op

revision = "0002_sqlite_compact_rows"
down_revision = "0001_event_store"

_EVENTS = """CREATE TABLE {name} (
    position {position_type} NOT NULL,
    stream_id VARCHAR(200) NOT NULL,
    version INTEGER NOT NULL,
    event_type VARCHAR(200) NOT NULL,
    schema_version INTEGER NOT NULL,
    payload TEXT NOT NULL,
    metadata TEXT NOT NULL,
    occurred_on DATE NOT NULL,
    recorded_at DATETIME NOT NULL,
    idempotency_key VARCHAR(200),
    prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL,
    PRIMARY KEY (position),
    CONSTRAINT uq_events_stream_version UNIQUE (stream_id, version)
)"""

_STREAMS = """CREATE TABLE {name} (
    stream_id VARCHAR(200) NOT NULL,
    version INTEGER NOT NULL,
    head_hash VARCHAR(64) NOT NULL,
    PRIMARY KEY (stream_id)
){options}"""

_KEYS = """CREATE TABLE {name} (
    "key" VARCHAR(200) NOT NULL,
    fingerprint VARCHAR(64) NOT NULL,
    stream_id VARCHAR(200) NOT NULL,
    first_version INTEGER NOT NULL,
    last_version INTEGER NOT NULL,
    first_position BIGINT NOT NULL,
    last_position BIGINT NOT NULL,
    PRIMARY KEY ("key")
){options}"""

_EVENT_COLUMNS = (
    "position, stream_id, version, event_type, schema_version, payload, metadata, occurred_on, "
    "recorded_at, idempotency_key, prev_hash, hash"
)


def _rebuild(table: str, create: str, columns: str, order_by: str) -> None:
    """SQLite's way to change a table's storage: a new table, the rows copied in key order, the
    old one dropped and the new one renamed (no foreign key refers to these tables)."""
    new = f"{table}__new"
    op.execute(create.format(name=new))
    op.execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {table} ORDER BY {order_by}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")


def _apply(position_type: str, options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _rebuild("events", _EVENTS.replace("{position_type}", position_type), _EVENT_COLUMNS, "position")
    _rebuild("streams", _STREAMS.replace("{options}", options), "stream_id, version, head_hash", "stream_id")
    _rebuild(
        "idempotency_keys",
        _KEYS.replace("{options}", options),
        '"key", fingerprint, stream_id, first_version, last_version, first_position, last_position',
        '"key"',
    )


def upgrade() -> None:
    _apply("INTEGER", " WITHOUT ROWID")


def downgrade() -> None:
    _apply("BIGINT", "")
