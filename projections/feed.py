"""Events as the projections see them: rows of the log read through the store's read API
(`events.reading`), each with its place in the log, its type and business date, and the catalogue's
typed event (`Ev.event`), decoded on first use and shared by every projection that folds it.

Why not `EventStore.read_pages`: most events are folded for their type, date and procedure id
alone (the store keeps the id in a column of its own), and a rebuild reads every event of the log;
so the payload is decoded only when a handler reads a field of it, once. The payload stored is the
event's `model_dump_json()`, validated when it was written, so it is decoded without validating it
again (`EventRegistry.stored_decoder`, `events.trusted`); a payload stored under an older schema
version goes through the registry's upcasters and pydantic and is used in its current shape. A type
the registry does not know is never decoded: the projection that meets it stops with
`UnknownEvent` (see `projections.base`), never skipping it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.engine import Connection

from events import DomainEvent, RecordedEvent, reading
from events.catalogue import CATALOGUE
from events.model import EventRegistry, procedure_id_of

E = TypeVar("E", covariant=True)


def org_of(stream_id: str) -> str:
    return stream_id[4:] if stream_id.startswith("org-") else stream_id


class Ev(Generic[E]):
    """One stored event: where it sits in the log, its type, its business date (`on`, ISO text),
    its procedure id (`pid`) and its typed event (`event`, decoded on first use; a handler names
    the event class it reads as `Ev[ThatClass]`). Built a million times by a rebuild, so it sets
    only what every event needs; the rest is worked out on first use."""

    __slots__ = (
        "_event",
        "_meta_raw",
        "_pid",
        "_raw",
        "_recorded",
        "on",
        "position",
        "schema_version",
        "step",
        "stream_id",
        "type",
        "version",
    )

    registry: EventRegistry = CATALOGUE
    _recorded: RecordedEvent  # set by `from_recorded` only

    def __init__(
        self,
        position: int,
        stream_id: str,
        version: int,
        event_type: str,
        schema_version: int,
        raw: str | bytes | None,
        meta_raw: str | bytes | None,
        on: Any,
        procedure_id: str | None = None,
    ) -> None:
        self.position = position
        self.stream_id = stream_id
        self.version = version
        self.type = event_type
        self.schema_version = schema_version  # as stored
        self._raw = raw
        self._meta_raw = meta_raw
        self.on: str = on if on.__class__ is str else on.isoformat()
        self._event: Any = None
        self._pid = procedure_id  # the store's column (events.reading.FeedRow)
        # (kind, state, runoffs, destination, runoffs after): a procedure step worked out once
        # for every projection that folds this event (projections.models.procedures.advance).
        self.step: tuple[str, str, list[str], str, list[str]] | None = None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Ev[Any]:
        """From a row in `events.reading.FeedRow`'s order."""
        return cls(*row)

    @classmethod
    def from_recorded(cls, r: RecordedEvent) -> Ev[Any]:
        """From a decoded event (already upcast). Its payload and metadata texts, when asked for,
        are encoded as the store encodes them (`registry.encode`, the metadata without None)."""
        event = r.event
        version = type(event).schema_version
        ev = cls(r.position, r.stream_id, r.version, r.event_type, version, None, None, r.occurred_on)
        ev._event = event
        ev._recorded = r
        ev._pid = procedure_id_of(event)  # the typed event's own field
        return ev

    @property
    def event(self) -> E:
        """The catalogue's event, in its current schema version."""
        event = self._event
        if event is None:
            # Only a row read from the log has no event yet, and every row has its payload.
            event = self._event = self.registry.stored_decoder(self.type, self.schema_version)(self._raw)  # type: ignore[arg-type]
        return event

    @property
    def org_id(self) -> str:
        return org_of(self.stream_id)

    @property
    def raw(self) -> str:
        """The payload as stored, or for one stored under an older schema version (or handed over
        decoded), the event in its current shape as the store encodes it."""
        raw = self._raw
        if raw is None or self.schema_version != self.registry.class_for(self.type).schema_version:
            event = cast(DomainEvent, self.event)
            raw = self._raw = EventRegistry.encode(event)
            self.schema_version = type(event).schema_version
        elif isinstance(raw, bytes):
            raw = self._raw = raw.decode()
        return raw

    @property
    def meta_raw(self) -> str:
        """The metadata text as stored (who, in which role, for which organisation)."""
        raw = self._meta_raw
        if raw is None:
            raw = self._meta_raw = self._recorded.metadata.model_dump_json(exclude_none=True)
        elif isinstance(raw, bytes):
            raw = self._meta_raw = raw.decode()
        return raw

    @property
    def pid(self) -> str:
        """The procedure id: the store's column (or the typed event's field, for the append
        listener's events); for an event that has none there, its payload's `procedure_id`."""
        pid = self._pid
        if pid is None:
            pid = self._pid = str(getattr(self.event, "procedure_id"))  # noqa: B009 - any procedure event
        return pid

    def __repr__(self) -> str:
        return f"Ev({self.position}, {self.stream_id!r} v{self.version}, {self.type}, {self.on})"


def read_after(conn: Connection, after: int, to: int | None, limit: int) -> list[Ev[Any]]:
    """Up to `limit` events after position `after` (and at most `to`), in position order."""
    return [Ev(*r) for r in reading.rows_after(conn, after, to, limit)]


class StreamPages:
    """The store's stream-ordered pages (`events.reading.StreamPages`), as events."""

    def __init__(self, conn: Connection, to_position: int, *, low: str | None = None, high: str | None = None) -> None:
        self._rows = reading.StreamPages(conn, to_position, low=low, high=high)

    def after(self, last: tuple[str, int] | None, limit: int) -> list[Ev[Any]]:
        """Up to `limit` events after the event `last` ((stream_id, version); None: from the
        first)."""
        return [Ev(*r) for r in self._rows.after(last, limit)]


def as_events(records: Iterable[RecordedEvent]) -> list[Ev[Any]]:
    return [Ev.from_recorded(r) for r in records]
