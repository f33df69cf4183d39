"""The `unionflow` command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from events import EventStoreError, database_url
from events import migrate as migrations

app = typer.Typer(
    name="unionflow",
    help="Founding (建会) and re-election (换届) of grassroots trade unions, as event-sourced procedures.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

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


def _runtime(url: str | None):  # type: ignore[no-untyped-def]
    from api.runtime import Runtime

    return Runtime.open(database_url(url))


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

    rt = _runtime(database_url)
    if migrations.pending(rt.engine):
        revs = rt.upgrade()
        typer.echo(f"database upgraded to {', '.join(revs)}")
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


def main() -> None:
    try:
        app()
    except EventStoreError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
