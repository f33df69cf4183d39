"""`unionflow token issue|list|revoke`: the HTTP API's bearer tokens, managed by whoever holds the
database (no token is needed to run these)."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from api.cli.common import DatabaseUrl, fail, ready_runtime

token_app = typer.Typer(
    help="Bearer tokens for the HTTP API. Run by whoever holds the database (no token needed): "
    "a token acts for one person, in one role, for one organisation.",
    no_args_is_help=True,
)


@token_app.command("issue")
def token_issue(
    person: Annotated[str, typer.Option(help="The person the token acts for.")],
    role: Annotated[str, typer.Option(help="staff, approver, auditor or admin.")],
    org: Annotated[str, typer.Option(help="The organisation the person acts for (must exist).")],
    days: Annotated[int, typer.Option(min=1, max=3660, help="Days until the token expires (at most ten years).")] = 90,
    note: Annotated[str, typer.Option(help="What the token is for (shown by `token list`).")] = "",
    bootstrap: Annotated[
        bool,
        typer.Option(
            "--bootstrap",
            help="First start only: an admin token for the root organisation before it exists "
            "(allowed only while the event log is empty; register the root with it, or with "
            "`unionflow org register-root`).",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Issue a bearer token and print it once (only its hash is stored). For a person with an account
    (`unionflow user add`), the token is the account's: one of its roles, refused once it is
    disabled; a person without one (a script's own identity) may hold tokens too."""
    from api.tokens import ROLES

    if role not in ROLES:
        raise fail(f"unknown role {role!r}; known: {', '.join(ROLES)}", 2)
    rt = ready_runtime(database_url)
    if not rt.service.load(org).exists:
        if not bootstrap:
            raise fail(f"no organisation {org}: register it first (or, on a fresh system, see --bootstrap)")
        if role != "admin":
            raise fail("--bootstrap issues an admin token only")
        if rt.store.last_position() > 0:
            raise fail("--bootstrap is for a fresh system: the event log is not empty")
    account = rt.accounts.get(person)
    if account is not None and not account.active:
        raise fail(f"the account {person} is disabled")
    if account is not None and f"{role}:{org}" not in map(str, account.grants):
        held = ", ".join(map(str, account.grants))
        raise fail(f"--role/--org: the account {person} holds {held}, not {role}:{org}")
    try:
        issued = rt.tokens.issue(person, role, org, days=days, note=note)
    except ValidationError as exc:  # the actor's bounds (workflow.bounds): a person id is a name
        error = exc.errors()[0]
        option = {"person_id": "--person", "org_id": "--org"}.get(str(error["loc"][0]), "--person")
        raise fail(f"{option}: {error['msg']}", 2) from None
    info = issued.info
    typer.echo(issued.token)
    typer.secho(
        f"token {info.token_id} for {info.person_id} as {info.role} of {info.org_id}, "
        f"expires {info.expires_at:%Y-%m-%d %H:%M} UTC. Shown once: store it now.",
        err=True,
    )


@token_app.command("list")
def token_list(database_url: DatabaseUrl = None) -> None:
    """List the tokens (never their secrets)."""
    rt = ready_runtime(database_url)
    now = rt.tokens.now()
    for info in rt.tokens.list():
        typer.echo(
            f"{info.token_id}\t{info.person_id}\t{info.role}\t{info.org_id}\t"
            f"expires {info.expires_at:%Y-%m-%d %H:%M}\t{info.status(now)}" + (f"\t{info.note}" if info.note else "")
        )


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (tok_...), as `token list` shows it.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token: from now on it gets 401."""
    rt = ready_runtime(database_url)
    info = rt.tokens.revoke(token_id)
    if info is None:
        raise fail(f"no token {token_id}")
    typer.echo(f"revoked {info.token_id} ({info.person_id} as {info.role} of {info.org_id})")
