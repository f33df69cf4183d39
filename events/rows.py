"""The stored event row, and its codec both ways: new events to chained rows, rows to
RecordedEvents.

`EventRow` is the one definition of a row: its fields are the `events` columns in the order the
store's reads select them and its inserts list them (`events.sql` builds both from
`EventRow._fields`), named as RecordedEvent names them, with `payload` in place of the decoded
`event`. The values are as the database holds them: on SQLite the store converts dates itself, in
the text formats SQLAlchemy's Date/DateTime types use, so rows written either way read the same;
and reads there get the JSON columns as their UTF-8 bytes (the database's text encoding, which the
migrations leave at SQLite's default): pydantic parses bytes as readily as text, and the driver need
not build a str first.

Decoding is the read hot path: rows come from the driver as plain tuples in `EventRow`'s order and
are unpacked, not turned into EventRows; metadata are cached per page (the events of one append
share theirs) and a date or time equal to the previous row's is not parsed again (likewise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from pydantic import ValidationError

from events.errors import EventStoreError
from events.hashing import event_hash, format_recorded_at
from events.model import Decoder, DomainEvent, EventMetadata, EventRegistry, RecordedEvent, make_recorded_event


class EventRow(NamedTuple):
    """An event as the `events` table stores it (less the append's idempotency key)."""

    position: int
    stream_id: str
    version: int
    event_type: str
    schema_version: int
    payload: Any  # JSON text (UTF-8 bytes when read on SQLite)
    metadata: Any  # likewise
    occurred_on: Any  # a date (ISO text on SQLite)
    recorded_at: Any  # a naive UTC datetime (SQLAlchemy's DateTime text on SQLite)
    hash: str
    prev_hash: str
    procedure_id: str | None  # the payload's procedure_id, if the event has one (not hashed)


class EncodedEvent(NamedTuple):
    """A new event ready to store: its stored type name, schema version and payload JSON, its
    business date, the event itself (handed to the append's listener) and its procedure id."""

    event_type: str
    schema_version: int
    payload: str
    occurred_on: dt.date
    event: DomainEvent
    procedure_id: str | None


@dataclass(frozen=True, slots=True)
class RecordingTime:
    """An append's recording time: as a naive UTC datetime, as the text the hash covers, and as the
    database stores it."""

    at: dt.datetime
    text: str
    stored: Any


# Rows and encoded events are made on the append path once per event: through tuple.__new__, as
# NamedTuple._make does, rather than the Python-level __new__ that takes the fields by keyword.
_new_row: Callable[[tuple[Any, ...]], EventRow] = partial(tuple.__new__, EventRow)
new_encoded: Callable[[tuple[Any, ...]], EncodedEvent] = partial(tuple.__new__, EncodedEvent)

_META = EventMetadata.__pydantic_validator__.validate_json
_date_from_text = dt.date.fromisoformat
_datetime_from_text = dt.datetime.fromisoformat


def _as_utc(ts: dt.datetime) -> dt.datetime:
    return ts.replace(tzinfo=dt.UTC) if ts.tzinfo is None else ts.astimezone(dt.UTC)


def sqlite_datetime(ts: dt.datetime) -> str:
    """A naive UTC time as SQLAlchemy's SQLite DateTime stores it (always with microseconds), so
    text comparison orders it and SQLAlchemy reads it back."""
    return ts.isoformat(sep=" ", timespec="microseconds")


def stored_datetime(ts: dt.datetime, sqlite: bool) -> Any:
    """`ts` as the `recorded_at` column holds it, for comparing with it."""
    naive = ts if ts.tzinfo is None else ts.astimezone(dt.UTC).replace(tzinfo=None)
    return sqlite_datetime(naive) if sqlite else naive


def recording_time(now: dt.datetime, head_recorded_at: Any, sqlite: bool) -> RecordingTime:
    """The recording time of an append: `now` (naive UTC), but never before the log's last one
    (even if the clock went back), so "as recorded at T" is a prefix of the log."""
    recorded_at = now
    if head_recorded_at is not None:
        if sqlite:
            head_recorded_at = _datetime_from_text(head_recorded_at)
        if recorded_at < head_recorded_at:
            recorded_at = head_recorded_at
    stored = sqlite_datetime(recorded_at) if sqlite else recorded_at
    return RecordingTime(recorded_at, format_recorded_at(recorded_at), stored)


def chain_rows(
    stream_id: str,
    encoded: Sequence[EncodedEvent],
    *,
    prev: str,
    position: int,
    version: int,
    recorded: RecordingTime,
    meta_text: str,
    sqlite: bool,
) -> list[EventRow]:
    """The rows of one stream's new events after `position` and `version`, each hashed onto the one
    before it (the stream's SHA-256 chain, starting from `prev`)."""
    rows: list[EventRow] = []
    recorded_text, stored_recorded_at = recorded.text, recorded.stored
    for event_type, schema_version, payload, occurred_on, _event, procedure_id in encoded:
        position += 1
        version += 1
        occurred_text = occurred_on.isoformat()
        # the event's place and type, as the hash covers them and the row stores them
        key = (position, stream_id, version, event_type, schema_version)
        digest = event_hash(prev, *key, occurred_text, recorded_text, meta_text, payload)
        stored = (payload, meta_text, occurred_text if sqlite else occurred_on, stored_recorded_at)
        rows.append(_new_row((*key, *stored, digest, prev, procedure_id)))
        prev = digest
    return rows


def written_events(
    rows: Sequence[EventRow], encoded: Sequence[EncodedEvent], metadata: EventMetadata, recorded: RecordingTime
) -> list[RecordedEvent]:
    """The RecordedEvents of rows just chained, as a reader will decode them, for the listener."""
    recorded_at = recorded.at.replace(tzinfo=dt.UTC)
    return [
        make_recorded_event(
            row.position,
            row.stream_id,
            row.version,
            row.event_type,
            row.schema_version,
            new.event,
            metadata,
            new.occurred_on,
            recorded_at,
            row.hash,
            row.prev_hash,
        )
        for row, new in zip(rows, encoded, strict=True)
    ]


def decode_rows(rows: Sequence[Any], registry: EventRegistry, sqlite: bool) -> Iterator[RecordedEvent]:
    """Decode one page of rows (tuples in `EventRow`'s order), one event at a time."""
    decoders: dict[str, tuple[int, Decoder]] = {}
    metas: dict[Any, EventMetadata] = {}
    make = make_recorded_event
    occurred_raw: Any = None
    recorded_raw: Any = None
    occurred_on: Any = None
    recorded_at: Any = None
    for (
        position,
        stream_id,
        version,
        event_type,
        schema_version,
        payload,
        meta_raw,
        occurred,
        recorded,
        hash_,
        prev_hash,
        _procedure_id,
    ) in rows:
        decoder = decoders.get(event_type)
        if decoder is None or decoder[0] != schema_version:
            decoder = decoders[event_type] = (schema_version, registry.decoder(event_type, schema_version))
        metadata = metas.get(meta_raw)
        if metadata is None:
            try:
                metadata = metas[meta_raw] = _META(meta_raw)
            except ValidationError as exc:
                raise EventStoreError(
                    f"stored metadata of event {position} ({stream_id} v{version}) does not validate: {exc}"
                ) from exc
        if occurred != occurred_raw:
            occurred_raw = occurred
            occurred_on = _date_from_text(occurred) if sqlite else occurred
        if recorded != recorded_raw:
            recorded_raw = recorded
            recorded_at = _datetime_from_text(recorded + "+00:00") if sqlite else _as_utc(recorded)
        yield make(
            position,
            stream_id,
            version,
            event_type,
            schema_version,
            decoder[1](payload),
            metadata,
            occurred_on,
            recorded_at,
            hash_,
            prev_hash,
        )
