"""Errors the event store raises. Each says what the caller can do about it."""

from __future__ import annotations


class EventStoreError(Exception):
    """Base of the store's errors."""


class ConcurrencyError(EventStoreError):
    """The stream moved on since the caller read it: reload, re-decide, retry."""

    def __init__(self, stream_id: str, expected_version: int, actual_version: int) -> None:
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.actual_version = actual_version
        super().__init__(
            f"stream {stream_id!r} is at version {actual_version}, expected {expected_version}: "
            "it was changed by someone else; reload and retry"
        )


class IdempotencyKeyReused(EventStoreError):
    """The idempotency key was already used for a different request."""

    def __init__(self, key: str, stream_id: str) -> None:
        self.key = key
        self.stream_id = stream_id
        super().__init__(
            f"idempotency key {key!r} was already used for a different request (stream {stream_id!r}); "
            "use a new key for a new request"
        )


class StoreBusy(EventStoreError):
    """The database stayed locked by another writer longer than the busy timeout. Nothing was
    written; the call can be retried."""


class UnknownEventType(EventStoreError):
    """A stored event's type or schema version has no registered class or upcaster."""

    def __init__(self, event_type: str, schema_version: int, detail: str = "") -> None:
        self.event_type = event_type
        self.schema_version = schema_version
        super().__init__(f"unknown event type {event_type!r} v{schema_version}" + (f": {detail}" if detail else ""))


class SchemaNotReady(EventStoreError):
    """The database has no (or an old) schema: run `unionflow db upgrade`."""
