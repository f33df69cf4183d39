"""End-to-end fixtures: a Runtime on a fresh database (the event store's schema from the shared
fixtures, plus the api branch: `Runtime.upgrade`), the organisation tree of the workflow tests, an
HTTP client on `create_app`, and tokens issued as an administrator would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.runtime import Runtime
from tests.unit.workflow_support import CHAIRS, COMMITTEE, FUNDS, PREP_GROUP, Scenario, given_union
from tests.unit.workflow_world import COUNTY, TODAY, TREE, TREE_ON, World, admin, ballot, tallies, unit
from workflow import commands as c


@dataclass
class Api:
    """One test's runtime, client and tokens."""

    rt: Runtime
    client: TestClient
    tokens: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def auth(self, role: str, org: str, person: str | None = None) -> dict[str, str]:
        """The Authorization header of a token for `person` (default: "<role>-<org>")."""
        person = person or f"{role}-{org}"
        key = (person, role, org)
        if key not in self.tokens:
            self.tokens[key] = self.rt.tokens.issue(person, role, org, days=30).token
        return {"Authorization": f"Bearer {self.tokens[key]}"}

    def staff(self, org: str = "U1") -> dict[str, str]:
        return self.auth("staff", org)

    def approver(self, org: str = COUNTY) -> dict[str, str]:
        return self.auth("approver", org)

    def post(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        return self.client.post(path, json=body, headers=headers)

    def step(self, pid: str, step: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
        return self.post(f"/procedures/{pid}/steps/{step}", body, headers or self.staff(pid.split(":")[0]))

    def request_extension(self, new_deadline: str, org: str = "U1") -> str:
        """Worked example 1's union asks on 2024-01-05 to extend its term (R-EXTENSION): the
        procedure's id."""
        body = {"reason": "单位重组", "new_deadline": new_deadline, "occurred_on": "2024-01-05"}
        opened = self.post(f"/unions/{org}/procedures/extension", body, self.staff(org))
        assert opened.status_code == 201, opened.text
        return str(opened.json()["procedure_id"])

    def version(self, org: str) -> int:
        return self.rt.service.load(org).version

    def web_sign_in(self, role: str, org: str) -> None:
        """A web session for `role` of `org` in the client's cookies (signed in with a fresh token)."""
        self.client.cookies.clear()
        page = self.client.get("/ui/sign-in")
        token = self.rt.tokens.issue(f"{role}-{org}", role, org, days=30).token
        signed = self.client.post(
            "/ui/sign-in", data={"token": token, "csrf": csrf_of(page.text), "next": "/ui/"}, follow_redirects=False
        )
        assert signed.status_code == 303, signed.text


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def tree_runtime(url: str, u1_name: str = "U1 工会") -> Runtime:
    """A runtime on `url` with its clock at TODAY, upgraded, with the workflow tests' organisation
    tree registered and the grassroots union U1 below the county."""
    rt = Runtime.open(url, clock=lambda: TODAY)
    rt.upgrade()
    for org_id, name, level, parent in TREE:
        rt.service.execute(
            c.RegisterOrganisation(org_id=org_id, name=name, level=level, parent_id=parent, occurred_on=TREE_ON),
            admin(),
        )
    register_union(rt, "U1", u1_name)
    return rt


def register_union(rt: Runtime, org_id: str, name: str) -> None:
    """A grassroots union below the county, registered by the administrator."""
    rt.service.execute(
        c.RegisterOrganisation(
            org_id=org_id, name=name, level="grassroots", parent_id=COUNTY, unit=unit(), occurred_on=TREE_ON
        ),
        admin(),
    )


def make_api(url: str) -> Iterator[Api]:
    rt = tree_runtime(url)
    with TestClient(create_app(rt)) as client:
        yield Api(rt, client)
    rt.engine.dispose()


@pytest.fixture
def api(sqlite_url: str) -> Iterator[Api]:
    yield from make_api(sqlite_url)


@pytest.fixture
def any_api(db_url: str) -> Iterator[Api]:
    """The same, on SQLite and on PostgreSQL."""
    yield from make_api(db_url)


# --------------------------------------------------------------------------- bodies for worked example 1

S = Scenario()


def on(state: str) -> str:
    return S.on(state).isoformat()


def request_body() -> dict[str, Any]:
    return {
        "unit": unit().model_dump(mode="json"),
        "initiators": ["张三"],
        "prep_group": [{"name": n} for n in PREP_GROUP],
        "occurred_on": on("requested"),
    }


def approve_body(state: str) -> dict[str, Any]:
    return {"document_no": "江工发〔2019〕1号", "occurred_on": on(state)}


def congress_body(present: int = 54, due: int = 80) -> dict[str, Any]:
    committee = ballot(7, present, tallies(COMMITTEE, 7, due, present))
    funds = ballot(3, present, tallies(FUNDS, 3, due, present))
    return {
        "due": due,
        "present": present,
        "committee_vote": committee.model_dump(mode="json"),
        "funds_review_vote": funds.model_dump(mode="json"),
        "occurred_on": S.congress_on.isoformat(),
    }


def founding_steps() -> list[tuple[str, str, dict[str, Any]]]:
    """(who, step, body) from the preparatory group's approval to the founding's approval."""
    return [
        ("approver", "approve", approve_body("preparing")),
        (
            "staff",
            "record-members",
            {"members": 80, "female_members": 12, "employees": 120, "occurred_on": on("members_recruited")},
        ),
        (
            "staff",
            "decide-congress-type",
            {"congress_type": "members_meeting", "committee_seats": 7, "occurred_on": on("congress_type_decided")},
        ),
        (
            "staff",
            "propose-candidates",
            {
                "committee_candidates": [{"name": n} for n in COMMITTEE],
                "chair_candidates": [{"name": n} for n in CHAIRS],
                "funds_review_seats": 3,
                "funds_review_candidates": [{"name": n} for n in FUNDS],
                "occurred_on": on("candidates_proposed"),
            },
        ),
        ("staff", "post-candidates", {"where": "公告栏", "occurred_on": on("candidates_posted")}),
        (
            "staff",
            "file-candidates",
            {"party_org": "公司党支部", "party_approved": True, "occurred_on": on("candidates_filed")},
        ),
        ("approver", "approve", approve_body("candidates_approved")),
        ("staff", "hold-congress", congress_body()),
        (
            "staff",
            "elect-chair",
            {
                "chair": "赵",
                "vice_chairs": ["钱"],
                "due": 80,
                "yes": 41,
                "vice_chair_yes": {"钱": 41},
                "occurred_on": on("chair_elected"),
            },
        ),
        (
            "staff",
            "file-results",
            {
                "funds_review_director": "冯",
                "women_committee_formed": True,
                "women_director": "孙",
                "term_years": 5,
                "occurred_on": on("results_filed"),
            },
        ),
        ("approver", "approve", approve_body("founded")),
    ]


def open_founding(api: Api, union: str = "U1") -> str:
    r = api.post(f"/unions/{union}/procedures/founding", request_body(), api.staff(union))
    assert r.status_code == 201, r.text
    pid: str = r.json()["procedure_id"]
    return pid


def drive(api: Api, pid: str, steps: int | None = None) -> None:
    """Take the founding through its first `steps` steps (all of them by default)."""
    for who, step, body in founding_steps()[:steps]:
        headers = api.approver() if who == "approver" else api.staff(pid.split(":")[0])
        r = api.step(pid, step, body, headers)
        assert r.status_code == 200, f"{step}: {r.text}"


# Steps before the congress (the congress is the next step after these).
BEFORE_CONGRESS = 7


@pytest.fixture
def seeded(any_api: Api) -> Api:
    """Below JA: U1 founded through HTTP (RULES.md §8 worked example 1), U2's founding request and
    U3's candidate list waiting on JA, ten unions registered only. Below QS and GD: one founding
    request each (outside JA's and, for GD, WH's subtree)."""
    api = any_api
    drive(api, open_founding(api))
    w = world_of(api)
    given_union(w, "U2").request()  # filed 2019-01-05
    given_union(w, "U3").found("candidates_filed")  # filed 2019-02-05
    given_union(w, "Q1", parent="QS").request()
    given_union(w, "G1", parent="GD").request()
    for i in range(10):
        w.add_union(f"P{i:02d}")
    return api


def world_of(api: Api) -> World:
    """The workflow test harness on the api's own runtime (so the read models follow inline)."""
    svc = api.rt.service
    return World(api.rt.engine, api.rt.store, svc.profiles, svc)
