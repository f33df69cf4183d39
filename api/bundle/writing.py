"""Writing an audit bundle (`write_bundle`): one read snapshot of the database, the scope's streams
in tree order, their events as stored, the profiles they pinned, and the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from api.bundle.format import EVENTS, FORMAT, FORMAT_VERSION, MANIFEST, PROFILES_DIR, canonical
from events.hashing import format_recorded_at

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from api.runtime import Runtime
    from events.rows import EventRow
    from workflow.authority import Actor


class BundleScopeError(LookupError):
    """The organisation to export is unknown."""


class _HashingWriter(io.RawIOBase):
    """Passes bytes on to a zip member while hashing and counting them."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        b = bytes(data)
        self.sha.update(b)
        self.size += len(b)
        self.target.write(b)
        return len(b)


def scope_streams(conn: Connection, org_id: str, subtree: bool) -> list[str]:
    """The streams of `org_id`, or of every organisation in its subtree (tree order), from the
    register read model's materialised paths (kept current inside every command's transaction)."""
    import sqlalchemy as sa

    from events import reading
    from events.catalogue import org_stream
    from projections import schema as proj
    from projections.queries import subtree_filter

    if not reading.stream_exists(conn, org_stream(org_id)):
        raise BundleScopeError(f"no organisation {org_id}")
    if not subtree:
        return [org_stream(org_id)]
    try:
        where = subtree_filter(conn, proj.orgs.c.path, org_id)
    except LookupError as exc:
        raise BundleScopeError(str(exc)) from exc
    ids = [r[0] for r in conn.execute(sa.select(proj.orgs.c.org_id).where(*where).order_by(proj.orgs.c.path))]
    if org_id not in ids:
        ids.insert(0, org_id)
    return [org_stream(i) for i in ids]


@contextmanager
def read_snapshot(rt: Runtime) -> Iterator[Connection]:
    """One read-only transaction that sees a single snapshot (as `events.verify` does): REPEATABLE
    READ on PostgreSQL; on SQLite (WAL) a read transaction keeps the snapshot of its first read."""
    with rt.engine.connect() as conn:
        if rt.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin() as tx:
            yield conn
            tx.rollback()


def _pins_profile(event_type: str) -> bool:
    from events.catalogue import CATALOGUE, ProcedureOpenedMixin

    return event_type in CATALOGUE and issubclass(CATALOGUE.class_for(event_type), ProcedureOpenedMixin)


def _profile_file(name: str, version: int, settings_text: str, taken: dict[str, str]) -> str:
    base = f"{PROFILES_DIR}{_safe(name)}-v{version}.json"
    if taken.get(base, settings_text) == settings_text:
        return base
    # The same name and version pinned with other settings (a profile edited in place): both kept.
    return f"{PROFILES_DIR}{_safe(name)}-v{version}-{hashlib.sha256(settings_text.encode()).hexdigest()[:12]}.json"


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name) or "profile"


@dataclass
class _Contents:
    """What the bundle holds, gathered while the events are written: for the manifest."""

    streams: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)  # file -> entry
    profile_texts: dict[str, str] = field(default_factory=dict)  # file -> canonical settings
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> sha256 and size
    events: int = 0

    def pin(self, r: EventRow) -> None:
        """Keep the profile an event pinned, if it pinned one (its catalogue class says so: a
        procedure's first event), with the event that pinned it."""
        if not _pins_profile(r.event_type):
            return
        data = json.loads(r.payload)  # the settings as stored, not as today's model would dump them
        profile_name, profile_version = str(data["profile_name"]), int(data["profile_version"])
        text = canonical(data["profile"])
        name = _profile_file(profile_name, profile_version, text, self.profile_texts)
        self.profile_texts[name] = text
        entry = self.profiles.setdefault(
            name, {"file": name, "name": profile_name, "version": profile_version, "pinned_by": []}
        )
        entry["pinned_by"].append({"stream_id": r.stream_id, "version": int(r.version)})


def write_bundle(
    rt: Runtime,
    org_id: str,
    *,
    subtree: bool,
    out: BinaryIO,
    exported_by: Actor | str | None = None,
) -> dict[str, Any]:
    """Write the audit bundle of `org_id` (with its whole subtree, or the union only) to `out` as
    a zip file, and return its manifest. Reads one snapshot of the database, so appends made
    meanwhile are either wholly in the bundle or not at all, and the log head matches it.
    Raises BundleScopeError for an unknown organisation."""
    from events import reading

    contents = _Contents()
    with read_snapshot(rt) as conn, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        head = reading.log_head(conn)
        stream_ids = scope_streams(conn, org_id, subtree)
        with zf.open(EVENTS, "w", force_zip64=True) as member:
            sink = _HashingWriter(member)
            step = reading.STREAMS_PER_QUERY
            for i in range(0, len(stream_ids), step):
                _write_streams(conn, stream_ids[i : i + step], sink, contents)
            contents.files[EVENTS] = {"sha256": sink.sha.hexdigest(), "bytes": sink.size}
        for name, text in sorted(contents.profile_texts.items()):
            data = (text + "\n").encode()
            zf.writestr(name, data)
            contents.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": format_recorded_at(dt.datetime.now(dt.UTC)),
            "exported_by": _who(exported_by),
            "scope": {"org_id": org_id, "subtree": subtree},
            "database": rt.engine.dialect.name,
            "log_head": {"position": head[0], "hash": head[1]},
            "counts": {"streams": len(contents.streams), "events": contents.events, "profiles": len(contents.profiles)},
            "hashing": "per stream: sha256 of the fields joined by U+001F, see events/hashing.py event_hash_text; "
            "the first event's prev_hash is 64 zeros",
            "streams": contents.streams,
            "profiles": sorted(contents.profiles.values(), key=lambda p: p["file"]),
            "files": contents.files,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def _write_streams(conn: Connection, chunk: list[str], sink: _HashingWriter, contents: _Contents) -> None:
    """The events of these streams, each stream in version order, as lines of events.jsonl; and
    each stream's version and head hash as the store's stream registry has them."""
    from events import reading

    registry = reading.stream_heads(conn, chunk)
    counts: dict[str, int] = {}
    for r in reading.stored_events(conn, chunk):  # every field the hash covers
        sink.write((json.dumps(_event_line(r), ensure_ascii=False) + "\n").encode())
        counts[r.stream_id] = counts.get(r.stream_id, 0) + 1
        contents.events += 1
        contents.pin(r)
    for sid in chunk:
        version, head_hash = registry.get(sid, (0, ""))
        contents.streams.append(
            {
                "stream_id": sid,
                "org_id": sid.removeprefix("org-"),
                "version": version,
                "head_hash": head_hash,
                "events": counts.get(sid, 0),
            }
        )


def _event_line(r: Any) -> dict[str, Any]:
    """An event row as a line: every field the hash covers, in the text the hash was computed on."""
    occurred = r.occurred_on if isinstance(r.occurred_on, str) else r.occurred_on.isoformat()
    return {
        "position": int(r.position),
        "stream_id": r.stream_id,
        "version": int(r.version),
        "event_type": r.event_type,
        "schema_version": int(r.schema_version),
        "occurred_on": occurred,
        "recorded_at": format_recorded_at(r.recorded_at),
        "metadata": r.metadata,
        "payload": r.payload,
        "prev_hash": r.prev_hash,
        "hash": r.hash,
    }


def _who(actor: Actor | str | None) -> dict[str, Any] | str | None:
    if actor is None or isinstance(actor, str):
        return actor
    return {"person_id": actor.person_id, "role": actor.role, "org_id": actor.org_id}
