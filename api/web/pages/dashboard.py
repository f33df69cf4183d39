"""The home page after signing in: for a union's staff, what they have to do (`api.web.home`);
for everyone else the dashboard, a union's (and its subtree's) alerts of the day and the coverage
of its subtree by unions with a term in office, headed for an approver by their to-do list."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.web import home, pictures
from api.web.access import SignedInUser, readable
from api.web.rendering import redirect, render, runtime_of, translator_of
from projections import queries

router = APIRouter(prefix="/ui", include_in_schema=False)
_READS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ui-reads")


@router.get("", response_class=HTMLResponse)
def ui_root() -> Response:
    return redirect("/ui/")


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, user: SignedInUser, org: str | None = None) -> Response:
    rt = runtime_of(request)
    today = rt.service.clock()
    if org is None and user.actor.role == "staff":
        # The staff's home: their procedures, what to do next, any rejection to act on.
        return render(request, "home_staff.html", home.staff_home(rt, user.actor, today), user=user)
    org_id = org or user.actor.org_id
    readable(request, user.actor, org_id)
    # The approvers' to-do list (待办) heads their own dashboard.
    own = user.actor.role == "approver" and org_id == user.actor.org_id
    todo = home.approver_todo(rt, user.actor, today) if own else {}
    # Three reads that each scan the subtree's rows: run side by side (the database does the work,
    # outside the GIL), so a national dashboard costs the slowest of them, not their sum.
    counts_f = _READS.submit(queries.alert_counts, rt.engine, today, org_id)
    worst_f = _READS.submit(queries.worst_alerts, rt.engine, today, org_id, limit=10)
    coverage = queries.coverage(rt.engine, org_id, on=today)
    targets = queries.coverage_targets(rt.engine, org_id)  # RULES.md §7: the region's, or inherited
    counts, worst = counts_f.result(), worst_f.result()
    return render(
        request,
        "dashboard.html",
        {
            "org": queries.union(rt.engine, org_id),
            "org_id": org_id,
            "counts": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
            "total": sum(counts.values()),
            "worst": worst,
            "coverage": coverage,
            "bars": pictures.coverage_bars(coverage, translator_of(request), targets),
        }
        | todo,
        user=user,
    )
