"""An approving organisation's inbox: the filings waiting on it, oldest first, with the filing's
content, who filed it, days waited and the reply window (R-APPROVER, A-APPROVAL-PENDING)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import CurrentActor, RuntimeDep, Today, readable_scope
from api.routes.paging import DATE, TEXT, check_cursor, link_next
from api.routes.params import ORG_ID_PATTERN, Cursor, Limit
from api.schemas.common import Page
from api.schemas.inbox import InboxEntry
from api.schemas.problem import ROLE_READ_PROBLEMS
from projections import queries
from workflow.errors import NotAuthorised

router = APIRouter()


@router.get(
    "/inbox",
    tags=["reads"],
    summary="The filings waiting on an approving organisation, oldest first (R-APPROVER)",
    description="Approvers read their own organisation's inbox; auditors and administrators any "
    "organisation's in their subtree; staff have none (403).",
    response_model=Page[InboxEntry],
    responses=ROLE_READ_PROBLEMS,
)
def get_inbox(
    request: Request,
    response: Response,
    actor: CurrentActor,
    runtime: RuntimeDep,
    today: Today,
    org: Annotated[
        str | None,
        Query(max_length=120, pattern=ORG_ID_PATTERN, description="The approving organisation; default: yours"),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    if actor.role == "staff":
        raise NotAuthorised(
            "AUTH-ROLE",
            "staff have no inbox: filings wait on the higher-level union's approvers",
            {"role": actor.role, "needed": "approver, auditor or admin"},
        )
    after = check_cursor(cursor, (DATE, TEXT))
    with runtime.engine.connect() as conn:
        scope = readable_scope(conn, actor, org)
        if actor.role == "approver" and scope.org_id != actor.org_id:
            raise NotAuthorised(
                "R-APPROVER",
                f"approvers of {actor.org_id} read their own organisation's inbox, not {scope.org_id}'s",
                {"actor_org": actor.org_id, "org": scope.org_id},
            )
        page = queries.inbox(conn, scope.org_id, on=today, limit=limit, cursor=cursor if after else None)
    link_next(request, response, page.next_cursor)
    items = [asdict(i) | {"overdue": i.overdue, "href": f"/procedures/{i.procedure_id}"} for i in page.items]
    return {"items": items, "next_cursor": page.next_cursor}
