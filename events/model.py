"""Event types, their registry and upcasting, and the records the store reads and writes.

Events are frozen pydantic models with a stable stored name and a schema version. The name is what
the database keeps, never the Python class path, so classes can move or be renamed freely. When a
payload's shape changes, the class gets the next version and an upcaster turns the old payload
into the new one *on read*; stored rows are never rewritten (their hashes would break, and auditors
must see what was written)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from events.errors import UnknownEventType
from events.trusted import trusted_decoder


class DomainEvent(BaseModel):
    """Base of every event. Subclasses set `event_type` (stable stored name, past tense) and
    `schema_version`, and are registered with an `EventRegistry`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1


def procedure_id_of(event: BaseModel) -> str | None:
    """A procedure event's own `procedure_id` field, None for an event without one. Asked of the
    class's fields: `getattr` with a default would go through pydantic's `__getattr__`, which raises
    and catches for every event that has no such field."""
    if "procedure_id" not in type(event).model_fields:
        return None
    pid: str | None = getattr(event, "procedure_id")  # noqa: B009 - a field of the class
    return pid


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


def _recorded_event_factory() -> Callable[..., RecordedEvent]:
    """A constructor taking RecordedEvent's fields positionally, for the store's read path: it sets
    the slots through their descriptors instead of the frozen dataclass __init__'s eleven
    object.__setattr__ calls, about 40% cheaper per event. Same object, same checks (none)."""
    names = [f.name for f in fields(RecordedEvent)]
    assert RecordedEvent.__slots__ == tuple(names) and not hasattr(RecordedEvent, "__post_init__")
    s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10 = (getattr(RecordedEvent, n).__set__ for n in names)
    new = object.__new__

    def make(
        position: int,
        stream_id: str,
        version: int,
        event_type: str,
        schema_version: int,
        event: DomainEvent,
        metadata: EventMetadata,
        occurred_on: dt.date,
        recorded_at: dt.datetime,
        hash: str,
        prev_hash: str,
    ) -> RecordedEvent:
        r = new(RecordedEvent)
        s0(r, position)
        s1(r, stream_id)
        s2(r, version)
        s3(r, event_type)
        s4(r, schema_version)
        s5(r, event)
        s6(r, metadata)
        s7(r, occurred_on)
        s8(r, recorded_at)
        s9(r, hash)
        s10(r, prev_hash)
        return r

    return make


make_recorded_event = _recorded_event_factory()


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
Decoder = Callable[[str | bytes], DomainEvent]


class EventRegistry:
    """Maps a stored (type name, schema version) to the class that decodes it, through the chain
    of upcasters from old versions to the current one."""

    def __init__(self) -> None:
        self._current: dict[str, type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        # (type, stored version) -> decoder; only decodable pairs are cached, and registering
        # anything clears it, so it never answers differently from a fresh lookup.
        self._decoders: dict[tuple[str, int], Decoder] = {}
        self._stored: dict[tuple[str, int], Decoder] = {}  # likewise, for `stored_decoder`

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
        self._decoders.clear()
        self._stored.clear()
        return cls

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a function turning a payload of `from_version` into `from_version + 1`."""

        def decorate(fn: Upcaster) -> Upcaster:
            key = (event_type, from_version)
            if key in self._upcasters:
                raise TypeError(f"an upcaster for {event_type} v{from_version} is already registered")
            self._upcasters[key] = fn
            self._decoders.clear()
            self._stored.clear()
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
        return self.decoder(event_type, schema_version)(payload)

    def decoder(self, event_type: str, schema_version: int) -> Decoder:
        """The function that turns a stored payload of (`event_type`, `schema_version`) into the
        current event class, upcasting on the way. Raises UnknownEventType when there is none; the
        function raises it for a payload that does not validate."""
        key = (event_type, schema_version)
        found = self._decoders.get(key)
        if found is None:
            found = self._decoders[key] = self._make_decoder(event_type, schema_version)
        return found

    def stored_decoder(self, event_type: str, schema_version: int) -> Decoder:
        """`decoder`, for payloads read back from the log, which the store wrote as the events'
        `model_dump_json()` after validating them: a payload of the current schema version is built
        without validating it again (`events.trusted`) unless its class needs validation, and one
        of an older version is upcast and validated as `decoder` does. A payload that does not fit
        its class is validated, and raises UnknownEventType as `decoder` does."""
        key = (event_type, schema_version)
        found = self._stored.get(key)
        if found is None:
            found = checked = self.decoder(event_type, schema_version)
            cls = self._current[event_type]
            if schema_version == cls.schema_version:
                found = trusted_decoder(cls, checked) or checked
            self._stored[key] = found
        return found

    def _make_decoder(self, event_type: str, schema_version: int) -> Decoder:
        cls = self._current.get(event_type)
        if cls is None:
            raise UnknownEventType(event_type, schema_version, "not registered")
        if schema_version > cls.schema_version:
            raise UnknownEventType(event_type, schema_version, f"newer than this code's v{cls.schema_version}")
        if schema_version < 1:
            raise UnknownEventType(event_type, schema_version, "schema versions start at 1")
        chain: list[Upcaster] = []
        for version in range(schema_version, cls.schema_version):
            up = self._upcasters.get((event_type, version))
            if up is None:
                raise UnknownEventType(event_type, schema_version, f"no upcaster from v{version}")
            chain.append(up)

        def invalid(exc: ValidationError) -> UnknownEventType:
            return UnknownEventType(event_type, schema_version, f"payload does not validate: {exc}")

        if not chain:
            # Fast path: pydantic-core parses and validates straight from the JSON text (the
            # validator itself, skipping model_validate_json's per-call keyword handling).
            validate_json = (
                cls.__pydantic_validator__.validate_json if cls.__pydantic_complete__ else cls.model_validate_json
            )

            def current(payload: str | bytes) -> DomainEvent:
                try:
                    return validate_json(payload)
                except ValidationError as exc:
                    raise invalid(exc) from exc

            return current

        def upcast(payload: str | bytes) -> DomainEvent:
            data = orjson.loads(payload)
            for up in chain:
                data = up(data)
            try:
                return cls.model_validate(data)
            except ValidationError as exc:
                raise invalid(exc) from exc

        return upcast

    @staticmethod
    def encode(event: DomainEvent) -> str:
        return event.model_dump_json()
