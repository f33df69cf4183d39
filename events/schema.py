"""The event store's tables (SQLAlchemy Core). Alembic migrations in `events/migrations` create and
upgrade them; nothing creates them at import time.

- `events`: the append-only log. `position` is the global order, assigned under the `log_head`
  row lock (see `events.store` for why); (stream_id, version) is unique.
- `streams`: one row per stream with its current version and last hash: the optimistic
  concurrency check reads it, and `verify` uses it to notice a stream whose events vanished.
- `log_head`: one row, the last position, the running hash over the whole log and the last
  `recorded_at`. Its row lock serialises appends; its hash anchors the log against deletion of a
  whole stream or of the log's tail.
- `idempotency_keys`: keys of appends already made, with the fingerprint of the request, written in
  the same transaction as the events.

On SQLite (migration 0002) `events.position` is the table's rowid and `streams` and
`idempotency_keys` are WITHOUT ROWID tables: each append dirties fewer pages, and every dirty page
is written to the WAL and fsynced at commit.

Migration 0003 adds `events.procedure_id` (see below) and fills it for the rows already stored."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

GENESIS_HASH = "0" * 64

events = sa.Table(
    "events",
    metadata,
    # On SQLite, INTEGER makes the position the table's rowid (see migration 0002).
    sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("stream_id", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("metadata", sa.Text, nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=False),  # UTC
    sa.Column("idempotency_key", sa.String(200), nullable=True),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    # The payload's `procedure_id`, written beside it by the append (migration 0003) so that the
    # read side knows an event's procedure without parsing the payload. Not covered by the hash:
    # it repeats what the hashed payload says. Not indexed: no read selects events by procedure
    # (a procedure is read with its union's stream), and an index would cost every append a b-tree.
    sa.Column("procedure_id", sa.String(200), nullable=True),
    sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
)

streams = sa.Table(
    "streams",
    metadata,
    sa.Column("stream_id", sa.String(200), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("head_hash", sa.String(64), nullable=False),
    sqlite_with_rowid=False,
)

log_head = sa.Table(
    "log_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=False), nullable=True),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("stream_id", sa.String(200), nullable=False),
    sa.Column("first_version", sa.Integer, nullable=False),
    sa.Column("last_version", sa.Integer, nullable=False),
    sa.Column("first_position", sa.BigInteger, nullable=False),
    sa.Column("last_position", sa.BigInteger, nullable=False),
    sqlite_with_rowid=False,
)
