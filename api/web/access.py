"""Who is asking: the signed-in person (from the session cookie), what they may read, and the
CSRF check of what they post. A page never shows a union outside the person's subtree; it
answers as if the union were not there (the API's one rule, `api.deps.readable_scope`)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from api.deps import is_readable
from api.web import sessions
from api.web.rendering import runtime_of
from workflow.authority import Actor

_SAFE_NEXT = re.compile(r"^/ui(/[A-Za-z0-9._~:@!$&'()*+,;=%/-]*)?(\?[A-Za-z0-9._~:@!$&'()*+,;=%/?-]*)?$")


class SignInRequired(Exception):
    """No session (or it ended): the page answers with a redirect to the sign-in page."""


class PageNotFound(Exception):
    """Not there, or outside the person's subtree (the two are not told apart)."""


class FormRefused(Exception):
    """A form posted without this session's CSRF token: the page answers 403 and nothing is done."""

    def __init__(self, user: sessions.SignedIn) -> None:
        super().__init__("CSRF check failed")
        self.user = user


def session_table(request: Request) -> sessions.SessionTable:
    table: sessions.SessionTable = request.app.state.web_sessions
    return table


def safe_next(value: str | None) -> str:
    """A place under /ui to go back to (never another site: no scheme, no host, no //)."""
    if value and _SAFE_NEXT.match(value) and "//" not in value:
        return value
    return "/ui/"


def signed_in(request: Request) -> sessions.SignedIn:
    """The person whose session the request carries, or `SignInRequired`."""
    found = session_table(request).find(request.cookies.get(sessions.SESSION_COOKIE))
    if found is None:
        raise SignInRequired()
    return found


SignedInUser = Annotated[sessions.SignedIn, Depends(signed_in)]


def readable(request: Request, actor: Actor, org_id: str) -> None:
    """`PageNotFound` unless the union exists and lies in the person's subtree."""
    rt = runtime_of(request)
    with rt.engine.connect() as conn:
        may_read = is_readable(conn, actor, org_id)
    if not may_read or not rt.service.load(org_id).exists:
        raise PageNotFound()


async def posted(request: Request) -> tuple[sessions.SignedIn, dict[str, str]]:
    """The signed-in person and the posted form, after the CSRF check (`FormRefused` if it fails)."""
    user = await run_in_threadpool(signed_in, request)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    if not sessions.csrf_matches(user.session.csrf, form.get("csrf")):
        raise FormRefused(user)
    return user, form
