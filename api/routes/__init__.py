"""The HTTP API's endpoints, one `APIRouter` per resource. `api.main.create_app` adds them all."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    alerts,
    audit,
    coverage,
    history,
    inbox,
    ops,
    organisations,
    procedures,
    regions,
    unions,
)

ROUTERS: tuple[APIRouter, ...] = (
    ops.router,
    organisations.router,
    regions.router,
    unions.router,
    procedures.router,
    inbox.router,
    alerts.router,
    coverage.router,
    history.router,
    audit.router,
)
