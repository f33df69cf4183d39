"""The `unionflow` command line."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from events import EventStoreError, database_url

if TYPE_CHECKING:
    from api.runtime import Runtime

app = typer.Typer(
    name="unionflow",
    help="Founding (建会) and re-election (换届) of grassroots trade unions, as event-sourced procedures.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
token_app = typer.Typer(
    help="Bearer tokens for the HTTP API. Run by whoever holds the database (no token needed): "
    "a token acts for one person, in one role, for one organisation.",
    no_args_is_help=True,
)
app.add_typer(token_app, name="token")
org_app = typer.Typer(help="The organisation tree (bootstrap only; use the HTTP API afterwards).", no_args_is_help=True)
app.add_typer(org_app, name="org")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="UNIONFLOW_DATABASE_URL",
        help="SQLAlchemy URL; default: a SQLite file unionflow.db in the working directory.",
        show_default=False,
    ),
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def _runtime(url: str | None) -> Runtime:
    from api.runtime import Runtime

    return Runtime.open(database_url(url))


def _ready_runtime(url: str | None) -> Runtime:
    rt = _runtime(url)
    if rt.pending():
        raise _fail("the database schema is not current: run `unionflow db upgrade`")
    return rt


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the schema or upgrade it to the current version (Alembic)."""
    rt = _runtime(database_url)
    revs = rt.upgrade()
    typer.echo(f"database at {', '.join(revs)} ({rt.engine.url.render_as_string(hide_password=True)})")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database_url: DatabaseUrl = None,
) -> None:
    """Run the HTTP server. An empty database is upgraded first."""
    import uvicorn

    from api.app import create_app
    from api.logs import configure_logging

    rt = _runtime(database_url)
    if rt.pending():
        revs = rt.upgrade()
        typer.echo(f"database upgraded to {', '.join(revs)}")
    configure_logging()
    uvicorn.run(create_app(rt), host=host, port=port, log_level="info")


@app.command()
def verify(
    database_url: DatabaseUrl = None,
    stream: Annotated[str | None, typer.Option(help="Check only this stream.")] = None,
) -> None:
    """Walk the hash chains and report the first broken link (exit 1 if any)."""
    rt = _runtime(database_url)
    report = rt.store.verify(stream)
    if report.broken:
        raise _fail(f"tampering detected: {report.broken}")
    typer.echo(
        f"ok: {report.events_checked} events in {report.streams_checked} streams; "
        f"log head at position {report.head_position}, hash {report.head_hash}"
    )


@app.command()
def diagram(
    kind: Annotated[
        str, typer.Argument(help="Procedure kind: founding, reelection, extension, early_reelection, by_election.")
    ],
    data: Annotated[bool, typer.Option("--data", help="Print states and transitions as JSON instead.")] = False,
) -> None:
    """Print a procedure kind's state machine as a Mermaid diagram (or as data with --data)."""
    import json

    from workflow.fold import KINDS

    definition = KINDS.get(kind)
    if definition is None:
        raise _fail(f"unknown procedure kind {kind!r}; known: {', '.join(sorted(KINDS))}", 2)
    if data:
        typer.echo(json.dumps(definition.machine.describe(), ensure_ascii=False, indent=2))
    else:
        typer.echo(definition.machine.mermaid())


# --------------------------------------------------------------------------- tokens


@token_app.command("issue")
def token_issue(
    person: Annotated[str, typer.Option(help="The person the token acts for.")],
    role: Annotated[str, typer.Option(help="staff, approver, auditor or admin.")],
    org: Annotated[str, typer.Option(help="The organisation the person acts for (must exist).")],
    days: Annotated[int, typer.Option(min=1, help="Days until the token expires.")] = 90,
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
    """Issue a bearer token and print it once (only its hash is stored)."""
    from api.tokens import ROLES

    if role not in ROLES:
        raise _fail(f"unknown role {role!r}; known: {', '.join(ROLES)}", 2)
    rt = _ready_runtime(database_url)
    if not rt.service.load(org).exists:
        if not bootstrap:
            raise _fail(f"no organisation {org}: register it first (or, on a fresh system, see --bootstrap)")
        if role != "admin":
            raise _fail("--bootstrap issues an admin token only")
        if rt.store.last_position() > 0:
            raise _fail("--bootstrap is for a fresh system: the event log is not empty")
    issued = rt.tokens.issue(person, role, org, days=days, note=note)
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
    rt = _ready_runtime(database_url)
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
    rt = _ready_runtime(database_url)
    info = rt.tokens.revoke(token_id)
    if info is None:
        raise _fail(f"no token {token_id}")
    typer.echo(f"revoked {info.token_id} ({info.person_id} as {info.role} of {info.org_id})")


# --------------------------------------------------------------------------- organisations


@org_app.command("register-root")
def org_register_root(
    org_id: Annotated[str, typer.Option("--id", help="The root organisation's id, e.g. ACFTU.")],
    name: Annotated[str, typer.Option(help="Its name, e.g. 中华全国总工会.")],
    person: Annotated[str, typer.Option(help="The administrator recorded as registering it.")],
    level: Annotated[str, typer.Option(help="Its level.")] = "national",
    on: Annotated[str | None, typer.Option(help="Business date (YYYY-MM-DD); default: today.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Register the root of the organisation tree on a fresh system, as its administrator. Every
    other organisation is registered through POST /organisations by an administrator above it."""
    from pydantic import ValidationError

    from workflow import commands as c
    from workflow.authority import Actor
    from workflow.errors import DomainError

    rt = _ready_runtime(database_url)
    if rt.store.last_position() > 0:
        raise _fail("the event log is not empty: register organisations through the HTTP API")
    try:
        cmd = c.RegisterOrganisation.model_validate(
            {"org_id": org_id, "name": name, "level": level, "occurred_on": on or rt.service.clock()}
        )
        result = rt.service.execute(cmd, Actor(person_id=person, role="admin", org_id=org_id))
    except ValidationError as exc:
        raise _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()), 2) from exc
    except DomainError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"registered {result.union_id} (version {result.version})")


def main() -> None:
    try:
        app()
    except EventStoreError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
