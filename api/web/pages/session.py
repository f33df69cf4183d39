"""Signing in and out, and the language of the pages.

A person signs in with their person id and password (their account, `api.accounts`), or with a
bearer token (`unionflow token issue`), which scripts and the first administrator use. Failed
sign-ins are throttled per person id and per client address (`api.throttle`); while locked, no
password is checked and the page says how long to wait."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api import throttle
from api.accounts import Grant
from api.runtime import Runtime
from api.tokens import TokenInfo
from api.web import i18n, sessions
from api.web.access import posted, safe_next, session_table
from api.web.rendering import redirect, render, runtime_of

router = APIRouter(prefix="/ui", include_in_schema=False)


@dataclass(frozen=True)
class Attempt:
    """What a sign-in came to: who, as what (and with which token), or the refusal."""

    person_id: str = ""
    grant: Grant | None = None
    token: TokenInfo | None = None
    error_key: str = ""
    status: int = 200
    wait: int = 0  # seconds until the locked keys may try again


def _sign_in_form(request: Request, context: dict[str, Any], status: int = 200) -> Response:
    """The sign-in page with a fresh double-submit token, in its cookie and in the form."""
    token = sessions.sign_in_csrf(request)
    response = render(request, "sign_in.html", context | {"sign_in_csrf": token}, status=status)
    sessions.set_sign_in_csrf(request, response, token)
    return response


def _address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _locked(rt: Runtime, keys: list[str]) -> Attempt | None:
    wait = rt.throttle.locked_for(keys)
    return Attempt(error_key="sign_in.locked", status=429, wait=wait) if wait else None


def by_password(rt: Runtime, person_id: str, password: str, address: str) -> Attempt:
    person, where = throttle.person_key(person_id), throttle.address_key(address)
    locked = _locked(rt, [person, where])
    if locked is not None:
        return locked
    account = rt.accounts.check_password(person_id, password)
    if account is None or not account.grants:
        rt.throttle.failed([(person, throttle.PERSON), (where, throttle.ADDRESS)])
        return _locked(rt, [person, where]) or Attempt(error_key="sign_in.bad_password", status=401)
    rt.throttle.succeeded(person)
    return Attempt(account.person_id, account.grants[0])


def by_token(rt: Runtime, token: str, address: str) -> Attempt:
    where = throttle.address_key(address)
    locked = _locked(rt, [where])
    if locked is not None:
        return locked
    info = rt.tokens.authenticate(token)
    if info is None:
        rt.throttle.failed([(where, throttle.ADDRESS)])
        return _locked(rt, [where]) or Attempt(error_key="sign_in.bad", status=401)
    return Attempt(info.person_id, Grant(info.role, info.org_id), info)


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
    rt = runtime_of(request)
    person_id, token = form.get("person_id", "").strip(), form.get("token", "").strip()
    if token and not person_id:
        attempt = await run_in_threadpool(by_token, rt, token, _address(request))
    else:
        attempt = await run_in_threadpool(by_password, rt, person_id, form.get("password", ""), _address(request))
    if attempt.grant is None:
        context = {"next": target, "error_key": attempt.error_key, "wait": attempt.wait, "person_id": person_id}
        refused = _sign_in_form(request, context, status=attempt.status)
        if attempt.wait:
            refused.headers["Retry-After"] = str(attempt.wait)
        return refused
    opened = await run_in_threadpool(
        session_table(request).open,
        attempt.person_id,
        attempt.grant,
        token=attempt.token,
        replacing=request.cookies.get(sessions.SESSION_COOKIE),
    )
    response = redirect(target)
    sessions.set_session_cookie(request, response, opened)
    response.delete_cookie(sessions.SIGN_IN_CSRF_COOKIE, path=sessions.COOKIE_PATH)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request) -> Response:
    user, _ = await posted(request)
    await run_in_threadpool(session_table(request).close, user.session.session_id)
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
