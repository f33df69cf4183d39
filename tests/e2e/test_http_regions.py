"""HTTP, on SQLite and PostgreSQL: the settings of a region. An administrator assigns the rule
profile an organisation's unions open their procedures under (RULES.md §5: staff never choose it,
a procedure keeps the one it pinned) and sets its coverage targets, which coverage shows beside
each figure (§7); bad input is answered with problem details naming the field or the profile."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Api, open_founding, register_union, request_body
from tests.unit.workflow_world import profile

PROBLEM_JSON = "application/problem+json"


def _problem(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = r.json()
    return body


def _assign(api: Api, org: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return api.post(
        f"/organisations/{org}/rule-profile", body | {"occurred_on": "2024-01-02"}, headers or api.auth("admin", "WH")
    )


def _targets(api: Api, org: str, targets: Any, headers: dict[str, str] | None = None) -> Any:
    body = {"targets": targets, "occurred_on": "2024-01-02"}
    return api.post(f"/organisations/{org}/coverage-targets", body, headers or api.auth("admin", "WH"))


def test_a_region_profile_reaches_only_procedures_opened_afterwards(any_api: Api) -> None:
    api = any_api
    api.rt.service.profiles.register(profile("jiangan"))
    r = _assign(api, "JA", {"profile_name": "jiangan"}, api.auth("admin", "JA"))
    assert r.status_code == 200, r.text
    assert r.json()["events"][0]["type"] == "RuleProfileAssigned"
    settings = api.client.get("/organisations/U1/settings", headers=api.staff("U1")).json()
    assert settings["rule_profile"] == {"name": "jiangan", "version": None, "org": "JA"}
    assert settings["opens_under"] == {"name": "jiangan", "version": 1}
    assert settings["own_rule_profile"] is None

    pid = open_founding(api, "U1")
    _assign(api, "JA", {"profile_name": "national", "profile_version": 1})
    register_union(api.rt, "U2", "U2 工会")
    open_founding(api, "U2")
    pinned = {
        p: api.client.get(f"/procedures/{p}", headers=api.approver()).json()["profile"]["name"]
        for p in (pid, "U2:founding-1")
    }
    assert pinned == {pid: "jiangan", "U2:founding-1": "national"}


def test_staff_cannot_choose_a_profile(any_api: Api) -> None:
    """The opening bodies have no profile (derived from the commands): naming one is a 422."""
    api = any_api
    r = api.post("/unions/U1/procedures/founding", request_body() | {"profile_name": "beijing"}, api.staff("U1"))
    assert "body.profile_name" in _problem(r, 422)["fields"]
    r = _assign(api, "U1", {"profile_name": "national"}, api.staff("U1"))
    assert _problem(r, 403)["rule"] == "AUTH-ROLE"


@pytest.mark.parametrize(
    ("body", "named"),
    [({"profile_name": "nowhere"}, "'nowhere'"), ({"profile_name": "national", "profile_version": 9}, "version 9")],
)
def test_an_unknown_profile_is_refused_naming_it(any_api: Api, body: dict[str, Any], named: str) -> None:
    problem = _problem(_assign(any_api, "JA", body), 422)
    assert problem["rule"] == "PROFILE-UNKNOWN" and named in problem["detail"]
    assert problem["evidence"]["profile_name"] == body["profile_name"]


def test_another_subtree_administrator_is_answered_as_for_a_missing_region(any_api: Api) -> None:
    # Issue 20: outside the subtree, 404 exactly as for an organisation that does not exist.
    api = any_api
    assert (
        _problem(_assign(api, "JA", {"profile_name": "national"}, api.auth("admin", "QS")), 404)["rule"] == "NOT-FOUND"
    )
    assert _problem(_targets(api, "JA", {"founding_rate": 0.9}, api.auth("admin", "QS")), 404)["rule"] == "NOT-FOUND"


@pytest.mark.parametrize(
    ("targets", "field"),
    [
        ({"founding_rate": 1.5}, "body.targets.founding_rate"),
        ({"founding_rate": -0.2}, "body.targets.founding_rate"),
        ({"founding_rate": "0.91"}, "body.targets.founding_rate"),
        ({"founding_rate": "high"}, "body.targets.founding_rate"),
        ({"founding_rates": 0.9}, "body.targets"),
        ("0.91", "body.targets"),
    ],
)
def test_a_bad_target_is_a_validation_problem(any_api: Api, targets: Any, field: str) -> None:
    problem = _problem(_targets(any_api, "JA", targets), 422)
    assert problem["fields"] == [field], problem


def test_coverage_shows_each_figure_beside_its_target(any_api: Api) -> None:
    """WH sets the founding rate (Dalian-like 91 %), JA its own membership rate; JA's coverage (U1
    registered, not founded: founding rate 0, no membership rate) shows both beside the figures."""
    api = any_api
    assert _targets(api, "WH", {"founding_rate": 0.91, "membership_rate": 0.9}).status_code == 200
    assert _targets(api, "JA", {"membership_rate": 0.8}, api.auth("admin", "JA")).status_code == 200
    cov = api.client.get("/coverage", params={"org": "JA"}, headers=api.approver()).json()
    assert cov["founding_rate"] == 0.0
    assert cov["targets"] == {
        "founding_rate": {"value": 0.0, "target": 0.91, "set_by": "WH", "reads": "at_least", "met": False},
        "membership_rate": {"value": None, "target": 0.8, "set_by": "JA", "reads": "at_least", "met": None},
    }
    settings = api.client.get("/organisations/JA/settings", headers=api.auth("auditor", "WH")).json()
    assert settings["own_coverage_targets"] == {"membership_rate": 0.8}
    assert settings["coverage_targets"]["founding_rate"] == {"target": 0.91, "set_by": "WH", "reads": "at_least"}
    assert api.client.get("/coverage", params={"org": "QS"}, headers=api.auth("auditor", "WH")).json()["targets"] == {
        "founding_rate": {"value": None, "target": 0.91, "set_by": "WH", "reads": "at_least", "met": None},
        "membership_rate": {"value": None, "target": 0.9, "set_by": "WH", "reads": "at_least", "met": None},
    }


def test_settings_of_an_unknown_or_unreadable_organisation_are_not_found(any_api: Api) -> None:
    api = any_api
    assert _problem(api.client.get("/organisations/NOPE/settings", headers=api.auth("admin", "ACFTU")), 404)
    assert _problem(api.client.get("/organisations/QS/settings", headers=api.auth("admin", "JA")), 404)
