"""The web pages' wiring: the pages' routers (one per area, in `api.web.pages`) as one router
under /ui, their static files, the sessions (kept in the database, `sessions.SessionTable`), and
the pages' answers to a missing session (a redirect to sign in), to what is not there (a 404 page)
and to a form that fails the CSRF check (a 403 page)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.runtime import Runtime
from api.settings import Settings
from api.web import sessions
from api.web.access import FormRefused, PageNotFound, SignInRequired, safe_next, session_table
from api.web.pages import (
    accounts,
    alerts,
    audit,
    dashboard,
    exports,
    inbox,
    lists,
    printing,
    procedures,
    session,
    unions,
)
from api.web.rendering import HERE, message, redirect

router = APIRouter()
for _area in (dashboard, session, alerts, unions, procedures, inbox, audit, accounts):
    router.include_router(_area.router)
for _area in (lists, exports, printing):
    router.include_router(_area.router)


def install(app: FastAPI) -> None:
    """Mount the pages, their static files and their error pages on `app`."""
    runtime: Runtime = app.state.runtime
    settings = Settings()
    app.state.web_sessions = sessions.SessionTable.from_settings(runtime.engine, runtime.accounts, settings)
    app.state.cookie_secure = settings.cookie_secure
    app.state.late_entry_days = settings.late_entry_days
    app.mount("/ui/static", StaticFiles(directory=str(HERE / "static")), name="ui-static")
    app.include_router(router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return redirect("/ui/")

    async def on_sign_in_required(request: Request, exc: Exception) -> Response:
        # Back to the page asked for after signing in; a form posted without a session cannot be
        # replayed, so that goes back to the dashboard.
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        back = safe_next(here) if request.method == "GET" else "/ui/"
        return redirect(f"/ui/sign-in?{urlencode({'next': back})}")

    async def on_not_found(request: Request, exc: Exception) -> Response:
        user = session_table(request).find(request.cookies.get(sessions.SESSION_COOKIE))
        return message(request, "not_found", message_key="not_found.detail", status=404, user=user)

    async def on_form_refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, FormRefused)
        return message(request, "error", message_key="csrf.bad", status=403, user=exc.user)

    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(PageNotFound, on_not_found)
    app.add_exception_handler(FormRefused, on_form_refused)


__all__ = ["install", "router"]
