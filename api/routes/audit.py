"""The auditor's HTTP endpoints: check the hash chains of a union's (or a subtree's) streams against
the database, and download the audit bundle to check them offline (`api.bundle`).

Who: auditors and administrators of the organisation or of one above it. Any other role gets 403
(whatever the organisation, so a 403 tells nothing about what exists); an organisation outside the
caller's subtree, or one that does not exist, gets 404."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.bundle import BundleScopeError, read_snapshot, scope_streams, write_bundle
from api.deps import CurrentActor, RuntimeDep, readable_scope
from api.problems import invalid
from api.routes.params import OrgQuery, SubtreeQuery
from api.runtime import Runtime
from api.schemas.audit import VERIFY_EXAMPLE
from api.schemas.problem import problem_responses
from events import BrokenLink, reading
from events.anchor import BadAnchor, parse_anchor
from events.rows import EventRow
from events.verify import check_stream_chain
from projections.tree import Tree
from workflow.authority import Actor
from workflow.errors import NotAuthorised, NotFound

AUDIT_ROLES = ("auditor", "admin")
_SPOOL_BYTES = 32 * 1024 * 1024  # bundles up to this size stay in memory, larger ones go to a file

router = APIRouter()


def _authorise(rt: Runtime, actor: Actor, org_id: str) -> None:
    if actor.role not in AUDIT_ROLES:
        raise NotAuthorised(
            "AUTH-ROLE",
            f"only auditors and administrators may audit; {actor.person_id} acts as {actor.role}",
            {"role": actor.role, "needed": list(AUDIT_ROLES)},
            case="role",
        )
    with rt.engine.connect() as conn:
        readable_scope(conn, actor, org_id)


def _link(broken: BrokenLink) -> dict[str, Any]:
    return {
        "kind": broken.kind,
        "stream_id": broken.stream_id,
        "version": broken.version,
        "position": broken.position,
        "detail": broken.detail,
        "text": str(broken),
    }


def verify_scope(rt: Runtime, org_id: str, subtree: bool) -> dict[str, Any]:
    """Check the chains of the organisation's stream (or of every stream in its subtree) against the
    stream registry, in one read-only snapshot: versions without gaps, each `prev_hash` the previous
    hash, each hash recomputed from the stored content, the last event equal to the registry's
    head. Stops at the first broken link."""
    streams_checked = events_checked = 0
    broken: BrokenLink | None = None
    with read_snapshot(rt) as conn:
        head = reading.log_head(conn)
        stream_ids = scope_streams(conn, org_id, subtree)
        for i in range(0, len(stream_ids), reading.STREAMS_PER_QUERY):
            chunk = stream_ids[i : i + reading.STREAMS_PER_QUERY]
            registry = reading.stream_heads(conn, chunk)
            by_stream: dict[str, list[EventRow]] = {sid: [] for sid in chunk}
            for r in reading.stored_events(conn, chunk):
                by_stream[r.stream_id].append(r)
            for sid in chunk:
                count, broken = check_stream_chain(sid, by_stream[sid], registry.get(sid))
                streams_checked += 1
                events_checked += count
                if broken is not None:
                    break
            if broken is not None:
                break
    return {
        "ok": broken is None,
        "org_id": org_id,
        "subtree": subtree,
        "streams_checked": streams_checked,
        "events_checked": events_checked,
        "log_head": {"position": head[0], "hash": head[1]},
        "broken": _link(broken) if broken is not None else None,
    }


@router.get(
    "/audit/verify",
    tags=["audit"],
    summary="Check the hash chains of an organisation's streams (or its subtree's) against the database",
    description="Auditors and administrators of the organisation or above. `ok` is false and `broken` names "
    "the first broken link (kind, stream, version, position) when the stored events were tampered with.",
    responses={
        200: {
            "description": "The chains checked; `broken` names the first broken link, if any",
            "content": {"application/json": {"example": VERIFY_EXAMPLE}},
        },
        **problem_responses(401, 403, 404, 422, 503),
    },
)
def audit_verify(
    org: OrgQuery,
    actor: CurrentActor,
    runtime: RuntimeDep,
    subtree: SubtreeQuery = False,
    expect_head: Annotated[
        str | None,
        Query(
            max_length=100,
            description="An anchor POSITION:HASH kept outside the database (`unionflow head`): the whole log "
            "is also checked against it (auditors and administrators of the root organisation only: the "
            "log is everyone's).",
        ),
    ] = None,
) -> dict[str, Any]:
    _authorise(runtime, actor, org)
    anchor = _anchor(runtime, actor, expect_head) if expect_head is not None else None
    try:
        checked = verify_scope(runtime, org, subtree)
    except BundleScopeError as exc:
        raise NotFound("NOT-FOUND", str(exc), {"org_id": org}, case="org") from exc
    if anchor is not None:
        log = runtime.store.verify(expected_head=anchor)
        checked["anchor"] = {
            "position": anchor[0],
            "hash": anchor[1],
            "ok": log.broken is None,
            "broken": _link(log.broken) if log.broken is not None else None,
        }
        checked["ok"] = checked["ok"] and log.broken is None
    return checked


def _anchor(rt: Runtime, actor: Actor, text: str) -> tuple[int, str]:
    # The anchor covers the whole log, every subtree's events: only the root's auditors check it.
    with rt.engine.connect() as conn:
        tree = Tree()
        tree.conn = conn
        own = tree.info(actor.org_id)
    if own is None or own.parent_id is not None:
        raise NotAuthorised(
            "AUTH-SCOPE",
            "an anchor covers the whole log: only auditors and administrators of the root organisation check it",
            {"org_id": actor.org_id},
            case="anchor",
        )
    try:
        return parse_anchor(text)
    except BadAnchor as exc:
        raise invalid("query.expect_head", str(exc)) from exc


def _spooled_bundle(rt: Runtime, org: str, subtree: bool, actor: Actor) -> tuple[IO[bytes], dict[str, Any], str, int]:
    """The bundle written to a spooled file (in memory while small), with its manifest, SHA-256
    and size, so that the response can state its length and digest before streaming it."""
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115  (closed by the stream)
    try:
        manifest = write_bundle(rt, org, subtree=subtree, out=spool, exported_by=actor)  # type: ignore[arg-type]
    except BundleScopeError as exc:
        spool.close()
        raise NotFound("NOT-FOUND", str(exc), {"org_id": org}, case="org") from exc
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: spool.read(1 << 20), b""):
        digest.update(block)
    size = spool.tell()
    spool.seek(0)
    return spool, manifest, digest.hexdigest(), size


@router.get(
    "/audit/bundle",
    tags=["audit"],
    summary="Download the audit bundle (zip) of an organisation (or its subtree)",
    description="The events with every stored field needed to recompute their hash chains, the rule "
    "profiles the procedures pinned, and a manifest (counts, stream heads, log head, file SHA-256s). "
    "Check it offline with `unionflow verify --bundle FILE`. Auditors and administrators of the "
    "organisation or above.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        **problem_responses(401, 403, 404, 422, 503),
    },
)
def audit_bundle(
    org: OrgQuery, actor: CurrentActor, runtime: RuntimeDep, subtree: SubtreeQuery = False
) -> StreamingResponse:
    _authorise(runtime, actor, org)
    spool, manifest, digest, size = _spooled_bundle(runtime, org, subtree, actor)

    def body() -> Iterator[bytes]:
        try:
            yield from iter(lambda: spool.read(1 << 20), b"")
        finally:
            spool.close()

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    scope = "subtree" if subtree else "union"
    head = manifest["log_head"]
    return StreamingResponse(
        body(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="unionflow-audit-{org}-{scope}-{stamp}.zip"',
            "Content-Length": str(size),
            "X-Bundle-SHA256": digest,
            "X-Log-Head": f"{head['position']}:{head['hash']}",
        },
    )
