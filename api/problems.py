"""Problem details (RFC 9457, ``application/problem+json``) for every error the API returns, in one
place: routes raise (a domain error, a store error, `ApiProblem`, `invalid`) and never build a
problem response themselves.

Domain refusals keep their rule ID and the numbers checked (``rule``, ``evidence``); store errors
say what the client can do (retry, reload). Anything else is a bug: logged with the request id and
answered with a bare 500 problem (`unexpected_error`, from the request-id middleware)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from events import ConcurrencyError, IdempotencyKeyReused, SchemaNotReady, StoreBusy, messages
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


class NotReady(Exception):
    """The database is unreachable or its schema not current (`GET /ready`)."""


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


def invalid(field: str, message: str) -> RequestValidationError:
    """A 422 naming the field, in the same shape as FastAPI's own validation errors."""
    return RequestValidationError([{"loc": tuple(field.split(".")), "msg": message, "type": "value_error"}])


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


# --------------------------------------------------------------------------- the one error map


@dataclass(frozen=True)
class ProblemKind:
    status: int
    slug: str
    title: str


# Most specific first: the first class the error is an instance of decides.
ERROR_MAP: list[tuple[type[Exception], ProblemKind]] = [
    (NotAuthorised, ProblemKind(403, "not-authorised", "Not authorised")),
    (NotFound, ProblemKind(404, "not-found", "Not found")),
    (RuleViolation, ProblemKind(422, "rule-violation", "Refused by a rule")),
    (StepOutOfOrder, ProblemKind(422, "step-out-of-order", "Step out of order")),
    (InvalidDate, ProblemKind(422, "invalid-date", "Invalid business date")),
    (DomainError, ProblemKind(422, "refused", "Refused")),
    (ProfileError, ProblemKind(422, "profile", "Unknown or invalid rule profile")),
    (ConcurrencyError, ProblemKind(409, "conflict", "Concurrent change")),
    (IdempotencyKeyReused, ProblemKind(409, "idempotency-key-reused", "Idempotency key already used")),
    (StoreBusy, ProblemKind(503, "store-busy", "Store busy")),
    (SchemaNotReady, ProblemKind(503, "schema-not-ready", "Schema not ready")),
    (NotReady, ProblemKind(503, "not-ready", "Not ready")),
]
_PRECONDITION_FAILED = ProblemKind(412, "precondition-failed", "The union changed since you read it")


def kind_of(exc: Exception) -> ProblemKind:
    for cls, kind in ERROR_MAP:
        if isinstance(exc, cls):
            return kind
    raise LookupError(f"{type(exc).__name__} is not in the error map")


def domain_status(exc: DomainError) -> int:
    """The HTTP status of a refusal, the same for the API and the web pages (AUTH-ROLE, AUTH-ORG
    and R-APPROVER refusals are 403; a rule's or a step's 422)."""
    return kind_of(exc).status


def asked_language(request: Request) -> str:
    """ "zh" when the caller's Accept-Language prefers Chinese to English, else "en" (the default)."""
    best, weight = "en", 0.0
    for entry in request.headers.get("accept-language", "").split(","):
        tag, _, params = entry.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and q > weight:
            best, weight = primary, q
    return best


def refusal_detail(request: Request, exc: DomainError) -> tuple[str, str]:
    """A refusal's detail in the caller's language (`asked_language`), and that language: the
    guard's own English, or the catalogue's Chinese with the evidence's numbers. Organisations
    stay by their id, as the evidence gives them: a name read here could belong to one outside
    the caller's subtree (a 404 must not tell that it exists)."""
    if asked_language(request) != "zh":
        return exc.message, "en"
    text = messages.refusal_text("zh", exc.rule_id, exc.case, exc.evidence)
    return (text, "zh") if text else (exc.message, "en")


def _mapped_problem(request: Request, exc: Exception) -> JSONResponse:
    """The problem of a mapped error, with what the client needs to act on it: the rule and its
    numbers for a refusal (its detail in the language the caller asks for), the current version
    (ETag) for a concurrent change, Retry-After for a busy store."""
    kind = kind_of(exc)
    if isinstance(exc, DomainError):
        # A refusal about one of the body's fields names it as a validation problem does.
        field = exc.evidence.get("field")
        named: dict[str, Any] = {"fields": [f"body.{field}"]} if isinstance(field, str) else {}
        detail, lang = refusal_detail(request, exc)
        told = {"Content-Language": lang, "Vary": "Accept-Language"}
        return problem(
            *_parts(kind), detail, request=request, headers=told, rule=exc.rule_id, evidence=exc.evidence, **named
        )
    if isinstance(exc, ConcurrencyError):
        return _concurrency_problem(request, exc, kind)
    headers = {"Retry-After": "1"} if isinstance(exc, StoreBusy | SchemaNotReady) else None
    detail = str(exc)
    if isinstance(exc, IdempotencyKeyReused):
        # The key may have been used on a union the caller cannot see: name neither it nor its stream.
        detail = "this Idempotency-Key was already used for a different request; use a new key for a new request"
    return problem(*_parts(kind), detail, request=request, headers=headers)


def _parts(kind: ProblemKind) -> tuple[int, str, str]:
    return kind.status, kind.slug, kind.title


def _concurrency_problem(request: Request, exc: ConcurrencyError, kind: ProblemKind) -> JSONResponse:
    """409, or 412 when the caller made the command conditional (`If-Match`): then the union moved
    on since they read it, and they reload and decide again."""
    detail = str(exc)
    if getattr(request.state, "if_match", None) is not None:
        kind = _PRECONDITION_FAILED
        detail = (
            f"If-Match was version {exc.expected_version}; the union is at version {exc.actual_version}: "
            "reload and decide again"
        )
    return problem(
        *_parts(kind),
        detail,
        request=request,
        headers={"ETag": f'"{exc.actual_version}"'},
        expected_version=exc.expected_version,
        actual_version=exc.actual_version,
    )


def nul_in_url(request: Request, where: str) -> JSONResponse:
    """PostgreSQL text cannot hold U+0000: a URL carrying one is refused at the edge, naming where."""
    message = "contains a NUL character (U+0000)"
    return problem(
        422,
        "validation",
        "The request is not valid",
        f"{where}: {message}",
        request=request,
        fields=[where],
        errors=[{"field": where, "message": message, "type": "nul_character"}],
    )


def unexpected_error(request: Request) -> JSONResponse:
    """A bug's answer: no detail of the bug, only the request id to find it in the log."""
    return problem(
        500, "about:blank", "Internal Server Error", "an unexpected error; it has been logged", request=request
    )


def install(app: FastAPI) -> None:
    """Register the exception handlers (the catch-all 500 lives in the request-id middleware, so
    even a bug's answer carries the request id)."""

    async def on_api_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiProblem)
        return problem(exc.status, exc.slug, exc.title, exc.detail, request=request, headers=exc.headers, **exc.extra)

    async def on_request_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation_problem(request, validation_errors(list(exc.errors())))

    async def on_mapped(request: Request, exc: Exception) -> JSONResponse:
        return _mapped_problem(request, exc)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        return problem(
            exc.status_code, "about:blank", _reason(exc.status_code), str(exc.detail), request=request, headers=headers
        )

    app.add_exception_handler(ApiProblem, on_api_problem)
    app.add_exception_handler(RequestValidationError, on_request_validation)
    for cls, _ in ERROR_MAP:
        app.add_exception_handler(cls, on_mapped)
    app.add_exception_handler(StarletteHTTPException, on_http)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
