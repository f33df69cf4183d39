"""The auditors' pages: a union (or its subtree) as it stood on a day, its full history, the
verification of its hash chains, and the audit bundle to download."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from api.bundle import scope_streams, write_bundle
from api.routes.audit import AUDIT_ROLES, verify_scope
from api.runtime import Runtime
from api.web import pictures, sessions
from api.web.access import SignedInUser, readable
from api.web.pages.alerts import PAGE_SIZE
from api.web.paging import parse_date
from api.web.rendering import message, render, runtime_of, translator_of
from events import reading
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


ENTRIES_PAGE = 50


def parse_moment(value: str) -> dt.datetime | None:
    """A moment typed as "as recorded at" (a datetime-local input: 2024-03-05T12:00, or with an
    offset), as the store compares it: naive UTC. ValueError when it is not one."""
    moment = dt.datetime.fromisoformat(value.strip())
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    if moment.year < 1925:  # no entry is older than the oldest business date (workflow.bounds)
        raise ValueError(value)
    return moment


def late_entries(entries: list[replay.HistoryEntry], late_days: int) -> dict[int, int]:
    """The entries recorded more than `late_days` after their business date (补录), by position:
    how many days after."""
    lags = {e.position: (e.recorded_at.date() - e.occurred_on).days for e in entries}
    return {position: lag for position, lag in lags.items() if lag > late_days}


def _moment(raw: str, context: dict[str, Any]) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return parse_moment(raw)
    except (ValueError, OverflowError):
        context["moment_error"] = True
        return None


def _union_scope(rt: Runtime, org_id: str, day: dt.date | None, until: dt.datetime | None) -> dict[str, Any]:
    """One union: its state as of the day and/or as recorded by the moment, and its history as
    recorded by then."""
    context: dict[str, Any] = {"history": replay.history(rt.store, org_id=org_id, recorded_until=until)}
    if day is not None or until is not None:
        snapshot = replay.union_as_of(rt.store, org_id, day, recorded_until=until)
        context["snapshot"] = snapshot
        context["snapshot_alerts"] = snapshot.alerts(day or (until.date() if until else rt.service.clock()))
    return context


def _subtree_scope(
    request: Request, org_id: str, day: dt.date | None, until: dt.datetime | None, before: int | None
) -> dict[str, Any]:
    """A subtree: its coverage and alerts as of the day (the read models), and its entries, the
    latest recorded first, as recorded by the moment."""
    rt = runtime_of(request)
    context: dict[str, Any] = {}
    if day is not None:
        coverage = queries.coverage(rt.engine, org_id, on=day)
        context["coverage"] = coverage
        targets = queries.coverage_targets(rt.engine, org_id)
        context["bars"] = pictures.coverage_bars(coverage, translator_of(request), targets)
        context["counts"] = sorted(queries.alert_counts(rt.engine, on=day, subtree=org_id).items())
        context["subtree_alerts"] = queries.alerts(rt.engine, on=day, subtree=org_id, limit=PAGE_SIZE)
    with rt.engine.connect() as conn:
        streams = scope_streams(conn, org_id, True)
        rows = reading.latest_in_streams(conn, streams, ENTRIES_PAGE, until, before)
    entries = replay.entries_of(rt.store, rows)
    context["entries"] = entries
    context["older"] = entries[-1].position if len(entries) == ENTRIES_PAGE else None
    return context


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: SignedInUser,
    org: str | None = None,
    as_of: str = "",
    scope: str = "subtree",
    recorded_at: str = "",
    before: int | None = Query(None, ge=1),
    verify: int = 0,
) -> Response:
    """The whole subtree by default (an auditor of a city audits the city's unions, not its own
    stream alone); "as recorded at" shows what the system knew at a moment, and entries recorded
    long after their business date are marked late (补录)."""
    audited = _audited(request, user, org, scope)
    if isinstance(audited, Response):
        return audited
    org_id, subtree = audited
    rt = runtime_of(request)
    day = parse_date(as_of)
    late_days: int = getattr(request.app.state, "late_entry_days", 30)
    context: dict[str, Any] = {"org_id": org_id, "scope": "subtree" if subtree else "union", "as_of": day}
    context |= {"as_of_raw": as_of, "recorded_at_raw": recorded_at, "late_days": late_days}
    if as_of and day is None:
        context["date_error"] = True
    until = _moment(recorded_at, context)
    context["recorded_until"] = until
    if subtree:
        context |= _subtree_scope(request, org_id, day, until, before)
    else:
        context |= _union_scope(rt, org_id, day, until)
    shown = context.get("history") or context.get("entries") or []
    context["late"] = late_entries(shown, late_days)
    if verify:
        context["report"] = verify_scope(rt, org_id, subtree)
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
