"""The register: registering an organisation (administrators; the root registers itself) and
listing a subtree's organisations in tree order (a parent before its children), or searched: by
code or the beginning of the name, level, state, procedures and alerts, in another order
(`projections.queries.lists`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import ReaderDep
from api.requests import RegisterOrganisationRequest
from api.routes.commands import add_command_route
from api.routes.paging import answer_listing, checked_search
from api.routes.params import Cursor, Limit, OrgParam, ProcedureKind
from api.routes.reading import get
from api.schemas.alerts import AlertKind
from api.schemas.common import counted_page_of
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


UnionState = Literal["not_founded", "in_term", "term_expired", "dissolved"]
UnionSort = Literal["tree", "name", "code", "deadline"]


@get(
    router,
    "/organisations",
    "The register: organisations of a subtree, in tree order (a parent before its children), or searched",
    counted_page_of(Organisation),
)
def list_organisations(
    read: ReaderDep,
    org: OrgParam = None,
    level: Annotated[OrgLevel | None, Query(description="Only organisations of this level")] = None,
    q: Annotated[
        str | None, Query(min_length=1, max_length=200, description="The code exactly, or the beginning of the name")
    ] = None,
    state: Annotated[
        UnionState | None,
        Query(description="On today's date: not founded yet, in its term, its term past the deadline, dissolved"),
    ] = None,
    procedure_kind: Annotated[ProcedureKind | None, Query(description="Has a procedure of this kind")] = None,
    procedure_state: Annotated[
        str | None, Query(max_length=60, description="Has a procedure in this state (of `procedure_kind`, if given)")
    ] = None,
    alert: Annotated[AlertKind | None, Query(description="An alert of this kind fires today")] = None,
    overdue: Annotated[bool, Query(description="An alert past its deadline fires today")] = False,
    sort: Annotated[
        UnionSort, Query(description="tree order, name, code, or the term's deadline (soonest first, none last)")
    ] = "tree",
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    with checked_search(), read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        search = queries.UnionSearch(read.today, q, level, state, procedure_kind, procedure_state, alert, overdue, sort)
        only = scope.org_id if scope.own_only else None
        listing = queries.unions(conn, scope.org_id, search, only=only, limit=limit, cursor=cursor, count=not cursor)
    return answer_listing(read, [_organisation(r) for r in listing.items], listing)
