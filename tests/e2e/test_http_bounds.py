"""Over HTTP as an attacker would, on SQLite and PostgreSQL: input outside the bounds declared once
(`workflow.bounds`) is a 4xx problem naming where it is, never a 500 and never stored (issue 20,
points 1 to 4): counts beyond the database integer, long and unclean text, numbers where dates go,
dates out of range, huge numbers, lone surrogates, a huge If-Match, an oversized body, a web form's
odd version."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from tests.e2e.conftest import Api, request_body
from tests.e2e.reads_support import PROBLEM, get
from workflow.command import UNIT_EXAMPLE

ADMIN = ("admin", "ACFTU")


def unit(**changes: Any) -> dict[str, Any]:
    return UNIT_EXAMPLE | changes


def registration(org_id: str = "U9", **changes: Any) -> dict[str, Any]:
    body = {"org_id": org_id, "name": "U9 工会", "level": "grassroots", "parent_id": "JA", "unit": unit()}
    return body | {"occurred_on": "2020-01-01"} | changes


def refused(r: Any, status: int = 422) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = r.json()
    return body


def client_error(r: Any) -> None:
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith(PROBLEM)


def raw_post(api: Api, path: str, content: bytes, headers: dict[str, str]) -> Any:
    return api.client.post(path, content=content, headers=headers | {"content-type": "application/json"})


@pytest.mark.parametrize("employees", [2**31, 2**63, 2**70])
def test_counts_beyond_the_database_integer_are_refused_and_reads_stay_whole(any_api: Api, employees: int) -> None:
    api = any_api
    admin = api.auth(*ADMIN)
    body = registration(unit=unit(employees=employees))
    assert "body.unit" in refused(api.post("/organisations", body, admin))["fields"]
    edge = registration(unit=unit(employees=2**31 - 1, members=2**31 - 1))
    assert api.post("/organisations", edge, admin).status_code == 201
    listed = api.client.get("/organisations", headers=admin)
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "名" * 201}, "body.name"),
        ({"unit": unit(unit_name="x" * 2001)}, "body.unit"),
        ({"occurred_on": 0}, "body.occurred_on"),
        ({"occurred_on": "0"}, "body.occurred_on"),
        ({"occurred_on": "1700000000"}, "body.occurred_on"),
        ({"occurred_on": "0001-01-01"}, "body.occurred_on"),
        ({"occurred_on": "9999-12-31"}, "body.occurred_on"),
    ],
)
def test_text_and_dates_outside_the_bounds_are_a_problem_naming_the_field(
    any_api: Api, changes: dict[str, Any], field: str
) -> None:
    api = any_api
    problem = refused(api.post("/organisations", registration(**changes), api.auth(*ADMIN)))
    assert field in problem["fields"]
    assert api.client.get("/organisations/U9", headers=api.auth(*ADMIN)).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "0"},
        {"as_of": "1700000000"},
        {"as_of": "0001-01-01"},
        {"as_of": "20240101"},
        {"recorded_at": "9999-12-31T23:59:59-14:00"},
        {"recorded_at": "0001-01-01T00:00:00+14:00"},
        {"recorded_at": "0"},
    ],
)
def test_query_dates_are_strict_iso_within_the_range(any_api: Api, params: dict[str, str]) -> None:
    api = any_api
    for path in ("/unions/U1", "/unions/U1/history", "/alerts", "/coverage"):
        if path in ("/unions/U1/history",) and "as_of" in params:
            continue
        if path == "/coverage" and "recorded_at" in params:
            continue
        headers = api.auth("approver", "JA") if path == "/coverage" else api.staff()
        problem = refused(get(api, path, headers, **params))
        assert problem["fields"] == [f"query.{next(iter(params))}"], (path, problem)


def test_a_lone_surrogate_and_huge_numbers_in_json_are_4xx(any_api: Api) -> None:
    api = any_api
    path = "/unions/U1/procedures/founding"
    good = request_body()
    text = re.sub(r'"initiators": \[[^]]*\]', '"initiators": ["\\\\ud800"]', _json(good))
    assert "\\ud800" in text
    client_error(raw_post(api, path, text.encode(), api.staff()))
    for digits in (309, 400, 5000):
        huge = _json(good | {"unit": unit()}).replace('"employees": 120', '"employees": ' + "9" * digits)
        assert "9" * digits in huge
        client_error(raw_post(api, path, huge.encode(), api.staff()))
        client_error(raw_post(api, path, huge.replace("9" * digits, "1e999").encode(), api.staff()))
        client_error(raw_post(api, path, huge.replace("9" * digits, "9" * digits + ".5").encode(), api.staff()))
    assert api.version("U1") == 1


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body, ensure_ascii=False)


@pytest.mark.parametrize("value", ['"' + "9" * 5000 + '"', "9" * 30, '"-1"', '"²"'])
def test_a_huge_or_odd_if_match_is_a_problem(any_api: Api, value: str) -> None:
    api = any_api
    headers: dict[str, Any] = api.staff() | {"If-Match": value.encode()}
    r = api.client.post("/unions/U1/procedures/founding", json=request_body(), headers=headers)
    problem = refused(r)
    assert problem["fields"] == ["header.If-Match"]
    assert api.version("U1") == 1


def test_a_body_over_the_limit_is_413_before_parsing(any_api: Api, caplog: pytest.LogCaptureFixture) -> None:
    api = any_api
    caplog.set_level(logging.INFO, logger="unionflow.api")
    big = registration(name="x" * 2_000_000)
    r = api.post("/organisations", big, api.auth(*ADMIN) | {"X-Request-ID": "too-big-1"})
    problem = refused(r, 413)
    assert "1048576" in problem["detail"]
    # traced like any other answer: its request ID echoed, and one access line with its status
    assert r.headers["X-Request-ID"] == "too-big-1"
    assert [
        getattr(rec, "status", None) for rec in caplog.records if getattr(rec, "path", None) == "/organisations"
    ] == [413]

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        yield b'{"name": "'
        for _ in range(300):
            yield b"x" * 10_000
        yield b'"}'

    streamed = api.client.post(
        "/organisations", content=chunks(), headers=api.auth(*ADMIN) | {"content-type": "application/json"}
    )
    refused(streamed, 413)
    assert streamed.headers["X-Request-ID"]


def test_a_web_forms_odd_version_is_a_4xx(any_api: Api) -> None:
    api = any_api
    api.web_sign_in("staff", "U1")
    form = api.client.get("/ui/unions/U1/record/congresses")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    posted = {"csrf": csrf.group(1), "occurred_on": "2024-03-01", "present": "10", "agenda": "年度大会"}
    for odd in ("²", "٣", "9" * 5000):
        r = api.client.post("/ui/unions/U1/record/congresses", data=posted | {"expected_version": odd})
        assert 400 <= r.status_code < 500, (odd, r.status_code)
    assert api.version("U1") == 1
