"""The audit bundle: a union's (or a whole subtree's) events, as stored, in one zip file that an
auditor can check offline, without the database or unionflow's server.

What is in it
-------------
- ``events.jsonl``: one JSON object per line, every stored field the hash covers, exactly as
  stored (``payload`` and ``metadata`` are the stored JSON *text*, not re-encoded; dates in the
  canonical text `events.hashing` hashes): position, stream_id, version, event_type,
  schema_version, occurred_on, recorded_at, metadata, payload, prev_hash, hash. Streams one after
  the other, each in version order from version 1, so each stream's SHA-256 chain
  (`events.hashing.event_hash_text`) is recomputed from the genesis hash to its head.
- ``profiles/<name>-v<version>.json``: each rule profile a procedure in the bundle pinned in its
  first event, by name and version, with the full settings as pinned.
- ``manifest.json``: what was exported (organisation, subtree or union only), when, by whom, the
  counts, each stream's version and head hash as the store's stream registry had them, the store's
  log head (position and running hash) at export time, and the SHA-256 and size of every other
  file in the bundle.

What `verify_bundle` checks, in order, reporting the first break (file, stream, version, kind)
-----------------------------------------------------------------------------------------------
1. the manifest reads and lists every file (``missing-file``, ``unlisted-file``);
2. every stream's chain in ``events.jsonl``: versions 1..N in order (``version-gap`` for a deleted
   line, ``out-of-order`` for reordered lines), each ``prev_hash`` the previous hash
   (``chain-broken``), each hash recomputed from the fields (``edited``), positions increasing;
3. the events against the manifest: every stream listed, with its version and head hash
   (``manifest-mismatch``, also for edited counts or scope);
4. every pinned profile present in ``profiles/`` and equal to what the events pinned
   (``profile-missing``, ``profile-mismatch``: a swapped profile file);
5. each file's SHA-256 and size as the manifest says (``file-hash``): catches what the checks
   above cannot see, e.g. an edited field the hash does not cover.

What it cannot show alone: someone who rewrites a bundle consistently (events, hashes, manifest and
file digests together) produces a bundle that verifies. The defence is an anchor kept elsewhere: the
manifest's SHA-256 that `export` prints, or the log head, compared with `unionflow verify` or
`EventStore.verify(expected_head=...)` on the database.

`verify_bundle` imports nothing but the standard library and `events.hashing` (the hash functions
the store itself uses), and opens no database."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from events.hashing import event_hash_text, format_recorded_at

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from api.runtime import Runtime
    from workflow.authority import Actor

FORMAT = "unionflow-audit-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
PROFILES_DIR = "profiles/"
GENESIS_HASH = "0" * 64  # the `prev_hash` of every stream's first event (events.schema.GENESIS_HASH)
_STREAMS_PER_QUERY = 500

EVENT_FIELDS = (
    "position",
    "stream_id",
    "version",
    "event_type",
    "schema_version",
    "occurred_on",
    "recorded_at",
    "metadata",
    "payload",
    "prev_hash",
    "hash",
)


class BundleScopeError(LookupError):
    """The organisation to export is unknown."""


# --------------------------------------------------------------------------- writing


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

    from events import schema as event_schema
    from events.catalogue import org_stream
    from projections import schema as proj
    from projections.queries import subtree_filter

    exists = conn.execute(
        sa.select(event_schema.streams.c.stream_id).where(event_schema.streams.c.stream_id == org_stream(org_id))
    ).first()
    if exists is None:
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


def _profile_file(name: str, version: int, settings_text: str, taken: dict[str, str]) -> str:
    base = f"{PROFILES_DIR}{_safe(name)}-v{version}.json"
    if taken.get(base, settings_text) == settings_text:
        return base
    # The same name and version pinned with other settings (a profile edited in place): both kept.
    return f"{PROFILES_DIR}{_safe(name)}-v{version}-{hashlib.sha256(settings_text.encode()).hexdigest()[:12]}.json"


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name) or "profile"


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
    import sqlalchemy as sa

    from events import schema as event_schema

    ev = event_schema.events.c
    st = event_schema.streams.c
    cols = (
        ev.position,
        ev.stream_id,
        ev.version,
        ev.event_type,
        ev.schema_version,
        ev.occurred_on,
        ev.recorded_at,
        ev.metadata,
        ev.payload,
        ev.prev_hash,
        ev.hash,
    )
    streams_out: list[dict[str, Any]] = []
    profiles: dict[str, dict[str, Any]] = {}  # file -> entry
    profile_texts: dict[str, str] = {}
    files: dict[str, dict[str, Any]] = {}
    events_count = 0
    with read_snapshot(rt) as conn, zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        head = conn.execute(sa.select(event_schema.log_head.c.position, event_schema.log_head.c.hash)).one()
        stream_ids = scope_streams(conn, org_id, subtree)
        with zf.open(EVENTS, "w", force_zip64=True) as member:
            sink = _HashingWriter(member)
            for i in range(0, len(stream_ids), _STREAMS_PER_QUERY):
                chunk = stream_ids[i : i + _STREAMS_PER_QUERY]
                registry = {
                    r.stream_id: (int(r.version), str(r.head_hash))
                    for r in conn.execute(
                        sa.select(st.stream_id, st.version, st.head_hash).where(st.stream_id.in_(chunk))
                    )
                }
                counts: dict[str, int] = {}
                rows = conn.execute(sa.select(*cols).where(ev.stream_id.in_(chunk)).order_by(ev.stream_id, ev.version))
                for r in rows:
                    occurred = r.occurred_on if isinstance(r.occurred_on, str) else r.occurred_on.isoformat()
                    line = {
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
                    sink.write((json.dumps(line, ensure_ascii=False) + "\n").encode())
                    counts[r.stream_id] = counts.get(r.stream_id, 0) + 1
                    events_count += 1
                    _collect_profile(r, profiles, profile_texts)
                for sid in chunk:
                    version, head_hash = registry.get(sid, (0, ""))
                    streams_out.append(
                        {
                            "stream_id": sid,
                            "org_id": sid.removeprefix("org-"),
                            "version": version,
                            "head_hash": head_hash,
                            "events": counts.get(sid, 0),
                        }
                    )
            files[EVENTS] = {"sha256": sink.sha.hexdigest(), "bytes": sink.size}
        for name, text in sorted(profile_texts.items()):
            data = (text + "\n").encode()
            zf.writestr(name, data)
            files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": format_recorded_at(dt.datetime.now(dt.UTC)),
            "exported_by": _who(exported_by),
            "scope": {"org_id": org_id, "subtree": subtree},
            "database": rt.engine.dialect.name,
            "log_head": {"position": int(head.position), "hash": str(head.hash)},
            "counts": {"streams": len(streams_out), "events": events_count, "profiles": len(profiles)},
            "hashing": "per stream: sha256 of the fields joined by U+001F, see events/hashing.py event_hash_text; "
            "the first event's prev_hash is 64 zeros",
            "streams": streams_out,
            "profiles": sorted(profiles.values(), key=lambda p: p["file"]),
            "files": files,
        }
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def _who(actor: Actor | str | None) -> dict[str, Any] | str | None:
    if actor is None or isinstance(actor, str):
        return actor
    return {"person_id": actor.person_id, "role": actor.role, "org_id": actor.org_id}


def _collect_profile(r: Any, profiles: dict[str, dict[str, Any]], texts: dict[str, str]) -> None:
    if '"profile_name"' not in r.payload:
        return
    payload = json.loads(r.payload)
    if not isinstance(payload, dict) or "profile" not in payload or "profile_version" not in payload:
        return
    text = _canonical(payload["profile"])
    name = _profile_file(str(payload["profile_name"]), int(payload["profile_version"]), text, texts)
    texts[name] = text
    entry = profiles.setdefault(
        name,
        {
            "file": name,
            "name": payload["profile_name"],
            "version": payload["profile_version"],
            "pinned_by": [],
        },
    )
    entry["pinned_by"].append({"stream_id": r.stream_id, "version": int(r.version)})


# --------------------------------------------------------------------------- verifying (offline)


@dataclass(frozen=True)
class BundleBreak:
    kind: str
    file: str
    detail: str
    stream_id: str | None = None
    version: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [self.file + (f" line {self.line}" if self.line is not None else "")]
        if self.stream_id is not None:
            where.append(f"stream {self.stream_id}")
        if self.version is not None:
            where.append(f"version {self.version}")
        return f"{self.kind} at {', '.join(where)}: {self.detail}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "stream_id": self.stream_id,
            "version": self.version,
            "line": self.line,
            "detail": self.detail,
        }


@dataclass
class BundleReport:
    streams_checked: int = 0
    events_checked: int = 0
    profiles_checked: int = 0
    broken: BundleBreak | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    manifest_sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def log_head(self) -> dict[str, Any]:
        head = self.manifest.get("log_head")
        return head if isinstance(head, dict) else {}


class _Broken(Exception):
    def __init__(self, brk: BundleBreak) -> None:
        super().__init__(str(brk))
        self.brk = brk


def verify_bundle(path_or_file: str | Path | BinaryIO) -> BundleReport:
    """Check an audit bundle offline (see the module docstring for what and in which order)."""
    report = BundleReport()
    try:
        _verify(path_or_file, report)
    except _Broken as exc:
        report.broken = exc.brk
    return report


def _fail(kind: str, file: str, detail: str, **where: Any) -> _Broken:
    return _Broken(BundleBreak(kind, file, detail, **where))


def _verify(path_or_file: str | Path | BinaryIO, report: BundleReport) -> None:
    try:
        zf = zipfile.ZipFile(path_or_file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail("unreadable", str(path_or_file), f"not a readable zip file: {exc}") from exc
    with zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if MANIFEST not in names:
            raise _fail("missing-file", MANIFEST, "the bundle has no manifest")
        raw_manifest = zf.read(MANIFEST)
        report.manifest_sha256 = hashlib.sha256(raw_manifest).hexdigest()
        try:
            manifest = json.loads(raw_manifest)
        except ValueError as exc:
            raise _fail("manifest-unreadable", MANIFEST, f"not JSON: {exc}") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _fail("manifest-unreadable", MANIFEST, f"not a {FORMAT} manifest")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise _fail(
                "manifest-unreadable",
                MANIFEST,
                f"format_version {manifest.get('format_version')!r}; this verifier reads {FORMAT_VERSION}",
            )
        report.manifest = manifest
        files = _dict(manifest, "files")
        for name in names:
            if name != MANIFEST and name not in files:
                raise _fail("unlisted-file", name, "the file is in the bundle but not in the manifest")
        for name in files:
            if name not in names:
                raise _fail("missing-file", name, "the manifest lists the file but the bundle does not have it")
        if EVENTS not in files:
            raise _fail("missing-file", EVENTS, "the manifest lists no events file")

        pinned = _verify_events(zf, manifest, report)
        _verify_profiles(zf, manifest, pinned, report)
        for name, entry in files.items():
            data = zf.read(name)
            digest = hashlib.sha256(data).hexdigest()
            if not isinstance(entry, dict) or entry.get("sha256") != digest or entry.get("bytes") != len(data):
                raise _fail(
                    "file-hash",
                    name,
                    f"SHA-256 {digest} ({len(data)} bytes) differs from the manifest's "
                    f"{entry.get('sha256') if isinstance(entry, dict) else entry!r}",
                )


def _dict(manifest: dict[str, Any], key: str) -> dict[str, Any]:
    value = manifest.get(key)
    if not isinstance(value, dict):
        raise _fail("manifest-mismatch", MANIFEST, f"{key!r} is missing or not an object")
    return value


def _verify_events(
    zf: zipfile.ZipFile, manifest: dict[str, Any], report: BundleReport
) -> dict[tuple[str, int], tuple[str, int, str]]:
    """Walk events.jsonl; returns the profiles pinned: (stream, version) -> (name, version,
    canonical settings)."""
    listed = manifest.get("streams")
    if not isinstance(listed, list) or not all(isinstance(s, dict) and "stream_id" in s for s in listed):
        raise _fail("manifest-mismatch", MANIFEST, "'streams' is missing or malformed")
    expected = {s["stream_id"]: s for s in listed}
    if len(expected) != len(listed):
        raise _fail("manifest-mismatch", MANIFEST, "a stream is listed twice")
    scope = manifest.get("scope") or {}
    root = f"org-{scope.get('org_id')}" if isinstance(scope, dict) else None
    if root not in expected:
        raise _fail("manifest-mismatch", MANIFEST, f"the scope's organisation ({root}) is not among the streams")
    if isinstance(scope, dict) and scope.get("subtree") is False and len(expected) != 1:
        raise _fail("manifest-mismatch", MANIFEST, f"scope is one union but {len(expected)} streams are listed")
    pinned: dict[tuple[str, int], tuple[str, int, str]] = {}
    seen: dict[str, tuple[int, str]] = {}  # stream -> (last version, last hash)
    current: str | None = None
    version = 0
    prev = GENESIS_HASH
    last_position = 0
    count = 0
    with zf.open(EVENTS) as member:
        lines = enumerate(io.TextIOWrapper(member, encoding="utf-8"), start=1)
        for number, raw in lines:
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                values = {k: line[k] for k in EVENT_FIELDS}
            except (ValueError, KeyError, TypeError) as exc:
                raise _fail("unreadable-line", EVENTS, f"not an event line: {exc}", line=number) from exc
            sid = str(values["stream_id"])
            v = values["version"]
            if sid != current:
                if current is not None:
                    seen[current] = (version, prev)
                if sid in seen:
                    raise _fail(
                        "out-of-order",
                        EVENTS,
                        "the stream's events are not together: lines were moved",
                        stream_id=sid,
                        version=v,
                        line=number,
                    )
                if sid not in expected:
                    raise _fail(
                        "manifest-mismatch", EVENTS, "events of a stream the manifest does not list", stream_id=sid
                    )
                current, version, prev, last_position = sid, 0, GENESIS_HASH, 0
            if not isinstance(v, int) or v != version + 1:
                # Deleted, or moved? Look for the missing version further on.
                moved_to = _find_line(lines, sid, version + 1)
                if moved_to is not None:
                    kind = "out-of-order"
                    why = f"version {version + 1} comes later, on line {moved_to}: lines were reordered"
                elif isinstance(v, int) and v > version + 1:
                    kind, why = "version-gap", f"version {version + 1} is missing: an event line was deleted"
                else:
                    kind, why = "out-of-order", "an event line was inserted or repeated"
                raise _fail(
                    kind,
                    EVENTS,
                    f"expected version {version + 1}, found {v}; {why}",
                    stream_id=sid,
                    version=version + 1,
                    line=number,
                )
            if values["prev_hash"] != prev:
                raise _fail(
                    "chain-broken",
                    EVENTS,
                    "prev_hash is not the previous event's hash (an event before it was replaced or removed)",
                    stream_id=sid,
                    version=v,
                    line=number,
                )
            try:
                recomputed = event_hash_text(
                    prev,
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
                raise _fail("unreadable-line", EVENTS, str(exc), stream_id=sid, version=v, line=number) from exc
            if recomputed != values["hash"]:
                raise _fail(
                    "edited",
                    EVENTS,
                    "the event's content (payload, metadata, type, dates or position) does not match its hash",
                    stream_id=sid,
                    version=v,
                    line=number,
                )
            if int(values["position"]) <= last_position:
                raise _fail(
                    "out-of-order", EVENTS, "positions do not increase along the stream", stream_id=sid, version=v
                )
            last_position = int(values["position"])
            found = _pinned_profile(str(values["payload"]))
            if found is not None:
                pinned[sid, v] = found
            version, prev = v, str(values["hash"])
            count += 1
    if current is not None:
        seen[current] = (version, prev)
    for sid, entry in expected.items():
        got_version, got_hash = seen.get(sid, (0, ""))
        if (
            entry.get("version") != got_version
            or entry.get("head_hash") != got_hash
            or entry.get("events") != got_version
        ):
            tail = "truncated" if isinstance(entry.get("version"), int) and got_version < entry["version"] else None
            raise _fail(
                tail or "manifest-mismatch",
                MANIFEST if tail is None else EVENTS,
                f"the manifest says version {entry.get('version')} with head {str(entry.get('head_hash'))[:12]}..., "
                f"the events end at version {got_version} with head {got_hash[:12]}...",
                stream_id=sid,
                version=got_version,
            )
    counts = manifest.get("counts") or {}
    if not isinstance(counts, dict) or counts.get("events") != count or counts.get("streams") != len(expected):
        raise _fail(
            "manifest-mismatch",
            MANIFEST,
            f"counts say {counts.get('streams') if isinstance(counts, dict) else '?'} streams and "
            f"{counts.get('events') if isinstance(counts, dict) else '?'} events; the bundle has {len(expected)} "
            f"and {count}",
        )
    report.streams_checked = len(expected)
    report.events_checked = count
    return pinned


def _find_line(lines: Iterator[tuple[int, str]], stream_id: str, version: int) -> int | None:
    """The number of the first line still to come holding `stream_id` at `version`, if any."""
    for number, raw in lines:
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if isinstance(line, dict) and line.get("stream_id") == stream_id and line.get("version") == version:
            return number
    return None


def _pinned_profile(payload: str) -> tuple[str, int, str] | None:
    if '"profile_name"' not in payload:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or "profile" not in data or "profile_version" not in data:
        return None
    return str(data["profile_name"]), int(data["profile_version"]), _canonical(data["profile"])


def _verify_profiles(
    zf: zipfile.ZipFile,
    manifest: dict[str, Any],
    pinned: dict[tuple[str, int], tuple[str, int, str]],
    report: BundleReport,
) -> None:
    listed = manifest.get("profiles")
    if not isinstance(listed, list):
        raise _fail("manifest-mismatch", MANIFEST, "'profiles' is missing or not a list")
    by_pin: dict[tuple[str, int], str] = {}
    for entry in listed:
        if not isinstance(entry, dict) or not isinstance(entry.get("pinned_by"), list):
            raise _fail("manifest-mismatch", MANIFEST, "a profile entry is malformed")
        for pin in entry["pinned_by"]:
            by_pin[str(pin.get("stream_id")), int(pin.get("version", 0))] = str(entry.get("file"))
    names = set(zf.namelist())
    for (sid, v), (name, version, settings) in sorted(pinned.items()):
        file = by_pin.get((sid, v))
        if file is None or file not in names:
            raise _fail(
                "profile-missing",
                file or PROFILES_DIR,
                f"the procedure opened here pinned profile {name} v{version}, which the bundle does not hold",
                stream_id=sid,
                version=v,
            )
        try:
            held = _canonical(json.loads(zf.read(file)))
        except ValueError as exc:
            raise _fail("profile-mismatch", file, f"not JSON: {exc}", stream_id=sid, version=v) from exc
        if held != settings:
            raise _fail(
                "profile-mismatch",
                file,
                f"the file's settings differ from profile {name} v{version} as the procedure pinned it",
                stream_id=sid,
                version=v,
            )
    report.profiles_checked = len({f for f in by_pin.values()})
