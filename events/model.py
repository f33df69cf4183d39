"""Event types, their registry and upcasting, and the records the store reads and writes.

Events are frozen pydantic models with a stable stored name and a schema version. The name is what
the database keeps, never the Python class path, so classes can move or be renamed freely. When a
payload's shape changes, the class gets the next version and an upcaster turns the old payload
into the new one *on read*; stored rows are never rewritten (their hashes would break, and auditors
must see what was written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from events.errors import UnknownEventType


class DomainEvent(BaseModel):
    """Base of every event. Subclasses set `event_type` (stable stored name, past tense) and
    `schema_version`, and are registered with an `EventRegistry`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1


class EventMetadata(BaseModel):
    """Who did it and why it happened: recorded with every event for the auditors."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor_id: str
    role: str
    acting_org: str | None = None
    command_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append, with the business date of the fact it records (`occurred_on`), e.g. the
    congress date; the store sets `recorded_at` itself."""

    event: DomainEvent
    occurred_on: dt.date


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as stored: position in the global log, place in its stream, decoded event."""

    position: int
    stream_id: str
    version: int
    event_type: str
    schema_version: int  # as stored; `event` is already upcast to the latest version
    event: DomainEvent
    metadata: EventMetadata
    occurred_on: dt.date
    recorded_at: dt.datetime
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class AppendResult:
    stream_id: str
    first_version: int
    last_version: int
    first_position: int
    last_position: int
    replayed: bool = False  # True when an idempotency key matched and nothing was written


E = TypeVar("E", bound=type[DomainEvent])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class EventRegistry:
    """Maps a stored (type name, schema version) to the class that decodes it, through the chain
    of upcasters from old versions to the current one."""

    def __init__(self) -> None:
        self._current: dict[str, type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, cls: E) -> E:
        name, version = cls.event_type, cls.schema_version
        if not name:
            raise TypeError(f"{cls.__name__} has no event_type")
        known = self._current.get(name)
        if known is not None and known is not cls:
            raise TypeError(f"event type {name!r} is already registered to {known.__name__}")
        if version < 1:
            raise TypeError(f"{cls.__name__}: schema_version must be >= 1")
        self._current[name] = cls
        return cls

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a function turning a payload of `from_version` into `from_version + 1`."""

        def decorate(fn: Upcaster) -> Upcaster:
            key = (event_type, from_version)
            if key in self._upcasters:
                raise TypeError(f"an upcaster for {event_type} v{from_version} is already registered")
            self._upcasters[key] = fn
            return fn

        return decorate

    def include(self, other: EventRegistry) -> None:
        for cls in other._current.values():
            self.register(cls)
        for (name, version), fn in other._upcasters.items():
            self.upcaster(name, version)(fn)

    def __contains__(self, event_type: str) -> bool:
        return event_type in self._current

    def class_for(self, event_type: str) -> type[DomainEvent]:
        try:
            return self._current[event_type]
        except KeyError:
            raise UnknownEventType(event_type, 0, "not registered") from None

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._current)

    def decode(self, event_type: str, schema_version: int, payload: str | bytes) -> DomainEvent:
        cls = self._current.get(event_type)
        if cls is None:
            raise UnknownEventType(event_type, schema_version, "not registered")
        try:
            if schema_version == cls.schema_version:
                # Fast path: pydantic-core parses and validates straight from the JSON text.
                return cls.model_validate_json(payload)
            if schema_version > cls.schema_version:
                raise UnknownEventType(event_type, schema_version, f"newer than this code's v{cls.schema_version}")
            data = orjson.loads(payload)
            for version in range(schema_version, cls.schema_version):
                up = self._upcasters.get((event_type, version))
                if up is None:
                    raise UnknownEventType(event_type, schema_version, f"no upcaster from v{version}")
                data = up(data)
            return cls.model_validate(data)
        except ValidationError as exc:
            raise UnknownEventType(event_type, schema_version, f"payload does not validate: {exc}") from exc

    @staticmethod
    def encode(event: DomainEvent) -> str:
        return event.model_dump_json()
