"""`unionflow db upgrade` and `unionflow serve`: the schema, and the HTTP server on top of it."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DatabaseUrl, open_runtime

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Create the schema or upgrade it to the current version (Alembic)."""
    rt = open_runtime(database_url)
    revs = rt.upgrade()
    typer.echo(f"database at {', '.join(revs)} ({rt.engine.url.render_as_string(hide_password=True)})")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes (each with its own connections; sessions, tokens and the sign-in "
            "throttle live in the database, so any worker serves any request). Default: one per CPU "
            "core on PostgreSQL; on SQLite, whose writers take turns on one file, two at most.",
        ),
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Run the HTTP server. An empty database is upgraded first."""
    import os

    import uvicorn

    from api.cli.listeners import serve_workers, worker_sockets
    from api.cli.maintenance import rebuild_outdated
    from api.logs import configure_logging
    from api.main import create_app, settled

    rt = open_runtime(database_url)
    if rt.pending():
        revs = rt.upgrade()
        typer.echo(f"database upgraded to {', '.join(revs)}")
    rebuild_outdated(rt)
    # Each request's access line is the app's own (`api.edge`: its request ID, status, time, token
    # and client); uvicorn's would be a second line for the same request.
    configure_logging()
    workers = workers or default_workers(rt.engine.dialect.name)
    if workers == 1:
        uvicorn.run(settled(create_app(rt)), host=host, port=port, log_level="info", access_log=False)
        return
    # Each worker is a new process that builds its own app (uvicorn needs an import string): the
    # database reaches it through the environment, as the settings read it.
    os.environ["UNIONFLOW_DATABASE_URL"] = rt.engine.url.render_as_string(hide_password=False)
    rt.engine.dispose()
    config = uvicorn.Config(
        "api.main:served_app", factory=True, workers=workers, host=host, port=port, log_level="info", access_log=False
    )
    try:
        sockets = worker_sockets(config)
    except OSError as exc:  # the port is taken, or the interface is not this machine's
        raise typer.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror}", param_hint="--port") from None
    serve_workers(config, sockets)


def default_workers(dialect: str) -> int:
    """One worker per core on PostgreSQL; on SQLite two at most (bench/README.md, issue 21: two
    answered more commands than one, their appends still taking turns on the file's one writer;
    more than two were not measured)."""
    import os

    cores = os.cpu_count() or 1
    return cores if dialect == "postgresql" else min(2, cores)
