"""`unionflow demo`: load the demo dataset (`api.demo`) into an empty database, then show what was
loaded and print one account (with its password) and token per role to try it with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from api import output
from api.cli.common import DatabaseUrl, fail, open_runtime, stderr_progress

if TYPE_CHECKING:
    from api.demo import DemoBuilder, DemoResult
    from api.runtime import Runtime


def demo(
    unions: Annotated[
        int, typer.Option("--unions", help="How many grassroots unions (at least one per situation).")
    ] = 300,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the random choices: the same seed gives the same data.")
    ] = 2026,
    base_url: Annotated[
        str, typer.Option("--base-url", help="Where the server will listen, for the URLs suggested with the tokens.")
    ] = "http://127.0.0.1:8000",
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty",
            help="Load only into an empty database; otherwise say so and succeed (what ./scripts/serve runs).",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Load a demo into an EMPTY database: 大连市总工会 with its districts and streets and a few hundred
    grassroots unions in every situation (foundings at every step, terms in force, due, overdue,
    extended or renewed early, re-elections under way, vacant chairs, rejected filings filed again),
    every step sent through the workflow as the person whose step it is, each with an account by
    their Chinese name (without a password: the pages name them). Then gives one account per role a
    password (for the web pages) and issues its token, and prints them with what each can do."""
    from api import demo as demo_data

    if unions < demo_data.MIN_UNIONS:
        raise fail(f"--unions: at least {demo_data.MIN_UNIONS}, so that every situation appears once", 2)
    rt = open_runtime(database_url)
    if not _empty_or_refused(rt, if_empty):
        return
    if rt.pending():
        rt.upgrade()
    builder, result = _load_with_progress(rt, unions, seed)
    _show_loaded(rt, result)
    _show_tokens(rt, builder, base_url.rstrip("/"))


def _empty_or_refused(rt: Runtime, if_empty: bool) -> bool:
    """True when the database holds no events; otherwise the demo is refused (exit 1), or with
    --if-empty skipped (False: `./scripts/serve` runs it on every start)."""
    import sqlalchemy as sa

    from events import SchemaNotReady

    try:
        existing = rt.store.last_position()
    except (SchemaNotReady, sa.exc.DBAPIError):
        existing = 0  # no schema yet: a fresh database
    if existing == 0:
        return True
    where = rt.engine.url.render_as_string(hide_password=True)
    if if_empty:
        typer.echo(
            f"{where} already holds {existing:,} events: no demo loaded. Tokens are shown only "
            "when issued: issue one with `unionflow token issue --person ID --role ROLE --org ORG` "
            "(`unionflow token list` shows those issued, without their secrets).",
            err=True,
        )
        return False
    raise fail(
        f"{where} already holds {existing:,} events: the demo loads only into an empty "
        "database (use another --database-url, or remove the file)"
    )


def _load_with_progress(rt: Runtime, unions: int, seed: int) -> tuple[DemoBuilder, DemoResult]:
    from api.demo import load_demo

    bar = stderr_progress("loading the demo", "commands")
    with bar:
        task = bar.add_task("demo", total=None)
        return load_demo(rt, unions, seed, progress=lambda done, total: bar.update(task, completed=done, total=total))


def _show_loaded(rt: Runtime, result: DemoResult) -> None:
    """What was loaded: the counts, the unions by situation and the alerts, as of today."""
    from api.demo import CITY, situations_now
    from projections import alert_counts

    today = rt.service.clock()
    typer.echo(
        f"Loaded {result.unions} grassroots unions under 大连市总工会: {result.commands:,} commands, "
        f"{result.events:,} events, in {result.seconds:.1f} s ({result.commands / result.seconds:,.0f} commands/s), "
        f"every one checked by the rules and recorded with its evidence."
    )
    situations = situations_now(rt, today)
    output.emit_rows(
        [{"situation": k, "unions": n} for k, n in sorted(situations.items())],
        [("situation", "situation"), ("unions", "unions")],
        output.Format.table,
        title=f"Unions by situation on {today}",
    )
    counts = alert_counts(rt.engine, today, CITY)
    output.emit_rows(
        [{"kind": k, "n": counts.get(k, 0)} for k in sorted(counts)],
        [("kind", "alert"), ("n", "unions")],
        output.Format.table,
        title=f"Alerts on {today} (RULES.md §6)",
    )


def _show_tokens(rt: Runtime, builder: DemoBuilder, base_url: str) -> None:
    """One token per role, each with what it can do and URLs the app serves to try it on."""
    from api.demo import issue_tokens
    from api.main import create_app

    paths = {getattr(route, "path", "") for route in create_app(rt).routes}
    tokens = issue_tokens(rt, builder, base_url, paths)
    typer.echo(
        "\nAccounts and tokens (shown once; only their hashes are stored; tokens valid 90 days). "
        f"Sign in on the web at {base_url}/ui/ with a person id and its password; use the token with the API:\n"
    )
    for t in tokens:
        typer.secho(f"{t.role} — {t.person_id} for {t.org_id} {t.org_name}", bold=True)
        typer.echo(f"  can:   {t.can}")
        typer.echo(f"  web:   person id {t.person_id}  password {t.password}")
        typer.echo(f"  token: {t.token}")
        for url in t.try_urls:
            typer.echo(f"  try:   curl -H 'Authorization: Bearer {t.token}' '{url}'")
        typer.echo("")
    street = next((t.org_id for t in tokens if t.role == "approver"), "DL-ZS-01")
    typer.secho(f"Web pages: open {base_url}/ui/ and sign in with a person id and password above.", bold=True)
    typer.echo(
        "Open more accounts with `unionflow user add ID --name NAME --role ROLE:ORG`, issue more tokens with "
        "`unionflow token issue --person ID --role ROLE --org ORG`; the API's documentation "
        f"is at {base_url}/docs. Try the command line too: `unionflow alerts --org DL-ZS`, "
        f"`unionflow status {tokens[0].org_id}`, `unionflow inbox --org {street}`."
    )
