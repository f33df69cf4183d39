"""How a page is answered: its template rendered with the words of the person's language and
the headers every page carries, or a redirect."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.requests import STEP_REQUESTS
from api.runtime import Runtime
from api.web import forms, i18n
from api.web.display import alert_action, value_text
from api.web.wording import wording

HERE = Path(__file__).parent
STATIC_VERSION = "1"

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["alert_action"] = alert_action
templates.env.filters["v"] = value_text
templates.env.filters["reject_evidence"] = lambda d: {k: v for k, v in d.items() if k != "evidence"}
templates.env.globals["STEP_REQUESTS"] = STEP_REQUESTS
templates.env.globals["people_options"] = forms.people_options

# Pages hold personal data and forms: not cached, not framed by another site (clickjacking), and
# nothing loaded or posted from elsewhere.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
}


def runtime_of(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def lang_of(request: Request) -> str:
    return i18n.pick_lang(request.cookies.get(i18n.LANG_COOKIE))


def translator_of(request: Request) -> Callable[..., str]:
    return i18n.translator(lang_of(request))


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200, user: Any = None
) -> HTMLResponse:
    lang = lang_of(request)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    ctx = {
        "t": wording(lang, runtime_of(request)),
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "user": user,
        "csrf": user.session.csrf if user is not None else "",
        "here": path,
        "static_version": STATIC_VERSION,
        "today": runtime_of(request).service.clock(),
    } | context
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    response.headers.update(PAGE_HEADERS)
    return response


def message(
    request: Request, title_key: str, *, message_key: str = "", text: str = "", status: int = 200, user: Any = None
) -> HTMLResponse:
    """A page that only says something: a message from the catalogue (`message_key`) or a
    text as it came (`text`, for instance why a cursor or a filter was refused)."""
    context = {"title_key": title_key} | ({"message_key": message_key} if message_key else {"message": text})
    return render(request, "message.html", context, status=status, user=user)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
