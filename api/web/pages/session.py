"""Signing in and out, and the language of the pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.web import i18n, sessions
from api.web.access import posted, safe_next, session_table
from api.web.rendering import redirect, render, runtime_of

router = APIRouter(prefix="/ui", include_in_schema=False)


def _sign_in_form(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    """The sign-in page with a fresh double-submit token, in its cookie and in the form."""
    token = sessions.sign_in_csrf(request)
    response = render(request, "sign_in.html", context | {"sign_in_csrf": token}, status=status)
    sessions.set_sign_in_csrf(request, response, token)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/ui/", out: int = 0) -> Response:
    return _sign_in_form(request, {"next": safe_next(next), "signed_out": bool(out)})


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    target = safe_next(form.get("next"))
    if not sessions.csrf_matches(request.cookies.get(sessions.SIGN_IN_CSRF_COOKIE), form.get("csrf")):
        return _sign_in_form(request, {"next": target, "error_key": "csrf.bad"}, status=403)
    info = await run_in_threadpool(runtime_of(request).tokens.authenticate, form.get("token", "").strip())
    if info is None:
        return _sign_in_form(request, {"next": target, "error_key": "sign_in.bad"}, status=401)
    session = session_table(request).open(info)
    response = redirect(target)
    sessions.set_session_cookie(request, response, session)
    response.delete_cookie(sessions.SIGN_IN_CSRF_COOKIE, path=sessions.COOKIE_PATH)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request) -> Response:
    form = await posted(request)
    if isinstance(form, Response):
        return form
    user, _ = form
    session_table(request).close(user.session.session_id)
    response = redirect("/ui/sign-in?out=1")
    sessions.clear_session_cookie(request, response)
    return response


@router.get("/lang/{lang}", response_class=HTMLResponse)
def switch_language(request: Request, lang: str, next: str = "/ui/") -> Response:
    response = redirect(safe_next(next))
    response.set_cookie(
        i18n.LANG_COOKIE,
        i18n.pick_lang(lang),
        max_age=365 * 24 * 3600,
        path="/",
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response
