"""Events as the projections see them: rows of the log read through the store's read API
(`events.reading`), payloads parsed lazily into plain dicts.

Why not `EventStore.read_pages`: decoding every payload into a pydantic model costs more than the
projections spend on the event, and most projections need two or three fields of it, or only the
procedure id, which the store keeps in a column of its own. The payload stored is exactly the
event's `model_dump_json()`, validated when it was written, so reading it back as a dict loses
nothing. Two guards keep this honest:
- a payload stored under an older schema version than the catalogue's goes through the registry
  (its upcasters, then pydantic) and is used in its current shape;
- a type the registry does not know is parsed as is, and the projection that meets it stops with
  `UnknownEvent` (see `projections.base`), never skipping it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from events import RecordedEvent, reading
from events.catalogue import CATALOGUE
from events.model import EventRegistry


def org_of(stream_id: str) -> str:
    return stream_id[4:] if stream_id.startswith("org-") else stream_id


class Ev:
    """One stored event: where it sits in the log, its type, its business date (`on`, ISO text)
    and its payload (`data`, parsed on first use). Built a million times by a rebuild, so it
    sets only what every event needs; the rest is worked out on first use."""

    __slots__ = (
        "_data",
        "_meta",
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
    _meta: dict[str, Any]

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
        self.schema_version = schema_version
        self._raw = raw
        self._meta_raw = meta_raw
        self.on: str = on if on.__class__ is str else on.isoformat()
        self._data: dict[str, Any] | None = None
        self._pid = procedure_id  # the store's column (events.reading.FeedRow)
        # Set by `from_recorded`: the decoded event the payload and metadata texts are made from,
        # on first use (the append listener's events; most are never needed as text).
        self._recorded: RecordedEvent | None = None
        # (kind, state, runoffs, destination, runoffs after): a procedure step worked out once
        # for every projection that folds this event (projections.models.procedures.advance).
        self.step: tuple[str, str, list[str], str, list[str]] | None = None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Ev:
        """From a row in `events.reading.FeedRow`'s order."""
        return cls(*row)

    @classmethod
    def from_recorded(cls, r: RecordedEvent, registry: EventRegistry = CATALOGUE) -> Ev:
        """From a decoded event (already upcast). Its payload and metadata texts, when asked for,
        are encoded as the store encodes them (`registry.encode`, the metadata without None)."""
        ev = cls(
            r.position, r.stream_id, r.version, r.event_type, type(r.event).schema_version, None, None, r.occurred_on
        )
        ev._recorded = r  # `registry.encode` is the same for every registry: model_dump_json
        ev._pid = getattr(r.event, "procedure_id", None)  # the typed event's own field
        return ev

    @property
    def org_id(self) -> str:
        return org_of(self.stream_id)

    def _payload(self) -> str | bytes:
        raw = self._raw
        if raw is None:
            assert self._recorded is not None
            raw = self._raw = EventRegistry.encode(self._recorded.event)
        return raw

    @property
    def raw(self) -> str:
        """The payload text as stored."""
        raw = self._payload()
        if raw.__class__ is bytes:
            raw = self._raw = raw.decode()
        return raw  # type: ignore[return-value]

    @property
    def meta_raw(self) -> str:
        """The metadata text as stored (who, in which role, for which organisation)."""
        raw = self._meta_raw
        if raw is None:
            assert self._recorded is not None
            raw = self._meta_raw = self._recorded.metadata.model_dump_json(exclude_none=True)
        elif raw.__class__ is bytes:
            raw = self._meta_raw = raw.decode()
        return raw  # type: ignore[return-value]

    @property
    def data(self) -> dict[str, Any]:
        d = self._data
        if d is None:
            d = self._data = self._parse()
        return d

    def _parse(self) -> dict[str, Any]:
        reg = self.registry
        if self.type in reg and reg.class_for(self.type).schema_version != self.schema_version:
            # An older payload shape: upcast it through the registry and use the current shape.
            event = reg.decode(self.type, self.schema_version, self._payload())
            self._raw = reg.encode(event)
            self.schema_version = type(event).schema_version
        parsed: dict[str, Any] = orjson.loads(self._raw if self._raw is not None else self._payload())
        return parsed

    @property
    def pid(self) -> str:
        """The procedure id: the store's column (or the typed event's field, for the append
        listener's events); for an event that has none there, its payload's `procedure_id`."""
        pid = self._pid
        if pid is None:
            pid = self._pid = str(self.data["procedure_id"])
        return pid

    @property
    def meta(self) -> dict[str, Any]:
        try:
            return self._meta
        except AttributeError:
            m = self._meta = orjson.loads(self._meta_raw if self._meta_raw is not None else self.meta_raw)
            return m

    def __repr__(self) -> str:
        return f"Ev({self.position}, {self.stream_id!r} v{self.version}, {self.type}, {self.on})"


def read_after(conn: Connection, after: int, to: int | None, limit: int) -> list[Ev]:
    """Up to `limit` events after position `after` (and at most `to`), in position order."""
    return [Ev(*r) for r in reading.rows_after(conn, after, to, limit)]


class StreamPages:
    """The store's stream-ordered pages (`events.reading.StreamPages`), as events."""

    def __init__(self, conn: Connection, to_position: int, *, low: str | None = None, high: str | None = None) -> None:
        self._rows = reading.StreamPages(conn, to_position, low=low, high=high)

    def after(self, last: tuple[str, int] | None, limit: int) -> list[Ev]:
        """Up to `limit` events after the event `last` ((stream_id, version); None: from the
        first)."""
        return [Ev(*r) for r in self._rows.after(last, limit)]


def as_events(records: Iterable[RecordedEvent], registry: EventRegistry = CATALOGUE) -> list[Ev]:
    return [Ev.from_recorded(r, registry) for r in records]
