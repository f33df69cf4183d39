"""The hash chains that make tampering evident.

Each event's hash covers its stored content (position, stream, version, type, schema version,
business date, recording time, metadata and payload exactly as stored) and the previous event's
hash *in its stream*. The log head keeps a second, running hash over every event hash in position
order, so deleting a whole stream or the tail of the log is noticed too. The fields are joined with
a separator that cannot occur in them unescaped (JSON text escapes control characters)."""

from __future__ import annotations

import datetime as dt
import hashlib

_SEP = b"\x1f"


def format_recorded_at(ts: dt.datetime) -> str:
    """Canonical text of a recording time (UTC, microseconds) for hashing and export."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.UTC).replace(tzinfo=None)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    prev_hash: str,
    position: int,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    occurred_on: dt.date,
    recorded_at: dt.datetime,
    metadata: str,
    payload: str,
) -> str:
    h = hashlib.sha256()
    h.update(
        _SEP.join(
            (
                prev_hash.encode(),
                str(position).encode(),
                stream_id.encode(),
                str(version).encode(),
                event_type.encode(),
                str(schema_version).encode(),
                occurred_on.isoformat().encode(),
                format_recorded_at(recorded_at).encode(),
                metadata.encode(),
                payload.encode(),
            )
        )
    )
    return h.hexdigest()


def log_hash(prev_log_hash: str, event_hash_: str) -> str:
    return hashlib.sha256(prev_log_hash.encode() + _SEP + event_hash_.encode()).hexdigest()
