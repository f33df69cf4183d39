"""RFC 9457 problem details as the OpenAPI document describes them: the `Problem` model and the
`responses=` entries of each route, with an example per status. The answers themselves are built
in one place, `api.problems`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from api.problems import PROBLEM_JSON


class Problem(BaseModel):
    """RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    rule: str | None = None
    evidence: dict[str, Any] | None = None


PROBLEM_EXAMPLES: dict[int, dict[str, Any]] = {
    401: {
        "type": "https://unionflow.example/problems/unauthenticated",
        "title": "Authentication required",
        "status": 401,
        "detail": "a bearer token is required (Authorization: Bearer ...)",
    },
    403: {
        "type": "https://unionflow.example/problems/not-authorised",
        "title": "Not authorised",
        "status": 403,
        "detail": "staff have no inbox: filings wait on the higher-level union's approvers",
        "rule": "AUTH-ROLE",
        "evidence": {"role": "staff", "needed": "approver, auditor or admin"},
    },
    404: {
        "type": "https://unionflow.example/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no organisation GD",
        "rule": "NOT-FOUND",
        "evidence": {"org_id": "GD"},
    },
    409: {
        "type": "https://unionflow.example/problems/conflict",
        "title": "Concurrent change",
        "status": 409,
        "detail": "stream 'org-U1' is at version 8, expected 7: it was changed by someone else; reload and retry",
        "expected_version": 7,
        "actual_version": 8,
    },
    412: {
        "type": "https://unionflow.example/problems/precondition-failed",
        "title": "The union changed since you read it",
        "status": 412,
        "detail": "If-Match was version 7; the union is at version 8: reload and decide again",
        "expected_version": 7,
        "actual_version": 8,
    },
    422: {
        "type": "https://unionflow.example/problems/validation",
        "title": "The request is not valid",
        "status": 422,
        "detail": "query.cursor: not a cursor from this API",
        "fields": ["query.cursor"],
        "errors": [{"field": "query.cursor", "message": "not a cursor from this API", "type": "value_error"}],
    },
    503: {
        "type": "https://unionflow.example/problems/store-busy",
        "title": "Store busy",
        "status": 503,
        "detail": "the database is busy: retry",
    },
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries of these statuses: the `Problem` schema under the media type
    actually sent (`model` registers the component), with an example where there is one."""
    ref = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {
            "model": Problem,
            "content": {
                PROBLEM_JSON: {"schema": ref}
                | ({"example": PROBLEM_EXAMPLES[code]} if code in PROBLEM_EXAMPLES else {})
            },
        }
        for code in codes
    }


COMMAND_PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 422, 503)
READ_PROBLEMS = problem_responses(401, 404, 422, 503)
ROLE_READ_PROBLEMS = problem_responses(401, 403, 404, 422, 503)


def example_response(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """A 200 answer documented by an example (for bodies without a response model)."""
    return {200: {"description": description, "content": {"application/json": {"example": example}}}}
