"""The administrators' accounts page: the accounts within their subtree (every role of the account
at an organisation at or below theirs), opening one, disabling one, setting its password.

An account with a role outside the administrator's subtree is not theirs: it is not listed, and a
form posted for it answers 404 exactly as for a person id that has no account. Every change is
recorded in the accounts' log with the administrator's person id (`api.accounts`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.accounts import Account, AccountError, checked_grant
from api.deps import is_readable
from api.runtime import Runtime
from api.tokens import ROLES
from api.web.access import PageNotFound, SignedInUser, posted
from api.web.rendering import redirect, render, runtime_of
from api.web.sessions import SignedIn
from workflow.authority import Actor

router = APIRouter(prefix="/ui", include_in_schema=False)
DONE = ("added", "disabled", "password")


def _admin(user: SignedIn) -> Actor:
    if user.actor.role != "admin":
        raise PageNotFound()  # not a page for them: as if there were none
    return user.actor


def _within(rt: Runtime, admin: Actor, account: Account) -> bool:
    with rt.engine.connect() as conn:
        return bool(account.grants) and all(is_readable(conn, admin, g.org_id) for g in account.grants)


def _theirs(rt: Runtime, admin: Actor) -> list[Account]:
    return [a for a in rt.accounts.all() if _within(rt, admin, a)]


def _page(request: Request, user: SignedIn, extra: dict[str, Any], status: int = 200) -> Response:
    rt = runtime_of(request)
    accounts = _theirs(rt, _admin(user))
    context = {"accounts": accounts, "roles": ROLES, "form": {}, "error": ""} | extra
    return render(request, "accounts.html", context, status=status, user=user)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(request: Request, user: SignedInUser, done: str = "") -> Response:
    return _page(request, user, {"done": done if done in DONE else ""})


def _add(rt: Runtime, admin: Actor, form: dict[str, str]) -> str:
    """'' when the account was opened, else why not."""
    try:
        grant = checked_grant(form.get("role", ""), form.get("org_id", "").strip())
    except AccountError as exc:
        return str(exc)
    with rt.engine.connect() as conn:
        if not is_readable(conn, admin, grant.org_id):
            return f"no organisation {grant.org_id}"  # outside the subtree: as if it did not exist
    try:
        rt.accounts.add(
            form.get("person_id", ""), form.get("name", ""), [grant], form.get("password", ""), by=admin.person_id
        )
    except AccountError as exc:
        return str(exc)
    return ""


@router.post("/accounts", response_class=HTMLResponse)
async def add_account(request: Request) -> Response:
    user, form = await posted(request)
    error = await run_in_threadpool(_add, runtime_of(request), _admin(user), form)
    if error:
        shown = {k: v for k, v in form.items() if k in ("person_id", "name", "role", "org_id")}
        return await run_in_threadpool(_page, request, user, {"form": shown, "error": error}, 422)
    return redirect("/ui/accounts?done=added")


def _account_of(rt: Runtime, admin: Actor, person_id: str) -> Account:
    account = rt.accounts.get(person_id)
    if account is None or not _within(rt, admin, account):
        raise PageNotFound()
    return account


@router.post("/accounts/{person_id}/disable", response_class=HTMLResponse)
async def disable_account(request: Request, person_id: str) -> Response:
    user, _ = await posted(request)
    rt, admin = runtime_of(request), _admin(user)
    await run_in_threadpool(_account_of, rt, admin, person_id)
    await run_in_threadpool(rt.accounts.disable, person_id, by=admin.person_id)
    return redirect("/ui/accounts?done=disabled")


@router.post("/accounts/{person_id}/password", response_class=HTMLResponse)
async def set_password(request: Request, person_id: str) -> Response:
    user, form = await posted(request)
    rt, admin = runtime_of(request), _admin(user)
    await run_in_threadpool(_account_of, rt, admin, person_id)
    try:
        await run_in_threadpool(rt.accounts.set_password, person_id, form.get("password", ""), by=admin.person_id)
    except AccountError as exc:
        return await run_in_threadpool(_page, request, user, {"error": f"{person_id}: {exc}"}, 422)
    return redirect("/ui/accounts?done=password")
