"""The HTTP API end to end (continued): reads at a past moment, the routes' other names and edges,
request ids and logs, readiness and OpenAPI, removals by the congress, and a read model rebuilt on
serve."""

from __future__ import annotations

import logging

import pytest

from tests.e2e.conftest import Api, drive, open_founding, request_body

PROBLEM = "application/problem+json"


def test_reads_as_of_a_business_date_and_a_recording_time(api: Api) -> None:
    pid = open_founding(api)
    drive(api, pid, 2)
    now = api.client.get(f"/procedures/{pid}", headers=api.staff()).json()
    assert now["state"] == "members_recruited"
    then = api.client.get(f"/procedures/{pid}", params={"as_of": "2019-01-08"}, headers=api.staff())
    assert then.json()["state"] == "requested"
    assert then.json()["allowed_steps"] is None
    assert "ETag" not in then.headers
    early = api.client.get(f"/procedures/{pid}", params={"recorded_at": "2000-01-01T00:00:00Z"}, headers=api.staff())
    assert early.status_code == 404  # nothing of it had been recorded by then
    bad = api.client.get(f"/procedures/{pid}", params={"as_of": "soon"}, headers=api.staff())
    assert bad.status_code == 422
    assert bad.json()["fields"] == ["query.as_of"]


def test_snake_case_step_names_work_too(api: Api) -> None:
    pid = open_founding(api)
    drive(api, pid, 1)
    body = {"members": 80, "female_members": 12, "employees": 120, "occurred_on": "2019-01-20"}
    assert api.step(pid, "record_members", body).status_code == 200


def test_procedure_kind_description_and_mermaid(api: Api) -> None:
    r = api.client.get("/procedure-kinds/founding")
    assert r.status_code == 200
    assert r.json()["initial"] == "requested"
    assert "stateDiagram" in r.json()["mermaid"]
    assert api.client.get("/procedure-kinds/nope").status_code == 404


def test_unknown_route_is_a_problem(api: Api) -> None:
    r = api.client.get("/nowhere")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM)


def test_request_id_is_echoed_or_generated_and_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="unionflow.api")
    r = api.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    generated = api.client.get("/health").headers["X-Request-ID"]
    assert len(generated) == 32
    assert any(getattr(rec, "path", None) == "/health" for rec in caplog.records)
    p = api.client.get("/unions/U1", headers={"X-Request-ID": "xyz"}).json()
    assert p["request_id"] == "xyz"


def test_a_bug_is_a_500_problem_with_the_request_id(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(api.rt.service, "execute", boom)
    r = api.post("/unions/U1/procedures/founding", request_body(), api.staff() | {"X-Request-ID": "r1"})
    assert r.status_code == 500
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.headers["X-Request-ID"] == "r1"
    assert "bug" not in r.text


def test_ready_and_openapi(api: Api) -> None:
    assert api.client.get("/ready").json()["status"] == "ready"
    doc = api.client.get("/openapi.json").json()
    schema = doc["components"]["schemas"]["HoldCongressRequest"]
    assert schema["examples"][0]["present"] == 54
    assert "/procedures/{procedure_id}/steps/hold-congress" in doc["paths"]
    assert "/procedures/{procedure_id}/steps/hold_congress" not in doc["paths"]


def test_json_log_lines_carry_the_request_id() -> None:
    import json

    from api.logs import JsonFormatter, RequestIdFilter, request_id_var

    record = logging.makeLogRecord({"name": "unionflow.api", "msg": "request", "levelno": 20, "levelname": "INFO"})
    record.__dict__["status"] = 201
    token = request_id_var.set("rid-1")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert (line["request_id"], line["status"], line["message"]) == ("rid-1", 201, "request")


def test_union_before_it_was_recorded_is_404(api: Api) -> None:
    r = api.client.get("/unions/U1", params={"recorded_at": "2000-01-01T00:00:00Z"}, headers=api.staff())
    assert r.status_code == 404
    assert api.client.get("/unions/U1", params={"as_of": "2018-06-01"}, headers=api.staff()).status_code == 200


def test_chair_removed_by_the_congress_needs_more_than_half_of_all_members_r_removal(api: Api) -> None:
    """The founding's members' meeting had 80 members: 40 yes is exactly half and refused, the
    problem naming R-REMOVAL and the numbers; 41 yes records the vacancy with the vote as evidence."""
    drive(api, open_founding(api))
    body = {"acting_chair": "钱", "reason": "会员大会罢免", "occurred_on": "2021-05-01"}
    refused = api.post("/unions/U1/procedures/by_election", body | {"removal": {"total": 80, "yes": 40}}, api.staff())
    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "R-REMOVAL"
    assert refused.json()["evidence"] == {"rule": "R-REMOVAL", "total": 80, "yes": 40, "needed": 41}
    assert api.client.get("/unions/U1", headers=api.staff()).json()["chair"] == "赵"
    opened = api.post("/unions/U1/procedures/by_election", body | {"removal": {"total": 80, "yes": 41}}, api.staff())
    assert opened.status_code == 201, opened.text
    history = api.client.get(f"{opened.headers['Location']}/history", headers=api.staff()).json()
    (first,) = [e for e in history["items"] if e["event_type"] == "ChairVacancyRecorded"]
    assert first["payload"]["removal"] == {"total": 80, "yes": 41}
    assert [e["rule"] for e in first["payload"]["evidence"]] == ["R-VACANCY", "R-REMOVAL"]


def test_vice_chair_removed_by_the_congress_r_removal(any_api: Api) -> None:
    """On SQLite and PostgreSQL: the founding elected 钱 vice-chair at a members' meeting of 80.
    40 yes is refused (R-REMOVAL) with nothing written; 41 yes empties the post, which the union and
    the register (read-your-writes) show at once, and a rebuild of the read models agrees."""
    from projections import Projections

    api = any_api
    drive(api, open_founding(api))
    body = {"vice_chair": "钱", "reason": "会员大会罢免", "occurred_on": "2021-05-01"}
    before = api.version("U1")
    refused = api.post("/unions/U1/vice-chair-removals", body | {"removal": {"total": 80, "yes": 40}}, api.staff())
    assert refused.status_code == 422, refused.text
    assert (refused.json()["rule"], refused.json()["evidence"]["needed"]) == ("R-REMOVAL", 41)
    assert api.version("U1") == before
    not_vice = api.post(
        "/unions/U1/vice-chair-removals",
        body | {"vice_chair": "赵", "removal": {"total": 80, "yes": 41}},
        api.staff(),
    )
    assert not_vice.status_code == 422 and "赵 is not a vice-chair" in not_vice.json()["detail"]
    by_auditor = api.post(
        "/unions/U1/vice-chair-removals", body | {"removal": {"total": 80, "yes": 41}}, api.auth("auditor", "JA")
    )
    assert by_auditor.status_code == 403
    done = api.post("/unions/U1/vice-chair-removals", body | {"removal": {"total": 80, "yes": 41}}, api.staff())
    assert done.status_code == 201, done.text
    union = api.client.get("/unions/U1", headers=api.staff()).json()
    assert (union["chair"], union["vice_chairs"]) == ("赵", [])
    (row,) = api.client.get("/organisations", params={"org": "U1"}, headers=api.staff()).json()["items"]
    assert (row["chair"], row["vice_chairs"]) == ("赵", [])
    history = api.client.get("/unions/U1/history", headers=api.staff()).json()["items"]
    (removed,) = [e for e in history if e["event_type"] == "ViceChairRemoved"]
    assert removed["payload"]["removal"] == {"total": 80, "yes": 41}
    assert removed["payload"]["evidence"][0]["congress"] == "the members' meeting"
    assert Projections(api.rt.engine).compare_with_rebuild().ok


def test_serve_rebuilds_a_read_model_built_by_older_logic(api: Api) -> None:
    """A register built by an older version of its logic (the live listener leaves it alone, so its
    rows go stale) is rebuilt when the server starts, as the schema is upgraded; a current one is not."""
    import sqlalchemy as sa

    from api.cli import rebuild_outdated
    from projections import Projections, schema

    drive(api, open_founding(api))
    engine = api.rt.engine
    with engine.begin() as conn:
        conn.execute(
            sa.update(schema.checkpoints).where(schema.checkpoints.c.name == "register").values(logic_version=1)
        )
        conn.execute(sa.update(schema.orgs).where(schema.orgs.c.org_id == "U1").values(vice_chairs='["旧"]'))
    assert [s.name for s in Projections(engine).status() if s.needs_rebuild] == ["register"]
    assert rebuild_outdated(api.rt) == ["register"]
    assert not any(s.needs_rebuild for s in Projections(engine).status())
    (row,) = api.client.get("/organisations", params={"org": "U1"}, headers=api.staff()).json()["items"]
    assert row["vice_chairs"] == ["钱"]
    assert rebuild_outdated(api.rt) == []
