"""Events as the projections see them: read straight from `events.schema.events` with SQLAlchemy
Core, payloads parsed lazily into plain dicts.

Why not `EventStore.read_pages`: decoding every payload into a pydantic model costs more than the
projections spend on the event, and most projections need two or three fields of it, or only the
procedure id. The payload stored is exactly the event's `model_dump_json()`, validated when it was
written, so reading it back as a dict loses nothing. Two guards keep this honest:
- a payload stored under an older schema version than the catalogue's goes through the registry
  (its upcasters, then pydantic) and is used in its current shape;
- a type the registry does not know is parsed as is, and the projection that meets it stops with
  `UnknownEvent` (see `projections.base`), never skipping it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events import RecordedEvent, schema
from events.catalogue import CATALOGUE
from events.model import EventRegistry

_E = schema.events

# Dates come back as text on SQLite (no per-row conversion) and as dates on PostgreSQL. On SQLite
# the JSON columns come as their UTF-8 bytes: orjson parses bytes directly, so no str is built
# (and encoded back) for a payload nobody reads as text.
_COLUMNS = (
    _E.c.position,
    _E.c.stream_id,
    _E.c.version,
    _E.c.event_type,
    _E.c.schema_version,
    _E.c.payload,
    _E.c.metadata,
    sa.type_coerce(_E.c.occurred_on, sa.String).label("occurred_on"),
)
_SQLITE_COLUMNS = (
    *_COLUMNS[:5],
    sa.cast(_E.c.payload, sa.LargeBinary).label("payload"),
    sa.cast(_E.c.metadata, sa.LargeBinary).label("metadata"),
    _COLUMNS[7],
)
SELECT_COLUMNS = _COLUMNS


def select_columns(conn: Connection) -> tuple[Any, ...]:
    return _SQLITE_COLUMNS if conn.dialect.name == "sqlite" else _COLUMNS


def org_of(stream_id: str) -> str:
    return stream_id[4:] if stream_id.startswith("org-") else stream_id


class Ev:
    """One stored event: where it sits in the log, its type, its business date (`on`, ISO text)
    and its payload (`data`, parsed on first use). Built a million times by a rebuild, so it
    sets only what every event needs; the rest is worked out on first use."""

    __slots__ = (
        "_data",
        "_event",
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
        self._pid: str | None = None
        # Set by `from_recorded`: the decoded event the payload and metadata texts are made from,
        # on first use (the append listener's events; most are never needed as text).
        self._recorded: RecordedEvent | None = None
        # (kind, state, runoffs, destination, runoffs after): a procedure step worked out once
        # for every projection that folds this event (projections.models.procedures.advance).
        self.step: tuple[str, str, list[str], str, list[str]] | None = None

    @classmethod
    def from_row(cls, row: Any) -> Ev:
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])

    @classmethod
    def from_recorded(cls, r: RecordedEvent, registry: EventRegistry = CATALOGUE) -> Ev:
        """From a decoded event (already upcast). Its payload and metadata texts, when asked for,
        are encoded as the store encodes them (`registry.encode`, the metadata without None)."""
        ev = cls(
            r.position, r.stream_id, r.version, r.event_type, type(r.event).schema_version, None, None, r.occurred_on
        )
        ev._recorded = r  # `registry.encode` is the same for every registry: model_dump_json
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
        raw = self._raw if self._raw is not None else self._payload()
        if self.type in _OPENING:
            return _parse_opening(raw)
        parsed: dict[str, Any] = orjson.loads(raw)
        return parsed

    @property
    def pid(self) -> str:
        """The procedure id, read from the payload text when it is a top-level key with a plain
        value (no parse): a key found before any nested object or array is at the top level (a
        quote inside a string is escaped, so the key's text cannot occur there), and a value
        without a backslash is exactly its text. Otherwise the payload is parsed."""
        pid = self._pid
        if pid is not None:
            return pid
        raw = self._raw
        if isinstance(raw, bytes):
            # A step's payload opens with it (its model's first field): one match costs a third
            # of the general search below (measured: 1.0 µs an event against 2.7).
            first = _PID_FIRST.match(raw)
            if first is not None:
                pid = self._pid = first.group(1).decode()
                return pid
        elif raw is None:  # an event handed to the append listener: no text made yet
            assert self._recorded is not None
            found = getattr(self._recorded.event, "procedure_id", None)
            if found is not None:
                pid = self._pid = str(found)
                return pid
            raw = self._payload()
        m = _BYTES if raw.__class__ is bytes else _TEXT
        at = raw.find(m.pid_key)
        if at > 0 and raw.find(m.brace, 1, at) < 0 and raw.find(m.bracket, 1, at) < 0:
            start = at + len(m.pid_key)
            end = raw.find(m.quote, start)
            if end > 0:
                value = raw[start:end]
                if m.backslash not in value:
                    pid = self._pid = value.decode() if isinstance(value, bytes) else value
                    return pid
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


# A procedure's first event carries its whole rule profile (ProcedureOpenedMixin, ~1.3 KB of
# JSON), the same few profiles over and over: parse each distinct profile text once.
_OPENING = frozenset(
    {"FoundingRequested", "ReelectionOpened", "ExtensionRequested", "EarlyReelectionRequested", "ChairVacancyRecorded"}
)
_profiles: dict[str | bytes, dict[str, Any]] = {}


class _Marks:
    """The texts the fast paths look for, as str or as bytes, to match the payload's type."""

    def __init__(self, kind: type[str] | type[bytes]) -> None:
        def t(text: str) -> Any:
            return text if kind is str else text.encode()

        self.pid_key = t('"procedure_id":"')
        self.brace, self.bracket, self.quote, self.backslash = t("{"), t("["), t('"'), t("\\")
        self.profile_key = t(',"profile":{')
        self.profile_end = t('},"procedure_id":"')


_TEXT, _BYTES = _Marks(str), _Marks(bytes)
# `{"procedure_id":"...",` at the very start: a top-level key (nothing nested before it), its
# value without a quote or a backslash, so exactly its text.
_PID_FIRST = re.compile(rb'\{"procedure_id":"([^"\\]*)"')


def _parse_opening(raw: str | bytes) -> dict[str, Any]:
    """The payload of a procedure's first event, its profile shared with every other event that
    pinned the same profile text (treat it as read-only). The profile is the value between the
    mixin's `profile_version` and the procedure's `procedure_id` (pydantic writes fields in
    declaration order); a quote inside a string is escaped, so the markers cannot occur in one.
    Each distinct profile text is checked once against a full parse; anything unexpected gets a
    full parse."""
    m = _BYTES if raw.__class__ is bytes else _TEXT
    start = raw.find(m.profile_key, 0, 200)
    end = raw.find(m.profile_end, start) if start > 0 else -1
    if end < 0:
        parsed: dict[str, Any] = orjson.loads(raw)
        return parsed
    text = raw[start + len(m.profile_key) - 1 : end + 1]
    profile = _profiles.get(text)
    if profile is None:
        full: dict[str, Any] = orjson.loads(raw)
        if full.get("profile") != orjson.loads(text):
            return full
        if len(_profiles) < 256:
            _profiles[text] = full["profile"]
        return full
    rest: dict[str, Any] = orjson.loads(raw[:start] + raw[end + 1 :])  # type: ignore[operator]
    rest["profile"] = profile
    return rest


def _events(conn: Connection, q: sa.Select[Any], params: dict[str, Any] | None = None) -> list[Ev]:
    # The driver's rows as they come (tuples): building SQLAlchemy Row objects for a million
    # events costs more than the projections spend on them.
    result = conn.execute(q, params)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return [Ev(*r) for r in rows]


def read_after(conn: Connection, after: int, to: int | None, limit: int) -> list[Ev]:
    """Up to `limit` events after position `after` (and at most `to`), in position order."""
    q = sa.select(*select_columns(conn)).where(_E.c.position > after)
    if to is not None:
        q = q.where(_E.c.position <= to)
    return _events(conn, q.order_by(_E.c.position).limit(limit))


class StreamPages:
    """The log in stream order ((stream_id, version)), page by page (keyset after the last
    event of the page before), only events at or before `to_position`, of streams in
    [low, high) when given: a rebuild's replay reads the whole log this way.

    The two statements (the first page, the pages after) are built once, with bound parameters,
    and SQLAlchemy compiles each once: a rebuild asks for thousands of pages, and small ones,
    because a page's events and parsed payloads are then still in the CPU's cache when the
    handlers fold them (measured on the bench log of 1.2 million events, one replay process over
    half of it: 7.5 s of CPU with pages of 200 to 500, 9.5 s with pages of 5,000; medians of 5).
    Building a new SELECT for each page cost about 145 µs, as much as fetching 70 rows; running
    a built one costs 25 µs."""

    def __init__(self, conn: Connection, to_position: int, *, low: str | None = None, high: str | None = None) -> None:
        self.conn = conn
        q = sa.select(*select_columns(conn)).where(_E.c.position <= to_position)
        if high is not None:
            q = q.where(_E.c.stream_id < high)
        q = q.order_by(_E.c.stream_id, _E.c.version).limit(sa.bindparam("limit"))
        self._first = q if low is None else q.where(_E.c.stream_id >= low)
        after = sa.tuple_(_E.c.stream_id, _E.c.version) > sa.tuple_(sa.bindparam("stream"), sa.bindparam("version"))
        self._next = q.where(after)

    def after(self, last: tuple[str, int] | None, limit: int) -> list[Ev]:
        """Up to `limit` events after the event `last` ((stream_id, version); None: from the
        first)."""
        if last is None:
            return _events(self.conn, self._first, {"limit": limit})
        return _events(self.conn, self._next, {"stream": last[0], "version": last[1], "limit": limit})


def read_stream(conn: Connection, stream_id: str) -> list[Ev]:
    q = sa.select(*select_columns(conn)).where(_E.c.stream_id == stream_id).order_by(_E.c.version)
    return _events(conn, q)


def head_position(conn: Connection) -> int:
    v = conn.execute(sa.select(schema.log_head.c.position).where(schema.log_head.c.id == 1)).scalar()
    return int(v or 0)


def as_events(records: Iterable[RecordedEvent], registry: EventRegistry = CATALOGUE) -> list[Ev]:
    return [Ev.from_recorded(r, registry) for r in records]
