"""An approving organisation's inbox: the filings waiting on it, oldest first, with the filing's
content, who filed it, days waited and the reply window (R-APPROVER, A-APPROVAL-PENDING)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep, refuse_staff
from api.routes.paging import DATE, TEXT, answer_page, check_cursor
from api.routes.params import ORG_ID_PATTERN, Cursor, Limit
from api.routes.reading import fields_of, get
from api.schemas.common import page_of
from api.schemas.inbox import InboxEntry
from api.schemas.problem import ROLE_READ_PROBLEMS
from projections import queries
from workflow.errors import NotAuthorised

router = APIRouter()


@get(
    router,
    "/inbox",
    "The filings waiting on an approving organisation, oldest first (R-APPROVER)",
    page_of(InboxEntry),
    problems=ROLE_READ_PROBLEMS,
    description="Approvers read their own organisation's inbox; auditors and administrators any "
    "organisation's in their subtree; staff have none (403).",
)
def get_inbox(
    read: ReaderDep,
    org: Annotated[
        str | None,
        Query(max_length=120, pattern=ORG_ID_PATTERN, description="The approving organisation; default: yours"),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    actor = read.actor
    refuse_staff(actor, "staff have no inbox: filings wait on the higher-level union's approvers")
    after = check_cursor(cursor, (DATE, TEXT))
    with read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        if actor.role == "approver" and scope.org_id != actor.org_id:
            raise NotAuthorised(
                "R-APPROVER",
                f"approvers of {actor.org_id} read their own organisation's inbox, not {scope.org_id}'s",
                {"actor_org": actor.org_id, "org": scope.org_id},
                case="inbox",
            )
        page = queries.inbox(conn, scope.org_id, on=read.today, limit=limit, cursor=cursor if after else None)
    items = [fields_of(i) | {"overdue": i.overdue, "href": f"/procedures/{i.procedure_id}"} for i in page.items]
    return answer_page(read, items, page.next_cursor)
