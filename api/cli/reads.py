"""The operator's read commands over lists: `history`, `alerts`, `inbox` and `coverage` (`status`
is in `api.cli.status`). They read the database directly and unscoped (`UNSCOPED`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from api import output
from api.cli.common import (
    AsOfOption,
    DatabaseUrl,
    FormatOption,
    date_option,
    fail,
    format_option,
    org_option,
    ready_runtime,
)

if TYPE_CHECKING:
    from api.runtime import Runtime

ALERT_COLUMNS = [
    ("kind", "alert"),
    ("org_id", "union"),
    ("name", "name"),
    ("deadline", "deadline"),
    ("days_overdue", "days"),
    ("procedure_id", "procedure"),
    ("basis", "basis"),
]


def names_of(rt: Runtime, org_ids: set[str]) -> dict[str, str]:
    """The register's names of these organisations, in a few queries whatever their number."""
    from projections.queries import org_names

    return org_names(rt.engine, org_ids)


def alert_rows(rt: Runtime, alerts: list[Any]) -> list[dict[str, Any]]:
    names = names_of(rt, {a.org_id for a in alerts})
    return [output.plain(a) | {"name": names.get(a.org_id, "")} for a in alerts]


def _rules(evidence: list[dict[str, Any]]) -> list[str]:
    """The rule IDs an event's evidence cites, once each, in order."""
    return list(dict.fromkeys(str(e["rule"]) for e in evidence if isinstance(e, dict) and e.get("rule")))


HISTORY_COLUMNS = [
    ("version", "v"),
    ("occurred_on", "occurred"),
    ("recorded_at", "recorded (UTC)"),
    ("event_type", "event"),
    ("actor_id", "who"),
    ("role", "role"),
    ("acting_org", "for"),
    ("rules", "evidence"),
]


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

    form = format_option(fmt)
    rt = ready_runtime(database_url)
    union_id, _, rest = target.partition(":")
    union = rt.service.load(union_id) if union_id else None
    if union is None or not union.exists:
        raise fail(f"no organisation {union_id!r}")
    if rest and target not in union.procedures:
        raise fail(f"union {union_id} has no procedure {target}")
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
    columns = list(HISTORY_COLUMNS)
    if not rest:
        columns.insert(4, ("procedure_id", "procedure"))
    if form is output.Format.csv:
        columns = [*columns, ("evidence", "evidence_json")]
    output.emit_rows(rows, columns, form, title=f"History of {target} ({len(rows)} events)", json_rows=entries)


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

    form = format_option(fmt)
    on = date_option("--as-of", as_of)
    unknown = [k for k in kind or [] if k not in ALERT_KINDS]
    if unknown:
        raise fail(f"--kind: unknown alert kind {', '.join(map(repr, unknown))}; known: {', '.join(ALERT_KINDS)}", 2)
    rt = ready_runtime(database_url)
    org_option(rt, "--org", org)
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
    rows = alert_rows(rt, found)
    scope = f" under {org}" if org else ""
    output.emit_rows(rows, ALERT_COLUMNS, form, title=f"{len(rows)} alert(s) on {day}{scope}")


INBOX_COLUMNS = [
    ("filed_on", "filed"),
    ("waited_days", "days"),
    ("overdue", "overdue"),
    ("org_id", "union"),
    ("name", "name"),
    ("waiting_for", "waiting for"),
    ("procedure_id", "procedure"),
    ("filed_by", "filed by"),
]


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

    form = format_option(fmt)
    on = date_option("--as-of", as_of)
    if org is None:
        raise fail("--org: name the organisation whose inbox to show", 2)
    rt = ready_runtime(database_url)
    org_option(rt, "--org", org)
    day = on or rt.service.clock()
    items = projections.inbox(rt.engine, org, on=day, limit=None).items
    names = names_of(rt, {i.org_id for i in items})
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
    json_rows = [output.plain(i) | {"name": names.get(i.org_id, ""), "overdue": i.overdue} for i in items]
    output.emit_rows(
        rows, INBOX_COLUMNS, form, title=f"{len(rows)} filing(s) waiting on {org} on {day}", json_rows=json_rows
    )


COVERAGE_COLUMNS = [
    ("subtree", "subtree"),
    ("name", "name"),
    ("units", "units"),
    ("founded", "founded"),
    ("founding_rate", "founding rate"),
    ("founding_rate_25plus", "rate 25+"),
    ("founding_rate_enterprises", "rate ent."),
    ("members", "members"),
    ("membership_rate", "membership rate"),
    ("terms_ended", "terms ended"),
    ("on_time_rate", "on time"),
    ("direct_election_share", "直选"),
    ("without_full_time_chair", "200+ no FT"),
]


def coverage(
    org: Annotated[str | None, typer.Option("--org", help="This organisation's subtree; default: everything.")] = None,
    as_of: AsOfOption = None,
    fmt: FormatOption = "table",
    database_url: DatabaseUrl = None,
) -> None:
    """Coverage figures of RULES.md §7 (founding rate, also for units with 25+ employees and for
    enterprises, membership rate, on-time re-election rate, enterprise chairs elected directly
    (直选), unions of 200+ employees without a full-time chair: R-FULLTIME) for a subtree, and for
    each organisation directly below it. JSON and CSV carry every count and each figure by its
    stable key; each figure a target applies to (the organisation's own, else its nearest
    ancestor's) has the target beside it, marked ✓ when met and ✗ when not."""
    import projections
    from projections import queries

    form = format_option(fmt)
    on = date_option("--as-of", as_of)
    rt = ready_runtime(database_url)
    org_option(rt, "--org", org)
    day = on or rt.service.clock()
    scopes = [org, *(queries.federations_below(rt.engine, org) if org is not None else [])]
    names = names_of(rt, {s for s in scopes if s is not None})
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
            | c.figures()  # each figure by its stable key (RULES.md §7)
        )
        rows[-1]["targets"] = queries.beside_targets(rows[-1], queries.coverage_targets(rt.engine, scope))
    output.emit_rows(rows, _with_targets(rows, form), form, title=f"Coverage on {day} (RULES.md §7)")


def _with_targets(rows: list[dict[str, Any]], form: output.Format) -> list[tuple[str, str]]:
    """The columns of the coverage rows, each figure's target beside it (`<figure>_target`): the
    share in CSV, "≥ 91.0% ✗" in a table; JSON shows each row's `targets` as they are."""
    for r in rows:
        for figure, t in r["targets"].items() if form is not output.Format.json else ():
            sign, mark = "≥" if t["reads"] == "at_least" else "≤", {True: " ✓", False: " ✗", None: ""}[t["met"]]
            r[f"{figure}_target"] = t["target"] if form is output.Format.csv else f"{sign} {t['target']:.1%}{mark}"
    if form is not output.Format.table:
        keys = dict.fromkeys(["subtree", "name", *(k for r in rows for k in r if k != "targets")])
        return [(k, k) for k in keys]
    targeted = {figure for r in rows for figure in r["targets"]}
    columns: list[tuple[str, str]] = []
    for key, header in COVERAGE_COLUMNS:
        columns += [(key, header), *([(f"{key}_target", "target")] if key in targeted else [])]
    return columns
