"""Security headers on the API's answers (issue 20): `nosniff` on every answer, `no-store` on every
answer to a caller who presented a token, whatever the outcome."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Api


@pytest.mark.parametrize(
    ("path", "status"),
    [("/unions/U1", 200), ("/unions/NO-SUCH", 404), ("/alerts?as_of=not-a-date", 422), ("/inbox", 200)],
)
def test_answers_to_a_token_are_not_stored_nor_sniffed(api: Api, path: str, status: int) -> None:
    headers = api.staff("U1") if path != "/inbox" else api.approver()
    r = api.client.get(path, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"


def test_a_refused_token_is_not_stored_either(api: Api) -> None:
    r = api.client.get("/unions/U1", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert (r.headers["X-Content-Type-Options"], r.headers["Cache-Control"]) == ("nosniff", "no-store")


def test_public_answers_are_not_sniffed(api: Api) -> None:
    r = api.client.get("/health")
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" not in r.headers.get("Cache-Control", "")
