"""Errors the event store raises. Each says what the caller can do about it; those about a stream or
an event are dataclasses of the facts their message states, which callers read as attributes."""

from __future__ import annotations

from dataclasses import dataclass


class EventStoreError(Exception):
    """Base of the store's errors."""


@dataclass(eq=False)
class ConcurrencyError(EventStoreError):
    """The stream moved on since the caller read it: reload, re-decide, retry."""

    stream_id: str
    expected_version: int
    actual_version: int

    def __str__(self) -> str:
        return (
            f"stream {self.stream_id!r} is at version {self.actual_version}, expected {self.expected_version}: "
            "it was changed by someone else; reload and retry"
        )


@dataclass(eq=False)
class IdempotencyKeyReused(EventStoreError):
    """The idempotency key was already used for a different request."""

    key: str
    stream_id: str

    def __str__(self) -> str:
        return (
            f"idempotency key {self.key!r} was already used for a different request (stream {self.stream_id!r}); "
            "use a new key for a new request"
        )


class StoreBusy(EventStoreError):
    """The database stayed locked by another writer longer than the busy timeout. Nothing was
    written; the call can be retried."""


@dataclass(eq=False)
class UnknownEventType(EventStoreError):
    """A stored event's type or schema version has no registered class or upcaster."""

    event_type: str
    schema_version: int
    detail: str = ""

    def __str__(self) -> str:
        return f"unknown event type {self.event_type!r} v{self.schema_version}" + (
            f": {self.detail}" if self.detail else ""
        )


class SchemaNotReady(EventStoreError):
    """The database has no (or an old) schema: run `unionflow db upgrade`."""
