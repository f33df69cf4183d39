"""Outside the caller's subtree every command answers exactly as for an organisation that does not
exist (issue 20, point 5; `api.deps.readable_scope`, the one scoping rule): with or without
If-Match (no 412 carrying the union's version), whoever the caller is (no 403 telling an existing
union from a missing one), for a procedure's steps and a union's records, for a registration under
another subtree's organisation; and an Idempotency-Key reused across unions does not name the
other union's stream. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Api, open_founding, register_union, request_body
from tests.e2e.reads_support import PROBLEM

WITHDRAW = {"reason": "撤回", "occurred_on": "2020-01-01"}
APPROVE = {"document_no": "硚工发〔2020〕1号", "occurred_on": "2020-01-01"}
CONGRESS = {"present": 10, "agenda": "年度大会", "occurred_on": "2020-01-01"}


def same_as_missing(hidden: Any, missing: Any, hidden_id: str) -> None:
    """The answer about `hidden_id` is the answer about NOPE, the ids aside."""
    assert (hidden.status_code, missing.status_code) == (404, 404), (hidden.text, missing.text)
    assert hidden.headers["content-type"].startswith(PROBLEM)
    assert "etag" not in hidden.headers
    strip = {"instance", "request_id"}
    a = {k: v for k, v in hidden.json().items() if k not in strip}
    b = {k: v for k, v in missing.json().items() if k not in strip}
    assert str(a).replace(hidden_id, "X") == str(b).replace("NOPE", "X")


OUTSIDERS = [("staff", "U2"), ("approver", "QS"), ("admin", "QS"), ("auditor", "GD"), ("approver", "GD")]


@pytest.mark.parametrize(("role", "org"), OUTSIDERS)
@pytest.mark.parametrize("if_match", [None, '"1"', '"2"', '"999"'])
def test_a_step_on_another_subtrees_procedure_answers_as_missing(
    any_api: Api, role: str, org: str, if_match: str | None
) -> None:
    api = any_api
    register_union(api.rt, "U2", "U2 工会")
    pid = open_founding(api)
    headers = api.auth(role, org) | ({"If-Match": if_match} if if_match else {})
    for step, body in (("withdraw", WITHDRAW), ("approve", APPROVE)):
        hidden = api.step(pid, step, body, headers)
        missing = api.step("NOPE:founding-1", step, body, headers)
        same_as_missing(hidden, missing, "U1")
    assert api.version("U1") == 2


@pytest.mark.parametrize(("role", "org"), OUTSIDERS)
@pytest.mark.parametrize("if_match", [None, '"1"', '"7"'])
def test_a_record_on_another_subtrees_union_answers_as_missing(
    any_api: Api, role: str, org: str, if_match: str | None
) -> None:
    api = any_api
    register_union(api.rt, "U2", "U2 工会")
    headers = api.auth(role, org) | ({"If-Match": if_match} if if_match else {})
    hidden = api.post("/unions/U1/congresses", CONGRESS, headers)
    missing = api.post("/unions/NOPE/congresses", CONGRESS, headers)
    same_as_missing(hidden, missing, "U1")
    opened = api.post("/unions/U1/procedures/dissolution", {"occurred_on": "2020-01-01"}, headers)
    assert opened.status_code in (404, 422)
    assert api.version("U1") == 1


def test_registering_below_another_subtrees_organisation_answers_as_a_missing_parent(any_api: Api) -> None:
    api = any_api
    admin_qs = api.auth("admin", "QS")
    body = {"name": "某工会", "level": "township", "occurred_on": "2020-01-01"}
    hidden = api.post("/organisations", body | {"org_id": "T9", "parent_id": "JA"}, admin_qs)
    missing = api.post("/organisations", body | {"org_id": "T9", "parent_id": "NOPE"}, admin_qs)
    same_as_missing(hidden, missing, "JA")


def test_an_id_taken_anywhere_is_refused_alike_without_saying_where(any_api: Api) -> None:
    """Organisation ids are one namespace: an id taken cannot be registered again, and the refusal
    is the same for an id in the caller's subtree and one outside it (no place, no version)."""
    api = any_api
    admin_ja = api.auth("admin", "JA")
    body = {"name": "某工会", "level": "township", "parent_id": "JA", "occurred_on": "2020-01-01"}
    inside = api.post("/organisations", body | {"org_id": "U1"}, admin_ja)
    outside = api.post("/organisations", body | {"org_id": "GD"}, admin_ja)
    assert inside.status_code == outside.status_code == 422
    assert inside.json()["rule"] == outside.json()["rule"] == "ORG-EXISTS"
    assert "etag" not in outside.headers and "version" not in str(outside.json())
    assert str(outside.json()["detail"]).replace("GD", "X") == str(inside.json()["detail"]).replace("U1", "X")


def test_an_idempotency_key_reused_on_another_union_does_not_name_it(any_api: Api) -> None:
    api = any_api
    register_union(api.rt, "U2", "U2 工会")
    key = {"Idempotency-Key": "k-1"}
    first = api.post("/unions/U1/procedures/founding", request_body(), api.staff("U1") | key)
    assert first.status_code == 201, first.text
    reused = api.post("/unions/U2/procedures/founding", request_body(), api.staff("U2") | key)
    assert reused.status_code == 409 and reused.headers["content-type"].startswith(PROBLEM)
    assert "U1" not in reused.text and "org-" not in reused.text
