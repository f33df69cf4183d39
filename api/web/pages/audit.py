"""The auditors' pages: a union (or its subtree) as it stood on a day, its full history, the
verification of its hash chains, and the audit bundle to download."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.bundle import write_bundle
from api.routes.audit import AUDIT_ROLES, verify_scope
from api.web import pictures, sessions
from api.web.access import SignedInUser, readable
from api.web.pages.alerts import PAGE_SIZE, parse_date
from api.web.rendering import message, render, runtime_of, translator_of
from projections import queries, replay

router = APIRouter(prefix="/ui", include_in_schema=False)


def _audited(request: Request, user: sessions.SignedIn, org: str | None, scope: str) -> tuple[str, bool] | Response:
    """The union audited and whether with its subtree, for auditors and administrators (as for
    the API's /audit endpoints); anyone else gets a 403 page."""
    if user.actor.role not in AUDIT_ROLES:
        return message(request, "audit.title", message_key="audit.not_auditor", status=403, user=user)
    org_id = (org or user.actor.org_id).strip()
    readable(request, user.actor, org_id)
    return org_id, scope == "subtree"


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: SignedInUser,
    org: str | None = None,
    as_of: str = "",
    scope: str = "union",
    verify: int = 0,
) -> Response:
    audited = _audited(request, user, org, scope)
    if isinstance(audited, Response):
        return audited
    org_id, subtree = audited
    rt = runtime_of(request)
    day = parse_date(as_of)
    context: dict[str, Any] = {"org_id": org_id, "scope": "subtree" if subtree else "union", "as_of": day}
    context["as_of_raw"] = as_of
    if as_of and day is None:
        context["date_error"] = True
    if day is not None and not subtree:
        snapshot = replay.union_as_of(rt.store, org_id, day)
        context["snapshot"] = snapshot
        context["snapshot_alerts"] = snapshot.alerts(day)
    elif day is not None:
        coverage = queries.coverage(rt.engine, org_id, on=day)
        context["coverage"] = coverage
        targets = queries.coverage_targets(rt.engine, org_id)
        context["bars"] = pictures.coverage_bars(coverage, translator_of(request), targets)
        context["counts"] = sorted(queries.alert_counts(rt.engine, on=day, subtree=org_id).items())
        context["subtree_alerts"] = queries.alerts(rt.engine, on=day, subtree=org_id, limit=PAGE_SIZE)
    if verify:
        context["report"] = verify_scope(rt, org_id, subtree)
    if not subtree:
        context["history"] = replay.history(rt.store, org_id=org_id)
    return render(request, "audit.html", context, user=user)


@router.get("/audit/bundle")
def audit_bundle(request: Request, user: SignedInUser, org: str | None = None, scope: str = "union") -> Response:
    audited = _audited(request, user, org, scope)
    if isinstance(audited, Response):
        return audited
    org_id, subtree = audited
    rt = runtime_of(request)
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115  (closed by the stream)
    try:
        write_bundle(rt, org_id, subtree=subtree, out=spool, exported_by=user.actor)  # type: ignore[arg-type]
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    def body() -> Iterator[bytes]:
        try:
            yield from iter(lambda: spool.read(1 << 20), b"")
        finally:
            spool.close()

    name = f"unionflow-audit-{org_id}{'-subtree' if subtree else ''}.zip"
    return StreamingResponse(
        body(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
