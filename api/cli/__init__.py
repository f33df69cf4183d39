"""The `unionflow` command line: the typer app, and `main`, the console script's entry point.

The commands live by area; this module lists them, in the order `unionflow --help` shows them:

| module             | commands                                                  |
|--------------------|-----------------------------------------------------------|
| `db`               | `db upgrade`, `serve`                                     |
| `maintenance`      | `verify` (the database's chains, an anchor), `head`, `diagram`, `rebuild` |
| `status`, `reads`  | `status`; `history`, `alerts`, `inbox`, `coverage`        |
| `demo`             | `demo` (the dataset itself is `api.demo`)                 |
| `imports_exports`  | `import`, `export`, `verify --bundle`                     |
| `tokens`           | `token issue`, `token list`, `token revoke`               |
| `users`            | `user add`, `user list`, `user disable`, `user set-password` |
| `organisations`    | `org register-root`                                       |
| `regions`          | `region profile`, `region targets`, `region show`         |
| `common`           | `--database-url`, failing, opening the runtime, options   |
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import typer

from api.cli import db, demo, imports_exports, maintenance, reads, status
from api.cli.common import UNSCOPED, LangOption, choose_language
from api.cli.maintenance import rebuild_outdated
from api.cli.organisations import org_app
from api.cli.regions import region_app
from api.cli.tokens import token_app
from api.cli.users import user_app
from api.importer.columns import columns_help
from events import EventStoreError

__all__ = ["app", "main", "rebuild_outdated"]

app = typer.Typer(
    name="unionflow",
    help="Founding (建会) and re-election (换届) of grassroots trade unions, as event-sourced procedures.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


@app.callback()
def _run_options(lang: LangOption = None) -> None:
    """Founding (建会) and re-election (换届) of grassroots trade unions, as event-sourced procedures."""
    choose_language(lang)


app.add_typer(db.db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(org_app, name="org")
app.add_typer(region_app, name="region")
app.command()(db.serve)
app.command()(maintenance.verify)
app.command()(maintenance.head)
app.command()(maintenance.diagram)
app.command(epilog=UNSCOPED)(status.status)
app.command(epilog=UNSCOPED)(reads.history)
app.command(epilog=UNSCOPED)(reads.alerts)
app.command(epilog=UNSCOPED)(reads.inbox)
app.command(epilog=UNSCOPED)(reads.coverage)
app.command()(maintenance.rebuild)
app.command()(demo.demo)
app.command("import", epilog=columns_help())(imports_exports.import_registry)
app.command("export")(imports_exports.export_bundle)


# Recent typer releases vendor click as `typer._click`; older ones use click itself. Abort is not
# among these exceptions in every release: it is caught as `typer.Abort`, which all of them export.
_CLICK: Any = importlib.import_module(
    "typer._click.exceptions" if importlib.util.find_spec("typer._click") else "click.exceptions"
)


def main() -> None:
    try:
        code = app(standalone_mode=False)
    except _CLICK.NoArgsIsHelpError as exc:
        exc.show()  # a group named alone: its help, as before
        sys.exit(exc.exit_code)
    except _CLICK.ClickException as exc:
        # Usage errors (a missing argument, a value of the wrong type) as one line, like the rest.
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else "unionflow"
        typer.secho(f"error: {where}: {exc.format_message()} (see --help)", fg=typer.colors.RED, err=True)
        sys.exit(exc.exit_code)
    except typer.Abort:  # Ctrl-C or end of input at a prompt (typer.Abort in every release)
        typer.secho("error: aborted", fg=typer.colors.RED, err=True)
        sys.exit(130)
    except EventStoreError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
