"""The HTTP API end to end: tokens, commands, problem details, ETags, idempotency, scoped reads."""

from __future__ import annotations

from events.catalogue import org_stream
from tests.e2e.conftest import BEFORE_CONGRESS, Api, congress_body, drive, open_founding, request_body
from tests.unit.workflow_world import TREE_ON, admin, unit
from workflow import commands as c

PROBLEM = "application/problem+json"


def test_staff_found_a_union_through_http_and_the_approver_decides(any_api: Api) -> None:
    """Given staff of U1 and an approver of its county, when every founding step is posted with
    their tokens, then U1 is founded and every event records the token's person, role and org."""
    api = any_api
    pid = open_founding(api)
    assert pid == "U1:founding-1"
    drive(api, pid)

    r = api.client.get(f"/procedures/{pid}", headers=api.staff())
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["state"], body["kind"], body["union_id"]) == ("founded", "founding", "U1")
    assert r.headers["ETag"] == f'"{body["version"]}"'
    assert body["facts"]["election"]["committee"] == ["赵", "钱", "孙", "李", "周", "吴", "郑"]
    assert [s["step"] for s in body["allowed_steps"]] == ["register-legal-person"]

    u = api.client.get("/unions/U1", headers=api.approver()).json()
    assert (u["chair"], u["term"]["years"], u["term"]["start"]) == ("赵", 5, "2019-03-01")
    assert u["procedures"][0]["href"] == f"/procedures/{pid}"

    records = list(api.rt.store.read_stream(org_stream("U1")))
    approvals = [r for r in records if r.event_type in ("PreparatoryGroupApproved", "ResultsApproved")]
    assert {(r.metadata.actor_id, r.metadata.role, r.metadata.acting_org) for r in approvals} == {
        ("approver-JA", "approver", "JA")
    }
    assert records[-2].metadata.actor_id == "staff-U1"


def test_allowed_steps_depend_on_the_caller(api: Api) -> None:
    pid = open_founding(api)
    as_staff = api.client.get(f"/procedures/{pid}", headers=api.staff()).json()
    as_approver = api.client.get(f"/procedures/{pid}", headers=api.approver()).json()
    assert as_staff["waiting_on_approver"]
    assert {s["step"] for s in as_approver["allowed_steps"]} == {"approve", "reject"}
    assert "approve" not in {s["step"] for s in as_staff["allowed_steps"]}


def test_allowed_commands_on_a_union_depend_on_its_state_and_the_caller(api: Api) -> None:
    """Before the founding only the unit's facts; once founded the yearly congress (R-ANNUAL) and,
    with a vice-chair in office, a removal (R-REMOVAL); the approver may record none of them, an
    administrator over the union its facts; each names the endpoint that takes it."""

    def allowed(headers: dict[str, str], **params: str) -> list[str] | None:
        body = api.client.get("/unions/U1", headers=headers, params=params).json()
        found = body["allowed_commands"]
        if found is None:
            return None
        assert all(a["href"].startswith("/unions/U1/") for a in found)
        return [a["command"] for a in found]

    assert allowed(api.staff()) == ["UpdateUnitFacts"]
    drive(api, open_founding(api))
    assert allowed(api.staff()) == ["UpdateUnitFacts", "RecordCongress", "RemoveViceChair"]
    assert allowed(api.approver()) == []
    assert allowed(api.auth("admin", "ACFTU")) == ["UpdateUnitFacts"]
    assert allowed(api.staff(), as_of="2019-02-01") is None  # a past moment: nothing to do then
    removed = api.post(
        "/unions/U1/vice-chair-removals",
        {"vice_chair": "钱", "removal": {"total": 80, "yes": 41}, "reason": "罢免", "occurred_on": "2021-05-01"},
        api.staff(),
    )
    assert removed.status_code == 201, removed.text
    assert allowed(api.staff()) == ["UpdateUnitFacts", "RecordCongress"]
    body = api.client.get("/unions/U1", headers=api.staff()).json()
    assert {a["command"]: a["href"] for a in body["allowed_commands"]} == {
        "UpdateUnitFacts": "/unions/U1/facts",
        "RecordCongress": "/unions/U1/congresses",
    }


def test_refused_step_is_422_naming_the_rule_and_the_numbers(any_api: Api) -> None:
    api = any_api
    pid = open_founding(api)
    drive(api, pid, BEFORE_CONGRESS)
    before = api.version("U1")
    r = api.step(pid, "hold-congress", congress_body(present=53))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    p = r.json()
    assert p["rule"] == "R-QUORUM"
    assert (p["evidence"]["present"], p["evidence"]["due"], p["evidence"]["needed"]) == (53, 80, 54)
    assert "53 of 80" in p["detail"]
    assert {"type", "title", "status", "detail"} <= p.keys() and p["status"] == 422
    assert api.version("U1") == before


def test_step_out_of_order_is_422_with_the_state(api: Api) -> None:
    pid = open_founding(api)
    r = api.step(pid, "hold-congress", congress_body())
    assert r.status_code == 422
    assert r.json()["rule"] == "STEP-ORDER"
    assert r.json()["evidence"]["state"] == "requested"


def test_no_token_is_401_problem_with_a_bearer_challenge(api: Api) -> None:
    r = api.client.post("/unions/U1/procedures/founding", json=request_body())
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.headers["content-type"].startswith(PROBLEM)
    bad = api.client.get("/unions/U1", headers={"Authorization": "Bearer uf_nonsense"})
    assert bad.status_code == 401
    assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]


def test_outside_the_subtree_is_404_and_inside_it_the_wrong_role_is_403(api: Api) -> None:
    # Issue 20: a union the caller cannot read answers 404 as a missing one, for commands too.
    pid = open_founding(api)
    r = api.step(pid, "withdraw", {"reason": "x", "occurred_on": "2019-01-10"}, api.staff("JA"))
    assert r.status_code == 404 and r.json()["rule"] == "NOT-FOUND"
    other = api.step(pid, "approve", {"document_no": "x", "occurred_on": "2019-01-10"}, api.approver("QS"))
    assert other.status_code == 404 and other.json()["rule"] == "NOT-FOUND"
    above = api.step(pid, "approve", {"document_no": "x", "occurred_on": "2019-01-10"}, api.approver("WH"))
    assert above.status_code == 403 and above.json()["rule"] == "R-APPROVER"
    own = api.step(pid, "approve", {"document_no": "x", "occurred_on": "2019-01-10"}, api.staff())
    assert own.status_code == 403 and own.json()["rule"] in ("AUTH-ROLE", "R-APPROVER")


def test_unknown_procedure_and_union_are_404(api: Api) -> None:
    assert api.client.get("/procedures/U1:founding-9", headers=api.staff()).status_code == 404
    assert api.client.get("/procedures/nonsense", headers=api.staff()).status_code == 404
    r = api.step("U1:founding-9", "withdraw", {"reason": "x", "occurred_on": "2019-01-10"})
    assert r.status_code == 404
    assert r.json()["status"] == 404
    assert api.client.get("/unions/NOPE", headers=api.auth("auditor", "ACFTU")).status_code == 404


def test_stale_if_match_is_412_with_the_current_version(any_api: Api) -> None:
    api = any_api
    pid = open_founding(api)
    etag = api.client.get(f"/procedures/{pid}", headers=api.approver()).headers["ETag"]
    body = {"document_no": "江工发〔2019〕1号", "occurred_on": "2019-01-10"}
    stale = f'"{int(etag.strip(chr(34))) - 1}"'
    r = api.client.post(f"/procedures/{pid}/steps/approve", json=body, headers=api.approver() | {"If-Match": stale})
    assert r.status_code == 412
    assert r.json()["actual_version"] == int(etag.strip('"'))
    assert r.headers["ETag"] == etag
    ok = api.client.post(f"/procedures/{pid}/steps/approve", json=body, headers=api.approver() | {"If-Match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.headers["ETag"] == f'"{int(etag.strip(chr(34))) + 1}"'


def test_malformed_if_match_is_422(api: Api) -> None:
    r = api.post("/unions/U1/procedures/founding", request_body(), api.staff() | {"If-Match": "yesterday"})
    assert r.status_code == 422
    assert "If-Match" in r.json()["detail"]


def test_idempotency_key_retry_returns_the_first_answer_and_writes_nothing(any_api: Api) -> None:
    api = any_api
    headers = api.staff() | {"Idempotency-Key": "req-42"}
    first = api.post("/unions/U1/procedures/founding", request_body(), headers)
    assert first.status_code == 201
    version = api.version("U1")
    again = api.post("/unions/U1/procedures/founding", request_body(), headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["ETag"] == first.headers["ETag"]
    assert api.version("U1") == version
    different = api.post("/unions/U1/procedures/founding", request_body() | {"initiators": ["李四"]}, headers)
    assert different.status_code == 409
    assert different.json()["type"].endswith("idempotency-key-reused")


def test_validation_error_is_422_naming_the_field(api: Api) -> None:
    body = request_body()
    del body["occurred_on"]
    body["unit"]["employees"] = -1
    r = api.post("/unions/U1/procedures/founding", body, api.staff())
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert set(r.json()["fields"]) == {"body.occurred_on", "body.unit.employees"}
    assert "body.occurred_on" in r.json()["detail"]
    unknown = api.post("/unions/U1/procedures/founding", request_body() | {"colour": "red"}, api.staff())
    assert unknown.json()["fields"] == ["body.colour"]


def test_command_level_validation_is_422_too(api: Api) -> None:
    """A grassroots union without unit facts passes the body schema but not the command."""
    body = {"org_id": "U9", "name": "U9", "level": "grassroots", "parent_id": "JA", "occurred_on": "2019-01-01"}
    r = api.post("/organisations", body, api.auth("admin", "ACFTU"))
    assert r.status_code == 422
    assert "unit" in r.json()["detail"]


def test_future_date_is_422_not_500(api: Api) -> None:
    r = api.post("/unions/U1/procedures/founding", request_body() | {"occurred_on": "2031-01-01"}, api.staff())
    assert r.status_code == 422
    assert r.json()["rule"] == "DATE-FUTURE"


def test_auditor_cannot_post_but_reads_within_the_subtree(api: Api) -> None:
    pid = open_founding(api)
    auditor = api.auth("auditor", "WH")
    r = api.step(pid, "approve", {"document_no": "x", "occurred_on": "2019-01-10"}, auditor)
    assert r.status_code == 403
    assert api.client.get(f"/procedures/{pid}", headers=auditor).status_code == 200
    assert api.client.get("/unions/U1", headers=auditor).json()["org_id"] == "U1"
    assert api.client.get(f"/procedures/{pid}", headers=api.auth("auditor", "QS")).status_code == 404
    assert api.client.get(f"/procedures/{pid}", headers=api.auth("auditor", "GD")).status_code == 404


def test_staff_read_only_their_own_union(api: Api) -> None:
    api.rt.service.execute(
        c.RegisterOrganisation(
            org_id="U2", name="U2", level="grassroots", parent_id="JA", unit=unit(), occurred_on=TREE_ON
        ),
        admin(),
    )
    assert api.client.get("/unions/U1", headers=api.staff("U2")).status_code == 404
    assert api.client.get("/unions/U2", headers=api.staff("U2")).status_code == 200


def test_admin_registers_an_organisation_below_them(api: Api) -> None:
    body = {
        "org_id": "U5",
        "name": "U5 工会",
        "level": "grassroots",
        "parent_id": "JA",
        "unit": request_body()["unit"],
        "occurred_on": "2019-01-01",
    }
    r = api.post("/organisations", body, api.auth("admin", "WH"))
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == "/unions/U5"
    assert r.headers["ETag"] == '"1"'
    # Issue 20: below another subtree's organisation, as below a missing one.
    assert api.post("/organisations", body | {"org_id": "U6"}, api.auth("admin", "QS")).status_code == 404


def test_update_facts(api: Api) -> None:
    unit = request_body()["unit"] | {"employees": 130}
    r = api.post("/unions/U1/facts", {"unit": unit, "occurred_on": "2019-01-01"}, api.staff())
    assert r.status_code == 200, r.text
    assert api.client.get("/unions/U1", headers=api.staff()).json()["unit"]["employees"] == 130


def test_update_facts_with_more_female_members_than_members_is_a_problem_naming_unit_counts(api: Api) -> None:
    unit = request_body()["unit"] | {"employees": 130, "members": 80, "female_members": 81}
    r = api.post("/unions/U1/facts", {"unit": unit, "occurred_on": "2019-01-01"}, api.staff())
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert problem["rule"] == "UNIT-COUNTS"
    assert "81 female members but only 80 members" in problem["detail"]
    assert problem["evidence"] == {"rule": "UNIT-COUNTS", "employees": 130, "members": 80, "female_members": 81}
    assert api.client.get("/unions/U1", headers=api.staff()).json()["unit"]["female_members"] != 81
