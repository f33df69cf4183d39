"""The append-only, tamper-evident event store. Imports nothing of the rest of the project."""

from events.db import make_engine
from events.errors import (
    ConcurrencyError,
    EventStoreError,
    IdempotencyKeyReused,
    SchemaNotReady,
    StoreBusy,
    UnknownEventType,
)
from events.model import (
    AppendResult,
    DomainEvent,
    EventMetadata,
    EventRegistry,
    NewEvent,
    RecordedEvent,
)
from events.store import EventStore
from events.verify import BrokenLink, VerificationReport

__all__ = [
    "AppendResult",
    "BrokenLink",
    "ConcurrencyError",
    "DomainEvent",
    "EventMetadata",
    "EventRegistry",
    "EventStore",
    "EventStoreError",
    "IdempotencyKeyReused",
    "NewEvent",
    "RecordedEvent",
    "SchemaNotReady",
    "StoreBusy",
    "UnknownEventType",
    "VerificationReport",
    "make_engine",
]
