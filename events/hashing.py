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
    """Canonical text of a recording time (UTC, microseconds) for hashing and export:
    ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.UTC).replace(tzinfo=None)
    # isoformat is the same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ") for every year from 1000 on,
    # at less than half the cost.
    return ts.isoformat(timespec="microseconds") + "Z"


def event_hash(
    prev_hash: str,
    position: int,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    occurred_on: dt.date | str,
    recorded_at: dt.datetime | str,
    metadata: str,
    payload: str,
) -> str:
    """The event's hash. The dates may come already in their canonical text (`date.isoformat()` and
    `format_recorded_at`): the append path formats them once per append."""
    if not isinstance(occurred_on, str):
        occurred_on = occurred_on.isoformat()
    if not isinstance(recorded_at, str):
        recorded_at = format_recorded_at(recorded_at)
    text = "\x1f".join(
        (
            prev_hash,
            str(position),
            stream_id,
            str(version),
            event_type,
            str(schema_version),
            occurred_on,
            recorded_at,
            metadata,
            payload,
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


# The name the audit bundle (api/bundle) imports it by.
event_hash_text = event_hash


def log_hash(prev_log_hash: str, event_hash_: str) -> str:
    return hashlib.sha256(prev_log_hash.encode() + _SEP + event_hash_.encode()).hexdigest()
