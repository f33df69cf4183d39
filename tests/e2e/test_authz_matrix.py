"""Who may do what, for every JSON endpoint of the app: each route × each role (staff, approver,
auditor, admin) × the caller's place relative to the organisation the request is about.

The request is always about union U1 (or its founding, U1:founding-1). The caller's organisation
makes the relation:

    own         U1     the caller belongs to U1
    child       JA     U1 is a child of the caller's organisation (JA decides U1's filings)
    grandchild  WH     U1 is two levels below the caller's organisation
    unrelated   QS     a sibling county: U1 is outside the caller's subtree

The documented policy (api/README.md, workflow/authority.py): reads and commands are scoped to
the caller's subtree (staff: their own organisation only) and answer 404 outside it, like a
missing organisation (a registration: like a missing parent, which an administrator hears of and
anyone else is refused for their role first); staff act for their own union, approvers decide the
filings of the unions directly below them (R-APPROVER), auditors write nothing, administrators
manage the tree below them; a role that may not use an endpoint at all gets 403. "Allowed" means
2xx, or 422 refused by a rule (the authorisation passed and a rule or the procedure's state said
no).

Every route of the app must be in POLICY: a new endpoint fails `test_every_route_is_in_the_matrix`
until its policy is written down here."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from tests.e2e.conftest import Api, make_api, open_founding

ROLES = ("staff", "approver", "auditor", "admin")
RELATION_ORG = {"own": "U1", "child": "JA", "grandchild": "WH", "unrelated": "QS"}
UNION = "U1"
PROCEDURE = "U1:founding-1"

ALLOWED, FORBIDDEN, HIDDEN = "allowed", "403", "404"
Policy = Callable[[str, str], str]  # (role, relation) -> expected outcome

# Not JSON endpoints of the app: the OpenAPI documents, and the web pages (another suite's): those
# under /ui, their static files and "/", which redirects to them.
EXCLUDED = ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/")


def excluded(path: str) -> bool:
    return path in EXCLUDED or path == "/ui" or path.startswith(("/ui/", "/static"))


# --------------------------------------------------------------------------- the policy


def public(role: str, relation: str) -> str:
    return ALLOWED


def subtree_read(role: str, relation: str) -> str:
    if role == "staff":
        return ALLOWED if relation == "own" else HIDDEN
    return HIDDEN if relation == "unrelated" else ALLOWED


def supervisors_read(role: str, relation: str) -> str:
    """Figures over many units (coverage): not for staff, whatever the organisation."""
    return FORBIDDEN if role == "staff" else subtree_read(role, relation)


def inbox(role: str, relation: str) -> str:
    if role == "staff":
        return FORBIDDEN
    if relation == "unrelated":
        return HIDDEN
    if role == "approver" and relation != "own":
        return FORBIDDEN  # approvers read their own organisation's inbox only
    return ALLOWED


def auditors_read(role: str, relation: str) -> str:
    return FORBIDDEN if role in ("staff", "approver") else subtree_read(role, relation)


def staff_act(role: str, relation: str) -> str:
    return ALLOWED if (role, relation) == ("staff", "own") else FORBIDDEN


def approver_decides(role: str, relation: str) -> str:
    return ALLOWED if (role, relation) == ("approver", "child") else FORBIDDEN  # R-APPROVER: direct parent only


def admin_manages(role: str, relation: str) -> str:
    return ALLOWED if role == "admin" and relation != "unrelated" else FORBIDDEN


def facts(role: str, relation: str) -> str:
    return ALLOWED if staff_act(role, relation) == ALLOWED else admin_manages(role, relation)


def files_dissolution(role: str, relation: str) -> str:
    """R-DISSOLVE: the union's staff, or (Law §13) the direct higher-level union's approvers."""
    return ALLOWED if staff_act(role, relation) == ALLOWED else approver_decides(role, relation)


def scoped(policy: Policy) -> Policy:
    """A command on a union the caller cannot read answers 404, as for a missing one (issue 20)."""

    def decided(role: str, relation: str) -> str:
        return HIDDEN if subtree_read(role, relation) == HIDDEN else policy(role, relation)

    return decided


def registers(role: str, relation: str) -> str:
    """Under a parent outside the subtree an administrator hears "no such parent" (ORG-PARENT);
    anyone else is refused for their role first, whether the parent exists or not."""
    return HIDDEN if (role, relation) == ("admin", "unrelated") else admin_manages(role, relation)


# Steps as the URL names them; each is also served under its snake_case alias.
STAFF_STEPS = (
    "record-members",
    "decide-congress-type",
    "elect-representatives",
    "propose-candidates",
    "post-candidates",
    "file-candidates",
    "hold-congress",
    "hold-runoff",
    "elect-chair",
    "file-results",
    "register-legal-person",
    "request-by-election",
    "hold-by-election",
    "withdraw",
    "resubmit-request",
    "amend-request",
)
APPROVER_STEPS = ("approve", "reject")
OPEN_KINDS = ("founding", "reelection", "extension", "early_reelection", "by_election")


def _aliases(name: str) -> set[str]:
    return {name, name.replace("-", "_"), name.replace("_", "-")}


POLICY: dict[tuple[str, str], Policy] = {
    ("GET", "/health"): public,
    ("GET", "/ready"): public,
    ("GET", "/procedure-kinds/{kind}"): public,
    ("GET", "/unions/{union_id}"): subtree_read,
    ("GET", "/procedures/{procedure_id}"): subtree_read,
    ("GET", "/organisations"): subtree_read,
    ("GET", "/procedures"): subtree_read,
    ("GET", "/alerts"): subtree_read,
    ("GET", "/alerts/counts"): subtree_read,
    ("GET", "/unions/{union_id}/history"): subtree_read,
    ("GET", "/procedures/{procedure_id}/history"): subtree_read,
    ("GET", "/unions/{union_id}/terms"): subtree_read,
    ("GET", "/inbox"): inbox,
    ("GET", "/coverage"): supervisors_read,
    ("GET", "/audit/verify"): auditors_read,
    ("GET", "/audit/bundle"): auditors_read,
    ("POST", "/organisations"): registers,
    ("GET", "/organisations/{org_id}/settings"): subtree_read,
    ("POST", "/organisations/{org_id}/rule-profile"): scoped(admin_manages),  # RULES.md §5: never the staff's
    ("POST", "/organisations/{org_id}/coverage-targets"): scoped(admin_manages),
    ("POST", "/unions/{union_id}/facts"): scoped(facts),
    ("POST", "/unions/{union_id}/imported-term"): scoped(admin_manages),
    ("POST", "/unions/{union_id}/congresses"): scoped(staff_act),
    ("POST", "/unions/{union_id}/vice-chair-removals"): scoped(staff_act),
    ("POST", "/unions/{union_id}/covered-units"): scoped(facts),
    ("POST", "/unions/{union_id}/covered-unit-departures"): scoped(facts),
    ("POST", "/unions/{union_id}/procedures/dissolution"): scoped(files_dissolution),
    **{
        ("POST", f"/unions/{{union_id}}/procedures/{name}"): scoped(staff_act)
        for kind in OPEN_KINDS
        for name in _aliases(kind)
    },
    **{
        ("POST", f"/procedures/{{procedure_id}}/steps/{name}"): scoped(staff_act)
        for step in STAFF_STEPS
        for name in _aliases(step)
    },
    **{
        ("POST", f"/procedures/{{procedure_id}}/steps/{name}"): scoped(approver_decides)
        for step in APPROVER_STEPS
        for name in _aliases(step)
    },
}

# Query parameters naming the organisation a read is about (reads only: POST /organisations takes
# none, and a parameter an endpoint does not take is 422).
ORG_QUERY = {"/organisations", "/procedures", "/alerts", "/alerts/counts", "/inbox", "/coverage"}
ORG_QUERY_REQUIRED = {"/audit/verify", "/audit/bundle"}


# --------------------------------------------------------------------------- the app's routes


def app_routes(api: Api) -> dict[tuple[str, str], Route]:
    found: dict[tuple[str, str], Route] = {}
    for route in api.client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount) or not isinstance(route, Route) or excluded(route.path):
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found[(method, route.path)] = route
    return found


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: dict[str, Any] | None


_serial = itertools.count(1)


def call_for(method: str, template: str, route: Route) -> Call:
    """A well-formed request about U1 (path, query and a schema-valid body: the first example of
    the route's request schema), so that only authorisation and the rules decide the answer."""
    path = template.format(union_id=UNION, org_id=UNION, procedure_id=PROCEDURE, kind="founding")
    params = {"org": UNION} if method == "GET" and template in ORG_QUERY | ORG_QUERY_REQUIRED else {}
    body: dict[str, Any] | None = None
    if method == "POST":
        assert isinstance(route, APIRoute) and route.body_field is not None, template
        model = route.body_field.field_info.annotation
        body = dict(model.model_json_schema()["examples"][0])  # type: ignore[union-attr]
        if template == "/organisations":
            # A new organisation placed below U1: the administrators above may try (and a rule
            # refuses a union below a grassroots union); nobody else may.
            body |= {"org_id": f"N{next(_serial)}", "parent_id": UNION}
    return Call(method, path, params, body)


def outcome(status: int, body: Any) -> str:
    if status in (200, 201):
        return ALLOWED
    if status == 422 and isinstance(body, dict) and body.get("rule"):
        return ALLOWED  # authorised, then refused by a rule or the procedure's state
    if status == 403 and isinstance(body, dict) and body.get("rule"):
        return FORBIDDEN
    if status == 404:
        return HIDDEN
    return f"unexpected {status}: {str(body)[:200]}"


@pytest.fixture
def matrix_api(sqlite_url: str) -> Iterator[Api]:
    for api in make_api(sqlite_url):
        assert open_founding(api, UNION) == PROCEDURE
        yield api


# --------------------------------------------------------------------------- the tests


def test_every_route_is_in_the_matrix(matrix_api: Api) -> None:
    routes = set(app_routes(matrix_api))
    missing = sorted(routes - POLICY.keys())
    assert not missing, f"routes without an authorisation policy in this matrix (add them to POLICY): {missing}"
    gone = sorted(POLICY.keys() - routes)
    assert not gone, f"POLICY names routes the app no longer has: {gone}"


def test_authorisation_matrix(matrix_api: Api) -> None:
    api = matrix_api
    mismatches: list[str] = []
    cells = 0
    for (method, template), route in sorted(app_routes(api).items()):
        policy = POLICY.get((method, template))
        if policy is None:
            continue  # reported by test_every_route_is_in_the_matrix
        for role, (relation, org) in itertools.product(ROLES, RELATION_ORG.items()):
            call = call_for(method, template, route)
            r = api.client.request(
                call.method, call.path, params=call.params, json=call.body, headers=api.auth(role, org)
            )
            body = r.json() if "json" in r.headers.get("content-type", "") else None
            got, expected = outcome(r.status_code, body), policy(role, relation)
            cells += 1
            if got != expected:
                mismatches.append(
                    f"{method} {call.path} as {role} of {org} ({relation}): expected {expected}, got {got}"
                )
    assert cells >= 16 * 50
    assert not mismatches, "\n".join(mismatches)


def test_every_non_public_route_needs_a_token(matrix_api: Api) -> None:
    api = matrix_api
    for (method, template), route in sorted(app_routes(api).items()):
        if POLICY.get((method, template)) is public:
            continue
        call = call_for(method, template, route)
        r = api.client.request(call.method, call.path, params=call.params, json=call.body)
        assert r.status_code == 401, f"{method} {call.path}: {r.status_code}"
        assert r.headers["WWW-Authenticate"].startswith("Bearer")
