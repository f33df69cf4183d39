"""The auditor's HTTP endpoints: GET /audit/verify checks the hash chains of an organisation's
streams (or its subtree's) against the database and names the first broken link; GET /audit/bundle
downloads the audit bundle, which verifies offline. Auditors and administrators of the organisation
or above only: other roles 403, organisations outside the caller's subtree 404. On SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import sqlalchemy as sa

from api.bundle import MANIFEST, verify_bundle
from api.problems import PROBLEM_JSON
from events import schema
from tests.e2e.conftest import BEFORE_CONGRESS, Api, drive, open_founding


def founded(api: Api) -> None:
    drive(api, open_founding(api), BEFORE_CONGRESS)


def edit_event(api: Api, **values: Any) -> None:
    """U1's third event changed in the table behind the store's back, its hash left as it was."""
    ev = schema.events.c
    with api.rt.engine.begin() as conn:
        conn.execute(sa.update(schema.events).where(ev.stream_id == "org-U1", ev.version == 3).values(**values))


def forge_document_no(api: Api) -> None:
    """U1's third event with a document number forged in its payload (江工发 → 假工发)."""
    edit_event(api, payload=sa.func.replace(schema.events.c.payload, "江工发", "假工发"))


def test_verify_a_union_and_a_subtree(any_api: Api) -> None:
    founded(any_api)
    r = any_api.client.get("/audit/verify", params={"org": "U1"}, headers=any_api.auth("auditor", "JA"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is True and body["broken"] is None
    assert (body["streams_checked"], body["events_checked"]) == (1, any_api.version("U1"))
    position, head = any_api.rt.store.head()
    assert body["log_head"] == {"position": position, "hash": head}

    r = any_api.client.get(
        "/audit/verify", params={"org": "HB", "subtree": "true"}, headers=any_api.auth("admin", "ACFTU")
    )
    assert r.status_code == 200, r.text
    # HB, WH, JA, QS and U1
    assert r.json()["streams_checked"] == 5 and r.json()["ok"] is True
    # The union's own auditor audits it too.
    assert (
        any_api.client.get("/audit/verify", params={"org": "U1"}, headers=any_api.auth("auditor", "U1")).status_code
        == 200
    )


def test_a_tampered_event_is_named(any_api: Api) -> None:
    founded(any_api)
    forge_document_no(any_api)
    r = any_api.client.get(
        "/audit/verify", params={"org": "JA", "subtree": "true"}, headers=any_api.auth("auditor", "JA")
    )
    assert r.status_code == 200
    broken = r.json()["broken"]
    assert r.json()["ok"] is False
    assert (broken["kind"], broken["stream_id"], broken["version"]) == ("edited", "org-U1", 3)

    # The bundle exported now carries the edit, and the offline check names it too.
    b = any_api.client.get("/audit/bundle", params={"org": "U1"}, headers=any_api.auth("auditor", "JA"))
    assert b.status_code == 200
    report = verify_bundle(io.BytesIO(b.content))
    assert report.broken is not None
    assert (report.broken.kind, report.broken.stream_id, report.broken.version) == ("edited", "org-U1", 3)


def test_download_the_bundle(any_api: Api) -> None:
    founded(any_api)
    r = any_api.client.get(
        "/audit/bundle", params={"org": "JA", "subtree": "true"}, headers=any_api.auth("auditor", "HB", "carol")
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"].startswith('attachment; filename="unionflow-audit-JA-subtree-')
    assert r.headers["x-bundle-sha256"] == hashlib.sha256(r.content).hexdigest()
    report = verify_bundle(io.BytesIO(r.content))
    assert report.ok, report.broken
    assert report.streams_checked == 2 and report.profiles_checked == 1
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    assert manifest["exported_by"] == {"person_id": "carol", "role": "auditor", "org_id": "HB"}
    assert r.headers["x-log-head"] == f"{manifest['log_head']['position']}:{manifest['log_head']['hash']}"


def test_who_may_audit(any_api: Api) -> None:
    for path in ("/audit/verify", "/audit/bundle"):
        for role, org in (("staff", "U1"), ("approver", "JA")):
            r = any_api.client.get(path, params={"org": "U1"}, headers=any_api.auth(role, org))
            assert r.status_code == 403, (path, role, r.text)
            assert r.headers["content-type"] == PROBLEM_JSON
            assert r.json()["rule"] == "AUTH-ROLE"
        # Outside the caller's subtree, or not there at all: the same 404.
        for org in ("U1", "NOPE"):
            r = any_api.client.get(path, params={"org": org}, headers=any_api.auth("auditor", "QS"))
            assert r.status_code == 404, (path, org, r.text)
            assert r.headers["content-type"] == PROBLEM_JSON
        r = any_api.client.get(path, headers=any_api.auth("auditor", "JA"))
        assert r.status_code == 422 and r.json()["fields"] == ["query.org"]
        assert any_api.client.get(path, params={"org": "U1"}).status_code == 401


def test_openapi_documents_the_problems(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ("/audit/verify", "/audit/bundle"):
        responses = paths[path]["get"]["responses"]
        for code in ("401", "403", "404", "422"):
            assert PROBLEM_JSON in responses[code]["content"], (path, code)
    assert "application/zip" in paths["/audit/bundle"]["get"]["responses"]["200"]["content"]
