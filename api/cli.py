"""The `unionflow` command line."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api import output
from api.settings import database_url
from events import EventStoreError

if TYPE_CHECKING:
    from api.runtime import Runtime
    from projections import Projections
    from workflow.state import Procedure, UnionState

app = typer.Typer(
    name="unionflow",
    help="Founding (建会) and re-election (换届) of grassroots trade unions, as event-sourced procedures.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
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
    rebuild_outdated(rt)
    configure_logging()
    uvicorn.run(create_app(rt), host=host, port=port, log_level="info")


@app.command()
def verify(
    database_url: DatabaseUrl = None,
    stream: Annotated[str | None, typer.Option(help="Check only this stream.")] = None,
    bundle: Annotated[
        Path | None,
        typer.Option("--bundle", help="Check an audit bundle file instead (offline: no database is opened)."),
    ] = None,
) -> None:
    """Walk the hash chains and report the first broken link (exit 1 if any)."""
    if bundle is not None:
        from api.bundle import verify_bundle

        if not bundle.is_file():  # a usage error, not a tampered bundle
            raise _fail(
                f"--bundle: {bundle} is not a file" if bundle.exists() else f"--bundle: no such file {bundle}", 2
            )
        checked = verify_bundle(bundle)
        if checked.broken:
            raise _fail(f"bundle {bundle}: tampering detected: {checked.broken}")
        head = checked.log_head
        typer.echo(
            f"ok: bundle {bundle}: {checked.events_checked} events in {checked.streams_checked} streams, "
            f"{checked.profiles_checked} profiles; exported at log position {head.get('position')}, "
            f"hash {head.get('hash')}; manifest SHA-256 {checked.manifest_sha256}"
        )
        return
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


# --------------------------------------------------------------------------- reads (the operator's view)

UNSCOPED = (
    "Reads the database directly and unscoped: every organisation is visible (the operator's view; "
    "the HTTP API scopes reads by the caller's token)."
)
FormatOption = Annotated[str, typer.Option("--format", help="table (default), json or csv.", show_default=False)]
RecordFormatOption = Annotated[str, typer.Option("--format", help="table (default) or json.", show_default=False)]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD; default: today.", show_default=False)
]


def _date_option(option: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)", 2) from None


def _time_option(option: str, value: str | None) -> dt.datetime | None:
    """A recording time: ISO 8601, with an offset or in UTC; a bare date means the end of that day (UTC)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time.max, tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option}: {value!r} is not a time (ISO 8601, e.g. 2026-11-21T09:30:00+08:00)", 2) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _format_option(value: str, allowed: tuple[str, ...] = output.FORMATS) -> output.Format:
    try:
        return output.parse_format(value, allowed)
    except ValueError as exc:
        raise _fail(f"--format: {exc}", 2) from None


def _org_option(rt: Runtime, option: str, org_id: str | None) -> str | None:
    if org_id is not None and not rt.service.load(org_id).exists:
        raise _fail(f"{option}: no organisation {org_id!r}", 2)
    return org_id


def _names(rt: Runtime, org_ids: set[str]) -> dict[str, str]:
    """The register's names of these organisations, in a few queries whatever their number."""
    import sqlalchemy as sa

    from projections import schema

    orgs = schema.orgs
    ids, names = sorted(org_ids), {}
    with rt.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            q = sa.select(orgs.c.org_id, orgs.c.name).where(orgs.c.org_id.in_(ids[i : i + 500]))
            names.update({org_id: name for org_id, name in conn.execute(q)})
    return names


def _rules(evidence: list[dict[str, Any]]) -> list[str]:
    """The rule IDs an event's evidence cites, once each, in order."""
    return list(dict.fromkeys(str(e["rule"]) for e in evidence if isinstance(e, dict) and e.get("rule")))


def _waiting_on(union: UnionState, proc: Procedure) -> str:
    """Who must act next on `proc`: the higher-level union (R-APPROVER), the union's staff, or nobody."""
    from events.flows import FLOWS

    flow = FLOWS[proc.kind]
    if proc.state in flow.terminal:
        return f"nobody: closed ({proc.state})"
    filing = flow.awaiting(proc.state)
    if filing is not None:
        since = f" since {proc.filed_on}" if proc.filed_on else ""
        return f"the higher-level union {union.parent_id} (approver): {filing}{since}"
    steps = [
        s.label_en
        for s in sorted(flow.steps_from(proc.state), key=lambda s: s.trigger)
        # Withdrawing is always open to the union, but it is not what the procedure waits for.
        if s.decided_by == "staff" and s.name == s.trigger and s.command != "WithdrawProcedure"
    ]
    return f"the union {union.org_id} (staff): " + "; ".join(steps)


def _procedure_row(union: UnionState, proc: Procedure) -> dict[str, Any]:
    from workflow.fold import KINDS

    return {
        "procedure_id": proc.procedure_id,
        "kind": proc.kind,
        "state": proc.state,
        "closed": proc.state in KINDS[proc.kind].machine.terminal,
        "opened_on": proc.opened_on,
        "last_moved_on": proc.last_moved_on,
        "filed_on": proc.filed_on,
        "waiting_on": _waiting_on(union, proc),
        "profile": f"{proc.profile.name} v{proc.profile.version}",
    }


def _facts(proc: Procedure) -> list[tuple[str, Any]]:
    """The procedure's own facts (what its steps recorded), one level of nesting flattened."""
    import dataclasses

    from workflow.state import Procedure as Base

    common = {f.name for f in dataclasses.fields(Base)}
    pairs: list[tuple[str, Any]] = []
    for f in dataclasses.fields(proc):
        if f.name in common:
            continue
        value = getattr(proc, f.name)
        inner = (
            [(f"{f.name}.{g.name}", getattr(value, g.name)) for g in dataclasses.fields(value)]
            if (dataclasses.is_dataclass(value) and not isinstance(value, type))
            else [(f.name, value)]
        )
        for key, v in inner:
            if v is None or v == [] or v == "":
                continue
            if isinstance(v, list) and v and hasattr(v[0], "name"):
                v = [x.name for x in v]  # candidates, preparatory group: their names
            elif hasattr(v, "model_dump"):
                v = output.plain(v)
            pairs.append((key, v))
    return pairs


ALERT_COLUMNS = [
    ("kind", "alert"),
    ("org_id", "union"),
    ("name", "name"),
    ("deadline", "deadline"),
    ("days_overdue", "days"),
    ("procedure_id", "procedure"),
    ("basis", "basis"),
]


def _alert_rows(rt: Runtime, alerts: list[Any]) -> list[dict[str, Any]]:
    names = _names(rt, {a.org_id for a in alerts})
    return [output.plain(a) | {"name": names.get(a.org_id, "")} for a in alerts]


@app.command(epilog=UNSCOPED)
def status(
    target: Annotated[
        str,
        typer.Argument(
            metavar="UNION_OR_PROCEDURE_ID", help="A union (organisation) id, or a procedure id such as U1:founding-1."
        ),
    ],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD: the facts that had happened by then.")
    ] = None,
    recorded_at: Annotated[
        str | None,
        typer.Option("--recorded-at", help="ISO time: what the system had recorded by then (UTC unless an offset)."),
    ] = None,
    fmt: RecordFormatOption = "table",
    database_url: DatabaseUrl = None,
) -> None:
    """A union (register facts, current term, chair, open procedures, alerts) or a procedure (state,
    version, facts, whom it waits on), now or at a past moment."""
    form = _format_option(fmt, ("table", "json"))
    on, until = _date_option("--as-of", as_of), _time_option("--recorded-at", recorded_at)
    rt = _ready_runtime(database_url)
    union_id, _, rest = target.partition(":")
    if not union_id:
        raise _fail(f"{target!r} is neither a union id nor a procedure id (UNION:kind-n)", 2)
    if not rt.service.load(union_id).exists:
        raise _fail(f"no organisation {union_id!r}")
    union = rt.service.load(union_id, as_of=on, recorded_until=until)
    if not union.exists:
        raise _fail(f"organisation {union_id} did not exist yet at that moment")
    moment = [(label, value) for label, value in (("as of", on), ("as recorded at", until)) if value is not None]
    if rest:
        proc = union.procedures.get(target)
        if proc is None:
            raise _fail(f"union {union_id} has no procedure {target}" + (" at that moment" if on or until else ""))
        _procedure_status(union, proc, form, moment)
    else:
        _union_status(rt, union, form, moment, on, until)


def _procedure_status(union: UnionState, proc: Procedure, form: output.Format, moment: list[Any]) -> None:
    row = _procedure_row(union, proc)
    facts = _facts(proc)
    head = [
        ("procedure", proc.procedure_id),
        ("kind", proc.kind),
        ("union", f"{union.org_id} {union.name}"),
        ("state", proc.state),
        ("union stream version", union.version),
        ("opened on", proc.opened_on),
        ("last step on", proc.last_moved_on),
        ("filed on", proc.filed_on),
        ("waiting on", row["waiting_on"]),
        ("states passed", " → ".join(proc.history)),
        ("rule profile", row["profile"]),
        *moment,
    ]
    body = row | {"union_id": union.org_id, "version": union.version, "history": proc.history}
    body |= {
        "facts": dict(facts),
        "as_of": dict(moment).get("as of"),
        "recorded_at": dict(moment).get("as recorded at"),
    }
    output.emit_record([(f"Procedure {proc.procedure_id}", head), ("Facts", facts)], form, json_body=body)


def _union_status(
    rt: Runtime,
    union: UnionState,
    form: output.Format,
    moment: list[Any],
    on: dt.date | None,
    until: dt.datetime | None,
) -> None:
    import projections

    parent = rt.service.load(union.parent_id).name if union.parent_id else None
    unit = union.unit
    facts: list[tuple[str, Any]] = [
        ("id", union.org_id),
        ("name", union.name),
        ("level", union.level),
        ("parent", f"{union.parent_id} {parent}" if union.parent_id else None),
        ("stream version", union.version),
        *moment,
    ]
    if unit is not None:
        facts += [
            ("unit", f"{unit.unit_name} ({unit.unit_type})"),
            ("employees", unit.employees),
            ("members", f"{unit.members} ({unit.female_members} female)"),
            ("Party organisation", unit.has_party_org),
        ]
    term: list[tuple[str, Any]] = []
    if union.founded_on or union.term:
        facts += [("founded on", union.founded_on), ("legal person", union.legal_person_no or "not registered")]
        facts += [("last congress", union.last_congress_on)]
    if union.term is not None:
        t = union.term
        term = [
            ("term", t.number),
            ("start", t.start),
            ("years", t.years),
            ("end", t.end),
            ("deadline", t.deadline if t.deadline == t.end else f"{t.deadline} (extended by {t.extension_procedure})"),
            ("started by", t.started_by or "imported from a registry"),
        ]
        if t.early_reelection_procedure:
            term.append(
                ("early re-election", f"approved ({t.early_reelection_procedure}), congress {t.early_congress_on}")
            )
        term += [
            ("chair", union.chair or f"vacant (acting: {union.acting_chair})"),
            ("vice-chairs", union.vice_chairs),
            ("committee", union.committee),
            ("funds review", union.funds_review),
        ]
    procs = [_procedure_row(union, p) for p in union.procedures.values()]
    open_procs = [p for p in procs if not p["closed"]]
    day = on or rt.service.clock()
    if until is None:
        firing = projections.alerts(rt.engine, on=day, subtree=union.org_id, limit=None).items
    else:
        firing = projections.union_as_of(rt.store, union.org_id, on, recorded_until=until).alerts(day)
    sections = [(f"Organisation {union.org_id}", facts)]
    if term:
        sections.append(("Current term", term))
    lists: list[tuple[str, list[dict[str, Any]], output.Columns]] = []
    if union.level == "grassroots" or procs:
        lists.append(
            (
                f"Open procedures ({len(open_procs)} of {len(procs)})",
                open_procs,
                [
                    ("procedure_id", "procedure"),
                    ("state", "state"),
                    ("last_moved_on", "last step"),
                    ("waiting_on", "waiting on"),
                ],
            )
        )
    if union.level == "grassroots":
        lists.append((f"Alerts on {day}", _alert_rows(rt, firing), ALERT_COLUMNS[:1] + ALERT_COLUMNS[3:]))
    else:
        counts: dict[str, int] = {}
        for a in firing:
            counts[a.kind] = counts.get(a.kind, 0) + 1
        sections.append((f"Alerts in the subtree on {day}", sorted(counts.items()) or [("none", "")]))
        if until is None and on is None:
            waiting = projections.inbox(rt.engine, union.org_id, on=day, limit=None).items
            sections.append(
                (
                    "Filings waiting on it (inbox)",
                    [("waiting", len(waiting)), ("over the reply window", sum(i.overdue for i in waiting))],
                )
            )
    body = output.plain({k: v for k, v in vars(union).items() if k != "procedures"})
    body |= {"procedures": procs, "alerts": _alert_rows(rt, firing), "as_of": on, "recorded_at": until}
    output.emit_record(sections, form, json_body=body, lists=lists)


@app.command(epilog=UNSCOPED)
def history(
    target: Annotated[
        str,
        typer.Argument(
            metavar="UNION_OR_PROCEDURE_ID", help="A union (organisation) id, or a procedure id such as U1:founding-1."
        ),
    ],
    fmt: FormatOption = "table",
    database_url: DatabaseUrl = None,
) -> None:
    """Every event of a union or of one procedure, in the order recorded: who (person, role,
    organisation), the business date, the recording time, the event type and the rule evidence."""
    import projections

    form = _format_option(fmt)
    rt = _ready_runtime(database_url)
    union_id, _, rest = target.partition(":")
    union = rt.service.load(union_id) if union_id else None
    if union is None or not union.exists:
        raise _fail(f"no organisation {union_id!r}")
    if rest and target not in union.procedures:
        raise _fail(f"union {union_id} has no procedure {target}")
    entries = projections.history(rt.store, union_id, target if rest else None)
    rows = [
        {
            "version": e.version,
            "occurred_on": e.occurred_on,
            "recorded_at": f"{e.recorded_at:%Y-%m-%d %H:%M:%S}",
            "event_type": e.event_type,
            "procedure_id": e.procedure_id,
            "actor_id": e.actor_id,
            "role": e.role,
            "acting_org": e.acting_org,
            "rules": _rules(e.evidence),
            "evidence": e.evidence,
        }
        for e in entries
    ]
    columns = [
        ("version", "v"),
        ("occurred_on", "occurred"),
        ("recorded_at", "recorded (UTC)"),
        ("event_type", "event"),
        ("actor_id", "who"),
        ("role", "role"),
        ("acting_org", "for"),
        ("rules", "evidence"),
    ]
    if not rest:
        columns.insert(4, ("procedure_id", "procedure"))
    if form is output.Format.csv:
        columns = [*columns, ("evidence", "evidence_json")]
    output.emit_rows(rows, columns, form, title=f"History of {target} ({len(rows)} events)", json_rows=entries)


@app.command(epilog=UNSCOPED)
def alerts(
    as_of: AsOfOption = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation's subtree.")] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="Only these kinds (repeat), e.g. A-TERM-OVERDUE.")
    ] = None,
    fmt: FormatOption = "table",
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N alerts; default: all.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The alerts of RULES.md §6 that fire on a date (default today), in tree order. JSON and CSV
    go to stdout alone, so they pipe."""
    import projections
    from projections.models.alerts import KINDS as ALERT_KINDS

    form = _format_option(fmt)
    on = _date_option("--as-of", as_of)
    unknown = [k for k in kind or [] if k not in ALERT_KINDS]
    if unknown:
        raise _fail(f"--kind: unknown alert kind {', '.join(map(repr, unknown))}; known: {', '.join(ALERT_KINDS)}", 2)
    rt = _ready_runtime(database_url)
    _org_option(rt, "--org", org)
    day = on or rt.service.clock()
    found: list[Any] = []
    cursor: str | None = None
    while True:
        page_size = 1000 if limit is None else min(1000, limit - len(found))
        page = projections.alerts(rt.engine, on=day, subtree=org, kinds=kind or None, limit=page_size, cursor=cursor)
        found += page.items
        cursor = page.next_cursor
        if cursor is None or (limit is not None and len(found) >= limit):
            break
    rows = _alert_rows(rt, found)
    scope = f" under {org}" if org else ""
    output.emit_rows(rows, ALERT_COLUMNS, form, title=f"{len(rows)} alert(s) on {day}{scope}")


@app.command(epilog=UNSCOPED)
def inbox(
    org: Annotated[
        str | None, typer.Option("--org", help="The higher-level union whose inbox to show (required).")
    ] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    database_url: DatabaseUrl = None,
) -> None:
    """The filings waiting on an organisation's approvers (R-APPROVER: those of the unions directly
    below it), oldest first, with how long each has waited."""
    import projections

    form = _format_option(fmt)
    on = _date_option("--as-of", as_of)
    if org is None:
        raise _fail("--org: name the organisation whose inbox to show", 2)
    rt = _ready_runtime(database_url)
    _org_option(rt, "--org", org)
    day = on or rt.service.clock()
    items = projections.inbox(rt.engine, org, on=day, limit=None).items
    names = _names(rt, {i.org_id for i in items})
    rows = [
        output.plain(i)
        | {
            "name": names.get(i.org_id, ""),
            "overdue": i.overdue,
            "content": None,
            "filed_by": i.filed_by.get("actor_id"),
        }
        for i in items
    ]
    columns = [
        ("filed_on", "filed"),
        ("waited_days", "days"),
        ("overdue", "overdue"),
        ("org_id", "union"),
        ("name", "name"),
        ("waiting_for", "waiting for"),
        ("procedure_id", "procedure"),
        ("filed_by", "filed by"),
    ]
    json_rows = [output.plain(i) | {"name": names.get(i.org_id, ""), "overdue": i.overdue} for i in items]
    output.emit_rows(rows, columns, form, title=f"{len(rows)} filing(s) waiting on {org} on {day}", json_rows=json_rows)


@app.command(epilog=UNSCOPED)
def coverage(
    org: Annotated[str | None, typer.Option("--org", help="This organisation's subtree; default: everything.")] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    database_url: DatabaseUrl = None,
) -> None:
    """Coverage figures of RULES.md §7 (founding rate, also for units with 25+ employees,
    membership rate, on-time re-election rate) for a subtree, and for each organisation directly
    below it."""
    import sqlalchemy as sa

    import projections
    from projections import schema

    form = _format_option(fmt)
    on = _date_option("--as-of", as_of)
    rt = _ready_runtime(database_url)
    _org_option(rt, "--org", org)
    day = on or rt.service.clock()
    scopes: list[str | None] = [org]
    if org is not None:
        o = schema.orgs
        with rt.engine.connect() as conn:
            q = sa.select(o.c.org_id).where(o.c.parent_id == org, o.c.level != "grassroots").order_by(o.c.path)
            scopes += [r[0] for r in conn.execute(q)]
    names = _names(rt, {s for s in scopes if s is not None})
    rows = []
    for scope in scopes:
        c = projections.coverage(rt.engine, scope, day)
        rows.append(
            output.plain(c)
            | {
                "subtree": scope or "(all)",
                "name": names.get(scope or "", ""),
                "founding_rate": c.founding_rate,
                "founding_rate_25": c.founding_rate_25,
                "membership_rate": c.membership_rate,
                "on_time_rate": c.on_time_rate,
            }
        )
    columns = [
        ("subtree", "subtree"),
        ("name", "name"),
        ("units", "units"),
        ("founded", "founded"),
        ("founding_rate", "founding rate"),
        ("founding_rate_25", "rate 25+"),
        ("members", "members"),
        ("membership_rate", "membership rate"),
        ("terms_ended", "terms ended"),
        ("on_time_rate", "on time"),
    ]
    if form is not output.Format.table:
        columns = [(k, k) for k in ("subtree", "name", *(k for k in rows[0] if k not in ("subtree", "name")))]
    output.emit_rows(rows, columns, form, title=f"Coverage on {day} (RULES.md §7)")


@app.command()
def rebuild(
    projection: Annotated[
        list[str] | None,
        typer.Option("--projection", help="Only these read models (repeat): register, procedures, alerts."),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="Rebuild aside and report every row that differs from the live read models "
            "(exit 1 if any); nothing is swapped.",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Rebuild the read models from the event log (shadow tables swapped in at the end; writers wait
    only for the swap), showing progress, then the rate in events per second."""
    import time

    from projections import NAMES, Projections

    unknown = [p for p in projection or [] if p not in NAMES]
    if unknown:
        raise _fail(f"--projection: unknown read model {', '.join(map(repr, unknown))}; known: {', '.join(NAMES)}", 2)
    rt = _ready_runtime(database_url)
    read_models = Projections(rt.engine)
    names = projection or None
    if compare:
        started = time.perf_counter()
        report = read_models.compare_with_rebuild(names)
        seconds = time.perf_counter() - started
        if not report.ok:
            typer.echo(str(report))
            raise _fail(f"the rebuilt read models differ from the live ones ({len(report.differences) + report.more})")
        typer.echo(f"{report} in {seconds:.1f} s")
        return
    _rebuild_with_progress(read_models, names)


def rebuild_outdated(rt: Runtime) -> list[str]:
    """Rebuild the read models whose stored tables were built by another version of their logic
    (the live listener leaves those alone, so they would show stale rows): what `serve` does on
    start, as it upgrades the schema. Returns their names."""
    from projections import Projections

    read_models = Projections(rt.engine)
    outdated = [s.name for s in read_models.status() if s.needs_rebuild]
    if outdated:
        typer.echo(f"read models built by another version of their logic: {', '.join(outdated)}; rebuilding them")
        _rebuild_with_progress(read_models, outdated)
    return outdated


def _rebuild_with_progress(read_models: Projections, names: list[str] | None) -> None:
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from projections import Progress as Step

    bar = Progress(
        TextColumn("{task.description:>9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
        # Redrawn when progress comes (every 10,000 events a replay process), not by a thread
        # of its own: with a second thread running, the rebuild must spawn its replay processes
        # (fork is only safe single-threaded), and each spawned one imports everything again.
        auto_refresh=False,
    )
    drawn = [0.0]
    with bar:
        task = bar.add_task("replay", total=None)

        def show(step: Step) -> None:
            bar.update(task, description=step.phase, completed=step.done, total=max(step.total, step.done))
            now = time.monotonic()
            if now - drawn[0] >= 0.2 or step.phase != "replay":  # the parent shares the replay's cores
                drawn[0] = now
                bar.refresh()

        done = read_models.rebuild(names, progress=show)
    rows = ", ".join(f"{n:,} {t}" for t, n in done.rows.items())
    typer.echo(
        f"rebuilt {', '.join(done.projections)} to position {done.position}: {done.events:,} events in "
        f"{done.seconds:.2f} s ({done.events_per_second:,.0f} events/s); rows: {rows}"
    )


# --------------------------------------------------------------------------- demo


@app.command()
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
    every step sent through the workflow as the person whose step it is. Then issues one token per
    role and prints them with what each can do."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from api import demo as demo_data
    from projections import alert_counts

    if unions < demo_data.MIN_UNIONS:
        raise _fail(f"--unions: at least {demo_data.MIN_UNIONS}, so that every situation appears once", 2)
    import sqlalchemy as sa

    from events import SchemaNotReady

    rt = _runtime(database_url)
    try:
        existing = rt.store.last_position()
    except (SchemaNotReady, sa.exc.DBAPIError):
        existing = 0  # no schema yet: a fresh database
    if existing > 0:
        where = rt.engine.url.render_as_string(hide_password=True)
        if if_empty:
            typer.echo(
                f"{where} already holds {existing:,} events: no demo loaded. Tokens are shown only "
                "when issued: issue one with `unionflow token issue --person ID --role ROLE --org ORG` "
                "(`unionflow token list` shows those issued, without their secrets).",
                err=True,
            )
            return
        raise _fail(
            f"{where} already holds {existing:,} events: the demo loads only into an empty "
            "database (use another --database-url, or remove the file)"
        )
    if rt.pending():
        rt.upgrade()
    bar = Progress(
        TextColumn("loading the demo"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("commands"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    with bar:
        task = bar.add_task("demo", total=None)
        builder, result = demo_data.load_demo(
            rt, unions, seed, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    today = rt.service.clock()
    typer.echo(
        f"Loaded {result.unions} grassroots unions under 大连市总工会: {result.commands:,} commands, "
        f"{result.events:,} events, in {result.seconds:.1f} s ({result.commands / result.seconds:,.0f} commands/s), "
        f"every one checked by the rules and recorded with its evidence."
    )
    situations = demo_data.situations_now(rt, today)
    output.emit_rows(
        [{"situation": k, "unions": n} for k, n in sorted(situations.items())],
        [("situation", "situation"), ("unions", "unions")],
        output.Format.table,
        title=f"Unions by situation on {today}",
    )
    counts = alert_counts(rt.engine, today, demo_data.CITY)
    output.emit_rows(
        [{"kind": k, "n": counts.get(k, 0)} for k in sorted(counts)],
        [("kind", "alert"), ("n", "unions")],
        output.Format.table,
        title=f"Alerts on {today} (RULES.md §6)",
    )
    from api.app import create_app

    paths = {getattr(route, "path", "") for route in create_app(rt).routes}
    tokens = demo_data.issue_tokens(rt, builder, base_url.rstrip("/"), paths)
    typer.echo("\nTokens (shown once; only their hashes are stored; valid 90 days):\n")
    for t in tokens:
        typer.secho(f"{t.role} — {t.person_id} for {t.org_id} {t.org_name}", bold=True)
        typer.echo(f"  can:   {t.can}")
        typer.echo(f"  token: {t.token}")
        for url in t.try_urls:
            typer.echo(f"  try:   curl -H 'Authorization: Bearer {t.token}' '{url}'")
        typer.echo("")
    street = next((t.org_id for t in tokens if t.role == "approver"), "DL-ZS-01")
    typer.secho(f"Web pages: open {base_url.rstrip('/')}/ui/ and sign in with one of the tokens above.", bold=True)
    typer.echo(
        "Issue more with `unionflow token issue --person ID --role ROLE --org ORG`; the API's documentation "
        f"is at {base_url.rstrip('/')}/docs. Try the command line too: `unionflow alerts --org DL-ZS`, "
        f"`unionflow status {tokens[0].org_id}`, `unionflow inbox --org {street}`."
    )


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


from api.cli_io import register_io  # noqa: E402  (the import and export commands)

register_io(app)


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


if __name__ == "__main__":
    main()
