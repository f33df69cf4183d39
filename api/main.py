"""The HTTP application (FastAPI), built by `create_app`, never at import time, so tests and the
CLI choose the database (the `Runtime`, opened and closed by them: the app has nothing of its own
to start or stop).

What the app adds around the routes (`api.routes`): every response carries `X-Request-ID` (echoed,
or generated) and one JSON log line; a URL with a NUL character is refused at the edge; a query
parameter an endpoint does not take is refused (`api.query`); errors are problem details
(`api.problems`), a bug's included."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute

from api import docs
from api.body_limit import BodyLimit
from api.edge import RequestIdAndErrors
from api.problems import install
from api.query import only_known_query
from api.routes import ROUTERS
from api.runtime import Runtime
from api.settings import Settings
from api.web.routes import install as install_web_pages

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


def _route_threads(threads: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """The app's lifespan: the size of the thread pool of the event loop it runs on."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


def create_app(runtime: Runtime) -> FastAPI:
    settings = Settings()
    app = FastAPI(
        lifespan=_route_threads(settings.route_threads),
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
    # An oversized body is refused before anything reads it; the request-ID middleware, added last
    # and so outermost, reads no body, and gives that refusal its X-Request-ID and access line too.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestIdAndErrors)
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
    return settled(create_app(Runtime.open()))


def settled(app: FastAPI) -> FastAPI:
    """A served app, its start-up objects moved out of the garbage collector's sight. What the
    process built to serve (the app and its routes' models, the event catalogue, the profiles, the
    imported modules) lives as long as it does; left in the oldest generation, every full
    collection walked all of it, pausing each request in flight in that process. Only for a
    process that serves: in a test process the apps are many and would never be freed."""
    gc.collect()
    gc.freeze()
    return app
