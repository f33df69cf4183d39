"""`unionflow org register-root`: the root of the organisation tree on a fresh system. Every other
organisation is registered over HTTP by an administrator above it."""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.common import DatabaseUrl, fail, ready_runtime

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
    from pydantic import ValidationError

    from workflow import commands as c
    from workflow.authority import Actor
    from workflow.errors import DomainError

    rt = ready_runtime(database_url)
    if rt.store.last_position() > 0:
        raise fail("the event log is not empty: register organisations through the HTTP API")
    try:
        cmd = c.RegisterOrganisation.model_validate(
            {"org_id": org_id, "name": name, "level": level, "occurred_on": on or rt.service.clock()}
        )
        result = rt.service.execute(cmd, Actor(person_id=person, role="admin", org_id=org_id))
    except ValidationError as exc:
        raise fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()), 2) from exc
    except DomainError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"registered {result.union_id} (version {result.version})")
