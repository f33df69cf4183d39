"""`unionflow status`: one union (register facts, current term, chair, open procedures, alerts) or
one procedure (state, version, facts, whom it waits on), now or at a past moment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api import output
from api.cli.common import (
    DatabaseUrl,
    RecordFormatOption,
    date_option,
    fail,
    format_option,
    ready_runtime,
    time_option,
)
from api.cli.reads import ALERT_COLUMNS, alert_rows
from events.flows import FLOWS

if TYPE_CHECKING:
    from api.runtime import Runtime
    from workflow.state import Procedure, UnionState

Pairs = list[tuple[str, Any]]


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
    form = format_option(fmt, ("table", "json"))
    on, until = date_option("--as-of", as_of), time_option("--recorded-at", recorded_at)
    rt = ready_runtime(database_url)
    union_id, _, rest = target.partition(":")
    if not union_id:
        raise fail(f"{target!r} is neither a union id nor a procedure id (UNION:kind-n)", 2)
    if not rt.service.load(union_id).exists:
        raise fail(f"no organisation {union_id!r}")
    union = rt.service.load(union_id, as_of=on, recorded_until=until)
    if not union.exists:
        raise fail(f"organisation {union_id} did not exist yet at that moment")
    moment = [(label, value) for label, value in (("as of", on), ("as recorded at", until)) if value is not None]
    if rest:
        proc = union.procedures.get(target)
        if proc is None:
            raise fail(f"union {union_id} has no procedure {target}" + (" at that moment" if on or until else ""))
        _procedure_status(union, proc, form, moment)
    else:
        _union_status(rt, union, form, moment, on, until)


# --------------------------------------------------------------------------- a procedure


def _waiting_on(union: UnionState, proc: Procedure) -> str:
    """Who must act next on `proc`: the higher-level union (R-APPROVER), the union's staff, or nobody."""
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
    return {
        "procedure_id": proc.procedure_id,
        "kind": proc.kind,
        "state": proc.state,
        "closed": proc.state in FLOWS[proc.kind].terminal,
        "opened_on": proc.opened_on,
        "last_moved_on": proc.last_moved_on,
        "filed_on": proc.filed_on,
        "waiting_on": _waiting_on(union, proc),
        "profile": f"{proc.profile.name} v{proc.profile.version}",
    }


def _facts(proc: Procedure) -> Pairs:
    """The procedure's own facts (what its steps recorded), one level of nesting flattened."""
    import dataclasses

    from workflow.state import Procedure as Base

    common = {f.name for f in dataclasses.fields(Base)}
    pairs: Pairs = []
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


def _procedure_status(union: UnionState, proc: Procedure, form: output.Format, moment: Pairs) -> None:
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


# --------------------------------------------------------------------------- a union


def _union_facts(rt: Runtime, union: UnionState, moment: Pairs) -> Pairs:
    """The register's facts of the union (and of its unit, and its founding), as of the moment."""
    parent = rt.service.load(union.parent_id).name if union.parent_id else None
    unit = union.unit
    facts: Pairs = [
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
    if union.founded_on or union.term:
        # An imported union whose registry did not give them: unknown, never the term's start.
        founded = union.founded_on or "unknown"
        facts += [("founded on", founded), ("legal person", union.legal_person_no or "not registered")]
        facts += [("last congress", union.last_congress_on or "unknown")]
    if union.dissolved_on is not None:
        facts += [("dissolved on", f"{union.dissolved_on} ({union.dissolution_reason}, R-DISSOLVE)")]
    covered = [k for k, u in union.covered_units.items() if u.left_on is None]
    if union.level == "joint":
        facts += [("units covered", ", ".join(covered) or "none")]
    return facts


def _current_term(union: UnionState) -> Pairs:
    """The current term and who holds its posts; empty when the union has no term."""
    t = union.term
    if t is None:
        return []
    term: Pairs = [
        ("term", t.number),
        ("start", t.start),
        ("years", t.years),
        ("end", t.end),
        ("deadline", t.deadline if t.deadline == t.end else f"{t.deadline} (extended by {t.extension_procedure})"),
        ("started by", t.started_by or "imported from a registry"),
    ]
    if t.early_reelection_procedure:
        term.append(("early re-election", f"approved ({t.early_reelection_procedure}), congress {t.early_congress_on}"))
    return [
        *term,
        ("chair", union.chair or (f"vacant (acting: {union.acting_chair})" if union.acting_chair else "unknown")),
        ("vice-chairs", union.vice_chairs),
        ("committee", union.committee),
        ("funds review", union.funds_review),
    ]


def _firing_alerts(rt: Runtime, union: UnionState, day: dt.date, on: dt.date | None, until: dt.datetime | None) -> Any:
    """The alerts firing on `day` in the union's subtree: from the read model, or, as recorded at
    `until`, from the union's stream folded through the alerts projection."""
    import projections

    if until is None:
        return projections.alerts(rt.engine, on=day, subtree=union.org_id, limit=None).items
    return projections.union_as_of(rt.store, union.org_id, on, recorded_until=until).alerts(day)


def _subtree_sections(rt: Runtime, union: UnionState, firing: list[Any], day: dt.date, now: bool) -> list[Any]:
    """Above the grassroots: the alerts of the subtree counted by kind and, now, the inbox's size."""
    import projections

    counts: dict[str, int] = {}
    for a in firing:
        counts[a.kind] = counts.get(a.kind, 0) + 1
    by_kind: Pairs = sorted(counts.items()) or [("none", "")]
    sections: list[Any] = [(f"Alerts in the subtree on {day}", by_kind)]
    if now:
        waiting = projections.inbox(rt.engine, union.org_id, on=day, limit=None).items
        sections.append(
            (
                "Filings waiting on it (inbox)",
                [("waiting", len(waiting)), ("over the reply window", sum(i.overdue for i in waiting))],
            )
        )
    return sections


OPEN_PROCEDURE_COLUMNS: output.Columns = [
    ("procedure_id", "procedure"),
    ("state", "state"),
    ("last_moved_on", "last step"),
    ("waiting_on", "waiting on"),
]


def _union_status(
    rt: Runtime,
    union: UnionState,
    form: output.Format,
    moment: Pairs,
    on: dt.date | None,
    until: dt.datetime | None,
) -> None:
    term = _current_term(union)
    procs = [_procedure_row(union, p) for p in union.procedures.values()]
    open_procs = [p for p in procs if not p["closed"]]
    day = on or rt.service.clock()
    firing = _firing_alerts(rt, union, day, on, until)
    sections = [(f"Organisation {union.org_id}", _union_facts(rt, union, moment))]
    if term:
        sections.append(("Current term", term))
    lists: list[tuple[str, list[dict[str, Any]], output.Columns]] = []
    if union.level == "grassroots" or procs:
        lists.append((f"Open procedures ({len(open_procs)} of {len(procs)})", open_procs, OPEN_PROCEDURE_COLUMNS))
    if union.level == "grassroots":
        lists.append((f"Alerts on {day}", alert_rows(rt, firing), ALERT_COLUMNS[:1] + ALERT_COLUMNS[3:]))
    else:
        sections += _subtree_sections(rt, union, firing, day, now=until is None and on is None)
    body = output.plain({k: v for k, v in vars(union).items() if k != "procedures"})
    body |= {"procedures": procs, "alerts": alert_rows(rt, firing), "as_of": on, "recorded_at": until}
    output.emit_record(sections, form, json_body=body, lists=lists)
