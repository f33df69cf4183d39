"""`GET /audit/verify?expect_head=POSITION:HASH` (issue 20, anchors): the whole log checked against an
anchor kept outside the database, by the root organisation's auditors."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api
from tests.e2e.test_audit_http import edit_event, forge_document_no, founded
from tests.integration.test_tamper import rechain


def _anchor(api: Api) -> str:
    position, log_hash = api.rt.store.head()
    return f"{position}:{log_hash}"


def _verify(api: Api, anchor: str, org: str = "ACFTU") -> object:
    return api.client.get(
        "/audit/verify", params={"org": "U1", "expect_head": anchor}, headers=api.auth("auditor", org)
    )


def test_the_log_matches_the_anchor_while_intact(any_api: Api) -> None:
    founded(any_api)
    r = _verify(any_api, _anchor(any_api))
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["ok"] is True and body["anchor"]["ok"] is True


def test_a_consistent_rewrite_is_caught_by_the_anchor(any_api: Api) -> None:
    founded(any_api)
    anchor = _anchor(any_api)
    forge_document_no(any_api)
    rechain(any_api.rt.engine)
    r = _verify(any_api, anchor)
    body = r.json()  # type: ignore[attr-defined]
    assert body["broken"] is None  # the chains are consistent in themselves
    assert body["ok"] is False
    assert body["anchor"]["broken"]["kind"] == "log-head"


def test_only_the_roots_auditors_check_the_whole_log(any_api: Api) -> None:
    founded(any_api)
    r = _verify(any_api, _anchor(any_api), org="JA")
    assert r.status_code == 403  # type: ignore[attr-defined]


@pytest.mark.parametrize("anchor", ["garbage", "1:" + "g" * 64, "12", "1:" + "a" * 63, "x" * 101])
def test_a_malformed_anchor_is_422_naming_the_parameter(any_api: Api, anchor: str) -> None:
    r = _verify(any_api, anchor)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "expect_head" in r.text  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", [None, "U1:founding-9"])
def test_an_edited_procedure_id_column_is_caught(any_api: Api, value: str | None) -> None:
    """The events' procedure_id column is not hashed (it repeats the hashed payload's field for the
    read side), so the check compares it with the payload: an edit would misfile the event."""
    founded(any_api)
    edit_event(any_api, procedure_id=value)
    broken = any_api.rt.store.verify().broken
    assert broken is not None
    assert (broken.kind, broken.stream_id, broken.version) == ("edited", "org-U1", 3)
    assert "procedure_id" in broken.detail
    r = any_api.client.get("/audit/verify", params={"org": "U1"}, headers=any_api.auth("auditor", "JA"))
    assert r.json()["broken"]["kind"] == "edited"
