"""Problem details (RFC 9457, ``application/problem+json``) for every error the API returns.

Domain refusals keep their rule ID and the numbers checked (``rule``, ``evidence``); store errors
say what the client can do (retry, reload). Anything else is a bug: logged with the request id and
answered with a bare 500 problem."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from events import ConcurrencyError, IdempotencyKeyReused, SchemaNotReady, StoreBusy
from workflow.errors import DomainError, InvalidDate, NotAuthorised, NotFound, RuleViolation, StepOutOfOrder
from workflow.profile import ProfileError

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://unionflow.example/problems/"

log = logging.getLogger("unionflow.api")


class ApiProblem(Exception):
    """A problem the api layer itself raises (authentication, a bad header, a stale If-Match)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    request: Request | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug != "about:blank" else slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = getattr(request.state, "request_id", None)
        if request_id:
            body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def unauthorised(detail: str, *, invalid: bool) -> ApiProblem:
    challenge = 'Bearer realm="unionflow"' + (', error="invalid_token"' if invalid else "")
    return ApiProblem(
        401, "unauthenticated", "Authentication required", detail, headers={"WWW-Authenticate": challenge}
    )


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def validation_errors(errors: list[Any]) -> list[dict[str, Any]]:
    return [{"field": _field(e.get("loc", ())), "message": e.get("msg", ""), "type": e.get("type", "")} for e in errors]


def _validation_problem(request: Request, errors: list[dict[str, Any]]) -> JSONResponse:
    fields = sorted({e["field"] for e in errors})
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:10])
    return problem(
        422,
        "validation",
        "The request is not valid",
        detail,
        request=request,
        fields=fields,
        errors=errors,
    )


_DOMAIN: list[tuple[type[DomainError], int, str, str]] = [
    (NotAuthorised, 403, "not-authorised", "Not authorised"),
    (NotFound, 404, "not-found", "Not found"),
    (RuleViolation, 422, "rule-violation", "Refused by a rule"),
    (StepOutOfOrder, 422, "step-out-of-order", "Step out of order"),
    (InvalidDate, 422, "invalid-date", "Invalid business date"),
]


def _domain_kind(exc: DomainError) -> tuple[int, str, str]:
    for cls, status, slug, title in _DOMAIN:
        if isinstance(exc, cls):
            return status, slug, title
    return 422, "refused", "Refused"


def domain_status(exc: DomainError) -> int:
    """The HTTP status of a refusal, the same for the API and the web pages (AUTH-ROLE, AUTH-ORG
    and R-APPROVER refusals are 403; a rule's or a step's 422)."""
    return _domain_kind(exc)[0]


def domain_problem(request: Request, exc: DomainError) -> JSONResponse:
    status, slug, title = _domain_kind(exc)
    return problem(status, slug, title, exc.message, request=request, rule=exc.rule_id, evidence=exc.evidence)


def install(app: FastAPI) -> None:
    """Register the exception handlers (the catch-all 500 lives in the request-id middleware, so
    even a bug's answer carries the request id)."""

    async def on_api_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiProblem)
        return problem(exc.status, exc.slug, exc.title, exc.detail, request=request, headers=exc.headers, **exc.extra)

    async def on_request_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation_problem(request, validation_errors(list(exc.errors())))

    async def on_domain(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        return domain_problem(request, exc)

    async def on_profile(request: Request, exc: Exception) -> JSONResponse:
        return problem(422, "profile", "Unknown or invalid rule profile", str(exc), request=request)

    async def on_concurrency(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ConcurrencyError)
        if getattr(request.state, "if_match", None) is not None:
            return problem(
                412,
                "precondition-failed",
                "The union changed since you read it",
                f"If-Match was version {exc.expected_version}; the union is at version {exc.actual_version}: "
                "reload and decide again",
                request=request,
                headers={"ETag": f'"{exc.actual_version}"'},
                expected_version=exc.expected_version,
                actual_version=exc.actual_version,
            )
        return problem(
            409,
            "conflict",
            "Concurrent change",
            str(exc),
            request=request,
            headers={"ETag": f'"{exc.actual_version}"'},
            expected_version=exc.expected_version,
            actual_version=exc.actual_version,
        )

    async def on_key_reused(request: Request, exc: Exception) -> JSONResponse:
        return problem(409, "idempotency-key-reused", "Idempotency key already used", str(exc), request=request)

    async def on_unavailable(request: Request, exc: Exception) -> JSONResponse:
        title = "Store busy" if isinstance(exc, StoreBusy) else "Schema not ready"
        slug = "store-busy" if isinstance(exc, StoreBusy) else "schema-not-ready"
        return problem(503, slug, title, str(exc), request=request, headers={"Retry-After": "1"})

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        return problem(
            exc.status_code, "about:blank", _reason(exc.status_code), str(exc.detail), request=request, headers=headers
        )

    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(ProfileError, on_profile)
    app.add_exception_handler(ConcurrencyError, on_concurrency)
    app.add_exception_handler(IdempotencyKeyReused, on_key_reused)
    app.add_exception_handler(StoreBusy, on_unavailable)
    app.add_exception_handler(SchemaNotReady, on_unavailable)
    app.add_exception_handler(StarletteHTTPException, on_http)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
