"""HTTP: an administrator brings in a union's existing term (ImportExistingTerm), and its staff record
the yearly congress held between elections (RecordCongress, R-ANNUAL / R-QUORUM)."""

from __future__ import annotations

from tests.e2e.conftest import Api


def test_import_a_term_then_record_a_congress(any_api: Api) -> None:
    api = any_api
    admin = api.auth("admin", "JA")
    r = api.post(
        "/unions/U1/imported-term",
        {"term_start": "2022-06-30", "term_years": 5, "chair": "王芳", "occurred_on": "2026-11-01"},
        api.staff("U1"),
    )
    assert r.status_code == 403 and r.json()["rule"] == "AUTH-ROLE"
    r = api.post(
        "/unions/U1/imported-term", {"term_start": "2022-06-30", "term_years": 4, "occurred_on": "2026-11-01"}, admin
    )
    assert r.status_code == 422 and r.json()["rule"] == "R-TERM"
    r = api.post(
        "/unions/U1/imported-term",
        {"term_start": "2022-06-30", "term_years": 5, "chair": "王芳", "occurred_on": "2026-11-01"},
        admin,
    )
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{api.version("U1")}"'
    union = api.client.get("/unions/U1", headers=api.staff("U1")).json()
    assert union["term"]["end"] == "2027-06-30" and union["chair"] == "王芳"

    body = {"due": 80, "present": 53, "agenda": "工会工作报告；经费审查报告", "occurred_on": "2023-06-20"}
    r = api.post("/unions/U1/congresses", body, api.staff("U1"))
    assert r.status_code == 422
    problem = r.json()
    assert problem["rule"] == "R-QUORUM" and "53 of 80" in problem["detail"]
    r = api.post("/unions/U1/congresses", body | {"present": 54}, api.staff("U1"))
    assert r.status_code == 201 and r.headers["Location"] == "/unions/U1"
    assert api.client.get("/unions/U1", headers=api.staff("U1")).json()["last_congress_on"] == "2023-06-20"
    r = api.post("/unions/U1/congresses", body | {"present": "many"}, api.staff("U1"))
    assert r.status_code == 422 and "present" in r.text
