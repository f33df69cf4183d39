"""Walking events.jsonl (`verify_events`): every stream's versions 1..N together and in order,
each `prev_hash` the previous hash, each hash recomputed from the fields with the store's own
function (`events.hashing.event_hash_text`), positions increasing; then the streams and counts
against the manifest."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

from api.bundle.format import EVENT_FIELDS, EVENTS, GENESIS_HASH, MANIFEST, pinned_profile
from api.bundle.report import BundleReport, broken
from events.hashing import event_hash_text

Lines = Iterator[tuple[int, str]]
Pinned = dict[tuple[str, int], tuple[str, int, str]]


def verify_events(zf: zipfile.ZipFile, manifest: dict[str, Any], report: BundleReport) -> Pinned:
    """Walk events.jsonl; returns the profiles pinned: (stream, version) -> (name, version,
    canonical settings)."""
    walk = _ChainWalk(_expected_streams(manifest))
    with zf.open(EVENTS) as member:
        lines = enumerate(io.TextIOWrapper(member, encoding="utf-8"), start=1)
        for number, raw in lines:
            if raw.strip():
                walk.event(number, _event_values(number, raw), lines)
    walk.end()
    _check_counts(manifest, len(walk.expected), walk.count)
    report.streams_checked = len(walk.expected)
    report.events_checked = walk.count
    return walk.pinned


def _expected_streams(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The streams the manifest lists, by id, checked against its scope."""
    listed = manifest.get("streams")
    if not isinstance(listed, list) or not all(isinstance(s, dict) and "stream_id" in s for s in listed):
        raise broken("manifest-mismatch", MANIFEST, "'streams' is missing or malformed")
    expected = {s["stream_id"]: s for s in listed}
    if len(expected) != len(listed):
        raise broken("manifest-mismatch", MANIFEST, "a stream is listed twice")
    scope = manifest.get("scope") or {}
    root = f"org-{scope.get('org_id')}" if isinstance(scope, dict) else None
    if root not in expected:
        raise broken("manifest-mismatch", MANIFEST, f"the scope's organisation ({root}) is not among the streams")
    if isinstance(scope, dict) and scope.get("subtree") is False and len(expected) != 1:
        raise broken("manifest-mismatch", MANIFEST, f"scope is one union but {len(expected)} streams are listed")
    return expected


def _event_values(number: int, raw: str) -> dict[str, Any]:
    try:
        line = json.loads(raw)
        return {k: line[k] for k in EVENT_FIELDS}
    except (ValueError, KeyError, TypeError) as exc:
        raise broken("unreadable-line", EVENTS, f"not an event line: {exc}", line=number) from exc


class _ChainWalk:
    """Where the walk is: the stream being read, its last version, hash and position, and the
    streams already finished (a stream seen again means lines were moved)."""

    def __init__(self, expected: dict[str, dict[str, Any]]) -> None:
        self.expected = expected
        self.pinned: Pinned = {}
        self.seen: dict[str, tuple[int, str]] = {}  # stream -> (last version, last hash)
        self.current: str | None = None
        self.version = 0
        self.prev = GENESIS_HASH
        self.last_position = 0
        self.count = 0

    def event(self, number: int, values: dict[str, Any], lines: Lines) -> None:
        sid = str(values["stream_id"])
        v = values["version"]
        if sid != self.current:
            self._start_stream(sid, v, number)
        if not isinstance(v, int) or v != self.version + 1:
            self._misplaced(sid, v, number, lines)
        if values["prev_hash"] != self.prev:
            raise broken(
                "chain-broken",
                EVENTS,
                "prev_hash is not the previous event's hash (an event before it was replaced or removed)",
                stream_id=sid,
                version=v,
                line=number,
            )
        self._check_hash(sid, v, values, number)
        if int(values["position"]) <= self.last_position:
            raise broken("out-of-order", EVENTS, "positions do not increase along the stream", stream_id=sid, version=v)
        self.last_position = int(values["position"])
        found = pinned_profile(str(values["payload"]))
        if found is not None:
            self.pinned[sid, v] = found
        self.version, self.prev = v, str(values["hash"])
        self.count += 1

    def _start_stream(self, sid: str, v: Any, number: int) -> None:
        if self.current is not None:
            self.seen[self.current] = (self.version, self.prev)
        if sid in self.seen:
            raise broken(
                "out-of-order",
                EVENTS,
                "the stream's events are not together: lines were moved",
                stream_id=sid,
                version=v,
                line=number,
            )
        if sid not in self.expected:
            raise broken("manifest-mismatch", EVENTS, "events of a stream the manifest does not list", stream_id=sid)
        self.current, self.version, self.prev, self.last_position = sid, 0, GENESIS_HASH, 0

    def _misplaced(self, sid: str, v: Any, number: int, lines: Lines) -> None:
        """Not the next version: deleted, or moved? Look for the missing version further on."""
        moved_to = _find_line(lines, sid, self.version + 1)
        if moved_to is not None:
            kind = "out-of-order"
            why = f"version {self.version + 1} comes later, on line {moved_to}: lines were reordered"
        elif isinstance(v, int) and v > self.version + 1:
            kind, why = "version-gap", f"version {self.version + 1} is missing: an event line was deleted"
        else:
            kind, why = "out-of-order", "an event line was inserted or repeated"
        raise broken(
            kind,
            EVENTS,
            f"expected version {self.version + 1}, found {v}; {why}",
            stream_id=sid,
            version=self.version + 1,
            line=number,
        )

    def _check_hash(self, sid: str, v: int, values: dict[str, Any], number: int) -> None:
        try:
            recomputed = event_hash_text(
                self.prev,
                int(values["position"]),
                sid,
                v,
                str(values["event_type"]),
                int(values["schema_version"]),
                str(values["occurred_on"]),
                str(values["recorded_at"]),
                str(values["metadata"]),
                str(values["payload"]),
            )
        except (TypeError, ValueError) as exc:
            raise broken("unreadable-line", EVENTS, str(exc), stream_id=sid, version=v, line=number) from exc
        if recomputed != values["hash"]:
            raise broken(
                "edited",
                EVENTS,
                "the event's content (payload, metadata, type, dates or position) does not match its hash",
                stream_id=sid,
                version=v,
                line=number,
            )

    def end(self) -> None:
        """Every listed stream ends at the version and head hash the manifest says."""
        if self.current is not None:
            self.seen[self.current] = (self.version, self.prev)
        for sid, entry in self.expected.items():
            got_version, got_hash = self.seen.get(sid, (0, ""))
            if (
                entry.get("version") != got_version
                or entry.get("head_hash") != got_hash
                or entry.get("events") != got_version
            ):
                tail = "truncated" if isinstance(entry.get("version"), int) and got_version < entry["version"] else None
                raise broken(
                    tail or "manifest-mismatch",
                    MANIFEST if tail is None else EVENTS,
                    f"the manifest says version {entry.get('version')} with head "
                    f"{str(entry.get('head_hash'))[:12]}..., "
                    f"the events end at version {got_version} with head {got_hash[:12]}...",
                    stream_id=sid,
                    version=got_version,
                )


def _check_counts(manifest: dict[str, Any], streams: int, events: int) -> None:
    counts = manifest.get("counts") or {}
    if not isinstance(counts, dict) or counts.get("events") != events or counts.get("streams") != streams:
        raise broken(
            "manifest-mismatch",
            MANIFEST,
            f"counts say {counts.get('streams') if isinstance(counts, dict) else '?'} streams and "
            f"{counts.get('events') if isinstance(counts, dict) else '?'} events; the bundle has {streams} "
            f"and {events}",
        )


def _find_line(lines: Lines, stream_id: str, version: int) -> int | None:
    """The number of the first line still to come holding `stream_id` at `version`, if any."""
    for number, raw in lines:
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and line.get("stream_id") == stream_id and line.get("version") == version:
            return number
    return None
