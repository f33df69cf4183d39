"""A NUL character (U+0000) anywhere in a request is refused with a 422 naming where it was, on both
databases (PostgreSQL cannot store it in text): never a 500, never written."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("GET", "/unions/a%00b", "path"),
        ("GET", "/procedures/a%00b:x", "path"),
        ("POST", "/unions/a%00b/facts", "path"),
        ("GET", "/audit/verify?org=J%00A", "query.org"),
    ],
)
def test_nul_in_the_url_is_refused(any_api: Api, method: str, url: str, field: str) -> None:
    r = any_api.client.request(method, url, headers=any_api.auth("admin", "ACFTU"), json={})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["fields"] == [field] and r.headers["X-Request-ID"]


def test_nul_in_a_body_field_is_refused_and_nothing_written(any_api: Api) -> None:
    api = any_api
    before = api.version("U1")
    unit = {
        "unit_name": "江岸\x00科技",
        "unit_type": "enterprise",
        "employees": 130,
        "members": 0,
        "female_members": 0,
        "has_party_org": True,
    }
    r = api.post("/unions/U1/facts", {"unit": unit, "occurred_on": "2019-02-01"}, api.staff("U1"))
    assert r.status_code == 422, r.text
    assert "unit.unit_name contains a NUL character" in r.json()["detail"]
    r = api.post(
        "/organisations",
        {
            "org_id": "X1",
            "name": "x",
            "level": "grassroots",
            "parent_id": "J\x00A",
            "unit": unit | {"unit_name": "u"},
            "occurred_on": "2019-01-01",
        },
        api.auth("admin", "ACFTU"),
    )
    assert r.status_code == 422 and "parent_id" in r.json()["detail"]
    assert api.version("U1") == before
