"""The HTTP application (FastAPI). Built by `create_app`, never at import time, so tests and the
CLI choose the database."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from api.runtime import Runtime


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="unionflow",
        version="0.1.0",
        description="Founding (建会) and re-election on term (换届) of grassroots trade unions, "
        "as event-sourced procedures.",
    )
    app.state.runtime = runtime

    @app.get("/health", tags=["operations"], summary="The process is up")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/ready", tags=["operations"], summary="The database is reachable and its schema current")
    def ready() -> Any:
        problem = runtime.readiness_problem()
        if problem:
            return JSONResponse(
                {"type": "about:blank", "title": "Not ready", "status": 503, "detail": problem},
                status_code=503,
                media_type="application/problem+json",
            )
        return {
            "status": "ready",
            "database": runtime.engine.dialect.name,
            "log_position": runtime.store.last_position(),
        }

    return app
