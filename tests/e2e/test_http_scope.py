"""Over HTTP, on SQLite and PostgreSQL: a dissolution filed and approved (R-DISSOLVE), the union
read, its history and audit afterwards, every further command refused; a joint union's units
(R-FORM-25); the coverage's figures by their keys (RULES.md §7); problem details on bad input."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import Api, drive, open_founding
from tests.e2e.reads_support import PROBLEM, fields_of, get

DISSOLUTION = {
    "reason": "merged",
    "unit_changed_on": "2024-04-30",
    "document": "会员大会关于注销工会的决议",
    "congress_on": "2024-05-06",
    "occurred_on": "2024-05-10",
}


def small_unit(members: int = 10) -> dict[str, Any]:
    return {
        "unit_name": "江岸某餐饮店",
        "unit_type": "enterprise",
        "employees": 30,
        "members": members,
        "female_members": 4,
        "has_party_org": False,
    }


def dissolve(api: Api) -> str:
    r = api.post("/unions/U1/procedures/dissolution", DISSOLUTION, api.staff())
    assert r.status_code == 201, r.text
    assert r.headers["location"] == "/procedures/U1:dissolution-1"
    pid: str = r.json()["procedure_id"]
    return pid


def test_r_dissolve_filed_approved_and_then_read_only(any_api: Api) -> None:
    api = any_api
    drive(api, open_founding(api))
    pid = dissolve(api)
    inbox = get(api, "/inbox", api.approver(), org="JA").json()["items"]
    assert [i["procedure_id"] for i in inbox] == [pid]
    wrong = api.step(
        pid, "approve", {"document_no": "硚工发〔2024〕1号", "occurred_on": "2024-06-01"}, api.approver("QS")
    )
    assert wrong.status_code == 404 and wrong.json()["rule"] == "NOT-FOUND"  # outside QS's subtree (issue 20)
    ok = api.step(pid, "approve", {"document_no": "江工发〔2024〕9号", "occurred_on": "2024-06-01"}, api.approver())
    assert ok.status_code == 200, ok.text
    union = get(api, "/unions/U1", api.staff()).json()
    assert (union["dissolved_on"], union["dissolution_reason"]) == ("2024-06-01", "merged")
    assert union["allowed_commands"] == []
    proc = get(api, f"/procedures/{pid}", api.staff()).json()
    assert proc["state"] == "approved" and proc["allowed_steps"] == []
    refused = api.post(
        "/unions/U1/congresses", {"present": 54, "agenda": "年度大会", "occurred_on": "2024-07-01"}, api.staff()
    )
    assert refused.status_code == 422 and refused.headers["content-type"].startswith(PROBLEM)
    assert refused.json()["rule"] == "R-DISSOLVE" and "2024-06-01" in refused.json()["detail"]
    # The history stays readable and verifiable.
    history = get(api, "/unions/U1/history", api.staff()).json()
    assert history["items"][-1]["event_type"] == "DissolutionApproved"
    auditor = api.auth("auditor", "JA")
    assert get(api, "/audit/verify", auditor, org="U1").json()["ok"] is True
    bundle = get(api, "/audit/bundle", auditor, org="U1")
    assert bundle.status_code == 200 and bundle.content[:2] == b"PK"
    before = get(api, "/unions/U1", api.staff(), as_of="2024-05-31").json()
    assert before["dissolved_on"] is None


def test_r_dissolve_bad_input_is_a_problem_naming_the_field(any_api: Api) -> None:
    api = any_api
    assert fields_of(api.post("/unions/U1/procedures/dissolution", DISSOLUTION | {"reason": "sold"}, api.staff())) == [
        "body.reason"
    ]
    body = {k: v for k, v in DISSOLUTION.items() if k != "unit_changed_on"}
    assert fields_of(api.post("/unions/U1/procedures/dissolution", body, api.staff())) == ["body.unit_changed_on"]
    late = api.post("/unions/U1/procedures/dissolution", DISSOLUTION | {"congress_on": "2024-05-11"}, api.staff())
    assert late.status_code == 422 and late.json()["rule"] == "DATE-ORDER"


def test_a_joint_unions_units_over_http(any_api: Api) -> None:
    api = any_api
    admin = api.auth("admin", "JA")
    body = {
        "org_id": "J1",
        "name": "江岸某街道联合工会",
        "level": "joint",
        "parent_id": "JA",
        "unit": small_unit(20),
        "occurred_on": "2018-01-01",
    }
    assert api.post("/organisations", body, admin).status_code == 201
    joined = {"unit_id": "J1-01", "unit": small_unit(), "occurred_on": "2024-03-01"}
    r = api.post("/unions/J1/covered-units", joined, api.staff("J1"))
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["type"] == "UnitCovered"
    union = get(api, "/unions/J1", api.staff("J1")).json()
    assert union["covered_units"]["J1-01"]["since"] == "2024-03-01"
    assert {"CoverUnit", "UncoverUnit"} <= {a["command"] for a in union["allowed_commands"]}
    big = api.post("/unions/J1/covered-units", joined | {"unit_id": "J1-02", "unit": small_unit(25)}, api.staff("J1"))
    assert big.status_code == 422 and big.json()["rule"] == "R-FORM-25"
    assert fields_of(
        api.post("/unions/J1/covered-units", {"unit_id": "J1-03", "occurred_on": "2024-03-01"}, api.staff("J1"))
    ) == ["body.unit"]
    grassroots = api.post("/unions/U1/covered-units", joined, api.staff())
    assert grassroots.status_code == 422 and grassroots.json()["rule"] == "ORG-LEVEL"
    gone = {"unit_id": "J1-09", "reason": "歇业", "occurred_on": "2025-01-15"}
    assert api.post("/unions/J1/covered-unit-departures", gone, api.staff("J1")).status_code == 404
    left = api.post("/unions/J1/covered-unit-departures", gone | {"unit_id": "J1-01"}, api.staff("J1"))
    assert left.status_code == 200, left.text
    cov = get(api, "/coverage", admin, org="JA", as_of="2024-06-01").json()
    assert cov["units_covered"] == 1 and cov["units"] == 2  # U1 and the covered unit
    assert get(api, "/coverage", admin, org="JA", as_of="2025-01-15").json()["units_covered"] == 0


def test_coverage_gives_each_figure_by_its_stable_key(any_api: Api) -> None:
    api = any_api
    drive(api, open_founding(api))
    cov = get(api, "/coverage", api.auth("admin", "WH"), org="JA").json()
    assert set(cov["figures"]) == {
        "founding_rate",
        "founding_rate_25plus",
        "founding_rate_enterprises",
        "membership_rate",
        "on_time_rate",
        "direct_election_share",
        "without_full_time_chair",
    }
    assert cov["figures"]["founding_rate_25plus"] == cov["founding_rate_25"] == 1.0
    assert (cov["chairs_direct"], cov["direct_election_share"]) == (1, 1.0)  # the congress elected the chair
    assert (cov["unions_200"], cov["without_full_time_chair"], cov["full_time_unknown"]) == (0, 0, 0)
    assert fields_of(get(api, "/coverage", api.approver(), as_of="2024-13-01")) == ["query.as_of"]


# --------------------------------------------------------------------------- the union's page


def test_the_union_page_says_dissolved_on_its_date_and_offers_nothing(any_api: Api) -> None:
    api = any_api
    drive(api, open_founding(api))
    pid = dissolve(api)
    api.web_sign_in("staff", "U1")
    assert "/ui/unions/U1/open/" in api.client.get("/ui/unions/U1").text
    api.step(pid, "approve", {"document_no": "江工发〔2024〕9号", "occurred_on": "2024-06-01"}, api.approver())
    page = api.client.get("/ui/unions/U1")
    assert page.status_code == 200
    notice = re.search(r'<p class="notice" role="status" id="dissolved">([^<]+)</p>', page.text)
    assert notice is not None and "2024-06-01" in notice.group(1) and "单位合并" in notice.group(1)
    assert "/ui/unions/U1/open/" not in page.text and "/ui/unions/U1/record/" not in page.text


def test_a_joint_unions_page_lists_its_units_and_takes_one_from_its_form(any_api: Api) -> None:
    api = any_api
    body = {"org_id": "J1", "name": "联合工会", "level": "joint", "parent_id": "JA", "unit": small_unit(20)}
    assert api.post("/organisations", body | {"occurred_on": "2018-01-01"}, api.auth("admin", "JA")).status_code == 201
    api.web_sign_in("staff", "J1")
    form = api.client.get("/ui/unions/J1/record/covered-units")
    assert form.status_code == 200 and 'name="unit.employees"' in form.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    posted = {
        "csrf": csrf.group(1),
        "expected_version": str(api.version("J1")),
        "occurred_on": "2024-03-01",
        "unit_id": "J1-01",
        **{f"unit.{k}": str(v) for k, v in small_unit().items() if k != "has_party_org"},
    }
    done = api.client.post("/ui/unions/J1/record/covered-units", data=posted, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = api.client.get("/ui/unions/J1").text
    assert 'id="h-covered"' in page and "J1-01" in page and "江岸某餐饮店" in page
