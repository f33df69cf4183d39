"""What every command of the `unionflow` command line shares: the `--database-url` option, how a
command fails (one red line on stderr and an exit code: 2 for a usage error, 1 otherwise), how it
opens the runtime, how it runs a command as an administrator, and how it reads dates, times,
formats and organisations given as options."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api import output
from api.settings import database_url

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from api.runtime import Runtime
    from workflow import commands as c
    from workflow.errors import DomainError
    from workflow.service import CommandResult

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="UNIONFLOW_DATABASE_URL",
        help="SQLAlchemy URL; default: a SQLite file unionflow.db in the working directory.",
        show_default=False,
    ),
]

UNSCOPED = (
    "Reads the database directly and unscoped: every organisation is visible (the operator's view; "
    "the HTTP API scopes reads by the caller's token)."
)
FormatOption = Annotated[str, typer.Option("--format", help="table (default), json or csv.", show_default=False)]
RecordFormatOption = Annotated[str, typer.Option("--format", help="table (default) or json.", show_default=False)]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD; default: today.", show_default=False)
]


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the messages that say why a step was refused: en or zh. Default: the setting "
        "UNIONFLOW_LANG, else Chinese when LANG is a Chinese locale (zh_CN.UTF-8), else English.",
        show_default=False,
    ),
]
_LANGUAGE: list[str] = []  # the language chosen for this run (`choose_language`)


def choose_language(option: str | None) -> str:
    """The language of this run: --lang, else the setting, else LANG's, else English."""
    from api.settings import Settings

    if option is not None and option not in ("en", "zh"):
        raise fail(f"--lang: {option!r} is neither en nor zh", 2)
    chosen = option or Settings().lang or ("zh" if os.environ.get("LANG", "").lower().startswith("zh") else "en")
    _LANGUAGE[:] = [chosen]
    return chosen


def refusal_line(exc: DomainError) -> str:
    """A refusal as the command line says it: its rule and why, in the run's language (the
    catalogue of messages' Chinese with the evidence's numbers; the guard's own English)."""
    from events.messages import refusal_text

    lang = _LANGUAGE[0] if _LANGUAGE else choose_language(None)
    said = refusal_text(lang, exc.rule_id, exc.case, exc.evidence) if lang == "zh" else None
    return f"{exc.rule_id}: {said or exc.message}"


def fail(message: str, code: int = 1) -> typer.Exit:
    """Say what went wrong on stderr and return the exit to raise (2: the command was misused)."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def open_runtime(url: str | None) -> Runtime:
    from api.runtime import Runtime

    return Runtime.open(database_url(url))


def ready_runtime(url: str | None) -> Runtime:
    """The runtime, refusing a database whose schema is not current (commands other than `db
    upgrade`, `serve` and `demo` never upgrade it behind the operator's back)."""
    rt = open_runtime(url)
    if rt.pending():
        raise fail("the database schema is not current: run `unionflow db upgrade`")
    return rt


def execute_as_admin(
    rt: Runtime, cmd: type[c.Command], fields: dict[str, Any], person: str, admin_of: str
) -> CommandResult:
    """Run `cmd` built from `fields` (occurred_on: today when not given) as `person`, administrator
    of `admin_of`; a field the command refuses is a usage error (2), a rule it breaks an error (1)."""
    from pydantic import ValidationError

    from workflow.authority import Actor
    from workflow.errors import DomainError

    try:
        command = cmd.model_validate(fields | {"occurred_on": fields.get("occurred_on") or rt.service.clock()})
        return rt.service.execute(command, Actor(person_id=person, role="admin", org_id=admin_of))
    except ValidationError as exc:
        raise fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()), 2) from exc
    except DomainError as exc:
        raise fail(refusal_line(exc)) from exc


def date_option(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)", 2) from None


def time_option(option: str, value: str | None) -> dt.datetime | None:
    """A recording time: ISO 8601, with an offset or in UTC; a bare date means the end of that day (UTC)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time.max, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a time (ISO 8601, e.g. 2026-11-21T09:30:00+08:00)", 2) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def format_option(value: str, allowed: tuple[str, ...] = output.FORMATS) -> output.Format:
    try:
        return output.parse_format(value, allowed)
    except ValueError as exc:
        raise fail(f"--format: {exc}", 2) from None


def org_option(rt: Runtime, option: str, org_id: str | None) -> str | None:
    if org_id is not None and not rt.service.load(org_id).exists:
        raise fail(f"{option}: no organisation {org_id!r}", 2)
    return org_id


def stderr_progress(label: str, unit: str | None = None, console: Console | None = None, **options: Any) -> Progress:
    """A progress bar on stderr, so that stdout carries the command's output alone: `label` (a
    column format), the bar, done/total, `unit` if given, and the time elapsed."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn

    columns: list[ProgressColumn] = [TextColumn(label), BarColumn(), MofNCompleteColumn()]
    if unit is not None:
        columns.append(TextColumn(unit))
    return Progress(*columns, TimeElapsedColumn(), console=console or Console(stderr=True), **options)
