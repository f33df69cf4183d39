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
    database_url: DatabaseUrl = None,
) -> None:
    """Run the HTTP server. An empty database is upgraded first."""
    import uvicorn

    from api.cli.maintenance import rebuild_outdated
    from api.logs import configure_logging
    from api.main import create_app

    rt = open_runtime(database_url)
    if rt.pending():
        revs = rt.upgrade()
        typer.echo(f"database upgraded to {', '.join(revs)}")
    rebuild_outdated(rt)
    configure_logging()
    uvicorn.run(create_app(rt), host=host, port=port, log_level="info")
