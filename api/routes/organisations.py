"""The register: registering an organisation (administrators; the root registers itself) and
listing a subtree's organisations in tree order (a parent before its children)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ReaderDep
from api.requests import RegisterOrganisationRequest
from api.routes.commands import add_command_route
from api.routes.paging import TEXT, answer_page, check_cursor, own_only
from api.routes.params import Cursor, Limit, OrgParam
from api.routes.reading import get
from api.schemas.common import page_of
from api.schemas.organisations import Organisation
from events.catalogue import OrgLevel
from projections import queries

router = APIRouter()

add_command_route(
    router,
    "/organisations",
    RegisterOrganisationRequest,
    ids=lambda: {},
    path_params=(),
    summary="Register an organisation (administrators; the root registers itself)",
    tags=["organisations"],
    status_code=201,
    created=lambda r: f"/unions/{r.union_id}",
)


def _organisation(r: queries.UnionRecord) -> dict[str, Any]:
    return asdict(r) | {"href": f"/unions/{r.org_id}"}


@get(
    router,
    "/organisations",
    "The register: organisations of a subtree, in tree order (a parent before its children)",
    page_of(Organisation),
)
def list_organisations(
    read: ReaderDep,
    org: OrgParam = None,
    level: Annotated[OrgLevel | None, Query(description="Only organisations of this level")] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    after = check_cursor(cursor, (TEXT,))
    with read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        page = queries.register(conn, scope.org_id, level=level, limit=limit, cursor=cursor if after else None)
    result = own_only(page.items, page.next_cursor, scope, lambda r: r.org_id)
    return answer_page(read, [_organisation(r) for r in result.items], result.next_cursor)
