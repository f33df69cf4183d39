"""`unionflow org register-root`: the root of the organisation tree on a fresh system. Every other
organisation is registered over HTTP by an administrator above it."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DatabaseUrl, execute_as_admin, fail, ready_runtime

org_app = typer.Typer(help="The organisation tree (bootstrap only; use the HTTP API afterwards).", no_args_is_help=True)


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
    from workflow import commands as c

    rt = ready_runtime(database_url)
    if rt.store.last_position() > 0:
        raise fail("the event log is not empty: register organisations through the HTTP API")
    fields = {"org_id": org_id, "name": name, "level": level, "occurred_on": on}
    result = execute_as_admin(rt, c.RegisterOrganisation, fields, person, org_id)
    typer.echo(f"registered {result.union_id} (version {result.version})")
