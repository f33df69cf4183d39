"""What the read endpoints' tests share: the workflow harness on the api's runtime, a list read
page by page, and the shape of a 404 and a 422 (the data they read is the `seeded` fixture of
tests/e2e/conftest.py)."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.conftest import Api

PROBLEM = "application/problem+json"
JA_UNIONS = ["U1", "U2", "U3", *(f"P{i:02d}" for i in range(10))]


def get(api: Api, path: str, headers: dict[str, str], **params: Any) -> Any:
    return api.client.get(path, params=params, headers=headers)


def all_pages(api: Api, path: str, headers: dict[str, str], **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every item of a list, following `next_cursor`; checks the Link header on the way."""
    items: list[dict[str, Any]] = []
    pages = 0
    cursor: str | None = None
    while True:
        r = get(api, path, headers, **params, **({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200, r.text
        body = r.json()
        pages += 1
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            assert "Link" not in r.headers
            return items, pages
        link = re.fullmatch(r'<([^>]+)>; rel="next"', r.headers["Link"])
        assert link is not None and "cursor=" in link.group(1)
        assert len(body["items"]) == params["limit"]


def assert_404_like_missing(api: Api, path: str, headers: dict[str, str], outside: str, **params: Any) -> None:
    """An organisation outside the subtree answers exactly as one that does not exist."""
    hidden = get(api, path, headers, **params, org=outside)
    missing = get(api, path, headers, **params, org="NOPE")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.headers["content-type"].startswith(PROBLEM)
    assert hidden.json()["detail"].replace(outside, "X") == missing.json()["detail"].replace("NOPE", "X")
    assert hidden.json().keys() == missing.json().keys()


def fields_of(r: Any) -> list[str]:
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    fields: list[str] = r.json()["fields"]
    return fields
