"""The HTTP application (FastAPI), built by `create_app`, never at import time, so tests and the
CLI choose the database (the `Runtime`, opened and closed by them: the app has nothing of its own
to start or stop).

What the app adds around the routes (`api.routes`): every response carries `X-Request-ID` (echoed,
or generated) and one JSON log line; a URL with a NUL character is refused at the edge; a query
parameter an endpoint does not take is refused (`api.query`); errors are problem details
(`api.problems`), a bug's included."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute

from api import docs
from api.body_limit import BodyLimit
from api.logs import request_id_var
from api.problems import install, nul_in_url, unexpected_error
from api.query import only_known_query
from api.routes import ROUTERS
from api.runtime import Runtime
from api.settings import Settings
from api.web.routes import install as install_web_pages

log = logging.getLogger("unionflow.api")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# What `include_router` copied from each route before FastAPI 0.137 (see `_add_routes`).
_ROUTE_OPTIONS = (
    "response_model",
    "status_code",
    "tags",
    "dependencies",
    "summary",
    "description",
    "response_description",
    "responses",
    "deprecated",
    "methods",
    "operation_id",
    "include_in_schema",
    "response_class",
    "name",
    "callbacks",
    "openapi_extra",
    "generate_unique_id_function",
)


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's endpoints as the app's own routes, each with the app's dependencies (the query
    check). Since FastAPI 0.137 `include_router` keeps a router as one node of `app.routes`; the
    authorisation matrix (tests/e2e) and the demo's links read `app.routes` as the endpoints."""
    for route in router.routes:
        assert isinstance(route, APIRoute), route
        app.router.add_api_route(
            route.path, route.endpoint, **{option: getattr(route, option) for option in _ROUTE_OPTIONS}
        )


def _nul_in_url(request: Request) -> str | None:
    """Where the URL carries a NUL character (the path, or a query parameter by name), if it does."""
    if "\x00" in request.scope.get("path", ""):
        return "path"
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            return f"query.{name.replace(chr(0), '?')}"
    return None


async def _served(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """The route's answer, or a 500 problem for a bug (logged, with the request id)."""
    try:
        return await call_next(request)
    except Exception:
        log.exception("unhandled error", extra={"method": request.method, "path": request.url.path})
        return unexpected_error(request)


async def request_id_and_errors(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    given = request.headers.get("x-request-id", "")
    request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    request.state.request_id = request_id
    token = request_id_var.set(request_id)
    try:
        nul = _nul_in_url(request)
        if nul is not None:
            # PostgreSQL text cannot hold U+0000: refuse it at the edge, naming where it was.
            refused = nul_in_url(request, nul)
            refused.headers["X-Request-ID"] = request_id
            return refused
        started = time.perf_counter()
        response = await _served(request, call_next)
        response.headers["X-Request-ID"] = request_id
        _security_headers(request, response)
        log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.url.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "token_id": getattr(request.state, "token_id", None),
            },
        )
        return response
    finally:
        request_id_var.reset(token)


def _security_headers(request: Request, response: Response) -> None:
    # A browser must not guess a JSON answer to be HTML or script; an answer given to a bearer of a
    # token holds personal data that no cache between may keep.
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if "authorization" in request.headers or getattr(request.state, "token_id", None) is not None:
        response.headers.setdefault("Cache-Control", "no-store")


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="unionflow",
        version="0.1.0",
        description="Founding (建会) and re-election on term (换届) of grassroots trade unions, "
        "as event-sourced procedures. Errors are RFC 9457 problem details; refusals name the rule "
        "(RULES.md ID) and the numbers checked.",
        dependencies=[Depends(only_known_query)],
        docs_url=None,  # served from the package by `api.docs`, not from a CDN
        redoc_url=None,
    )
    app.state.runtime = runtime
    install(app)
    app.middleware("http")(request_id_and_errors)
    # Added last, so outermost: an oversized body is refused before any other middleware reads it.
    app.add_middleware(BodyLimit, limit=Settings().max_body_bytes)
    for router in ROUTERS:
        _add_routes(app, router)
    docs.install(app)
    install_web_pages(app)  # the pages under /ui; "/" redirects there
    return app


def served_app() -> FastAPI:
    """The app each worker process of `unionflow serve --workers N` builds for itself (uvicorn's
    factory, `api.main:served_app`): its own runtime on the database of the settings
    ($UNIONFLOW_DATABASE_URL, which `serve` sets). The workers share nothing but the database, which
    holds everything they must agree on: the log, the read models, tokens, accounts, sessions and
    the sign-in throttle."""
    from api.logs import configure_logging

    configure_logging()
    return create_app(Runtime.open())
