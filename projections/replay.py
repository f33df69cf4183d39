"""Replay for auditors: pure functions over events read from the store.

- `history`: every event of a union or of one procedure, with who did it, in which role, for which
  organisation, its business date and recording time, and the rule evidence it carries.
- `union_as_of` / `procedure_as_of`: the union's (or procedure's) read models as of a business date
  (the facts that had happened by then, whenever they were recorded) and/or as recorded by a time
  (what the system knew then). Answered by folding the filtered stream through the very handlers
  and rendering the live projections use, into memory.
- `alerts_as_recorded`: the alerts that fired on a date as the system knew it by a time, folding
  every union's stream (only the events recorded by then) the same way.

The two time axes differ for backdated entries: a chair's departure recorded in June with the
business date 10 May is part of the union "as of 20 May", but not of the union "as recorded on
1 June"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from events import EventStore, RecordedEvent, reading
from events.catalogue import org_stream
from events.rows import EventRow, decode_rows
from projections.base import Folder, Projection
from projections.feed import Ev
from projections.models.alert_periods import periods
from projections.models.alerts import Alerts, UnionAlerts
from projections.models.procedures import COLUMNS as PROCEDURE_COLUMNS
from projections.models.procedures import Procedures, UnionProcedures
from projections.models.register import ORG_COLUMNS, TERM_COLUMNS, Register, RegisterState
from projections.queries import (
    Alert,
    ProcedureStatus,
    Term,
    UnionRecord,
    alert_record,
    procedure_record,
    term_record,
    union_record,
)
from projections.tree import Tree, subtree_range

_ALERT_COLUMNS = (
    "org_id",
    "kind",
    "seq",
    "path",
    "fires_from",
    "fires_until",
    "deadline",
    "rule",
    "procedure_id",
    "window",
    "basis",
)


@dataclass(frozen=True)
class HistoryEntry:
    position: int
    version: int
    event_type: str
    occurred_on: dt.date  # business date
    recorded_at: dt.datetime  # when the system recorded it (UTC)
    actor_id: str
    role: str
    acting_org: str | None
    command_id: str | None
    correlation_id: str | None
    org_id: str
    procedure_id: str | None
    evidence: list[dict[str, Any]]
    payload: dict[str, Any]
    hash: str


def _entry(r: RecordedEvent) -> HistoryEntry:
    payload = r.event.model_dump(mode="json")
    return HistoryEntry(
        position=r.position,
        version=r.version,
        event_type=r.event_type,
        occurred_on=r.occurred_on,
        recorded_at=r.recorded_at,
        actor_id=r.metadata.actor_id,
        role=r.metadata.role,
        acting_org=r.metadata.acting_org,
        command_id=r.metadata.command_id,
        correlation_id=r.metadata.correlation_id,
        org_id=r.stream_id.removeprefix("org-"),
        procedure_id=payload.get("procedure_id"),
        evidence=list(payload.get("evidence") or []),
        payload=payload,
        hash=r.hash,
    )


def _org_of_procedure(procedure_id: str) -> str:
    # The workflow names procedures "<union id>:<kind>-<n>" (workflow/service.py `_next_id`).
    return procedure_id.split(":", 1)[0]


def history(
    store: EventStore,
    org_id: str | None = None,
    procedure_id: str | None = None,
    *,
    recorded_until: dt.datetime | None = None,
) -> list[HistoryEntry]:
    """The events of a union (all of them) or of one of its procedures, in the order recorded."""
    if org_id is None:
        if procedure_id is None:
            raise ValueError("history needs an org_id or a procedure_id")
        org_id = _org_of_procedure(procedure_id)
    entries = [_entry(r) for r in store.read_stream(org_stream(org_id), recorded_until=recorded_until)]
    if procedure_id is not None:
        entries = [e for e in entries if e.procedure_id == procedure_id]
    return entries


def entries_of(store: EventStore, rows: Sequence[EventRow]) -> list[HistoryEntry]:
    """Stored rows read through `events.reading` (a subtree's latest, for its auditors), as history."""
    return [_entry(r) for r in decode_rows(rows, store.registry, sqlite=False)]


@dataclass
class UnionSnapshot:
    """A union's read models rebuilt in memory from part of its stream."""

    org_id: str
    as_of: dt.date | None
    recorded_until: dt.datetime | None
    version: int  # the last stream version folded (0: nothing)
    union: UnionRecord | None
    terms: list[Term] = field(default_factory=list)
    procedures: list[ProcedureStatus] = field(default_factory=list)
    alert_periods: list[dict[str, Any]] = field(default_factory=list)

    def procedure(self, procedure_id: str) -> ProcedureStatus | None:
        return next((p for p in self.procedures if p.procedure_id == procedure_id), None)

    def alerts(self, on: dt.date) -> list[Alert]:
        """The alerts that fire on `on`, from what this snapshot knows."""
        day = on.isoformat()
        return [alert_record(r, on) for r in self.alert_periods if r["fires_from"] <= day <= r["fires_until"]]


def fold_union(
    org_id: str, events: Iterable[Ev], tree: Tree
) -> tuple[RegisterState, UnionProcedures, UnionAlerts, int]:
    """Fold one union's events through the three projections, in memory."""
    projs: list[Projection[Any]] = [Register(tree), Procedures(tree), Alerts(tree)]
    folder = Folder(projs)
    states = folder.new_states(org_id)
    version = 0
    for ev in events:
        folder.fold(states, [ev])
        version = ev.version
    folder.finish(states, version)
    return states[0], states[1], states[2], version


def union_as_of(
    store: EventStore,
    org_id: str,
    as_of: dt.date | None = None,
    *,
    recorded_until: dt.datetime | None = None,
) -> UnionSnapshot:
    """The union as of business date `as_of` (events that occurred by then) and/or as recorded by
    `recorded_until` (events recorded by then); both default to everything."""
    records = store.read_stream(org_stream(org_id), recorded_until=recorded_until)
    events = [Ev.from_recorded(r) for r in records if as_of is None or r.occurred_on <= as_of]
    with store.engine.connect() as conn:
        tree = Tree()
        tree.conn = conn
        reg, procs, alerts_state, version = fold_union(org_id, events, tree)
    rendered_reg = Register(tree).render(reg)
    union = union_record(dict(zip(ORG_COLUMNS, rendered_reg["proj_orgs"][0], strict=True))) if reg.row else None
    terms = [term_record(dict(zip(TERM_COLUMNS, t, strict=True))) for t in rendered_reg.get("proj_terms", [])]
    procedures = [
        procedure_record(dict(zip(PROCEDURE_COLUMNS, p, strict=True)))
        for p in Procedures(tree).render(procs).get("proj_procedures", [])
    ]
    alert_rows = (
        [dict(zip(_ALERT_COLUMNS, a, strict=True)) for a in periods(org_id, alerts_state.path, alerts_state.facts)]
        if alerts_state.path is not None
        else []
    )
    return UnionSnapshot(org_id, as_of, recorded_until, version, union, terms, procedures, alert_rows)


def procedure_as_of(
    store: EventStore,
    procedure_id: str,
    as_of: dt.date | None = None,
    *,
    org_id: str | None = None,
    recorded_until: dt.datetime | None = None,
) -> ProcedureStatus | None:
    """One procedure as of a business date and/or as recorded by a time (None if not yet opened)."""
    snapshot = union_as_of(store, org_id or _org_of_procedure(procedure_id), as_of, recorded_until=recorded_until)
    return snapshot.procedure(procedure_id)


def alerts_as_recorded(
    store: EventStore,
    on: dt.date,
    *,
    recorded_until: dt.datetime | None = None,
    subtree: str | None = None,
    kinds: Sequence[str] | None = None,
) -> list[Alert]:
    """The alerts that fired on `on` as the system knew it at `recorded_until` (default: the end of
    `on`, UTC): every union's events recorded by then, folded through the alerts projection. Reads
    the whole log stream by stream (memory: one union at a time); for audits, not for dashboards,
    which use `projections.queries.alerts`."""
    until = recorded_until or dt.datetime.combine(on + dt.timedelta(days=1), dt.time())
    day = on.isoformat()
    out: list[Alert] = []
    with store.engine.connect() as conn:
        tree = Tree()
        tree.conn = conn
        bounds: tuple[str, str] | None = None
        if subtree is not None:
            info = tree.info(subtree)
            if info is None:
                raise LookupError(f"no organisation {subtree!r}")
            bounds = subtree_range(info.path)
        projection = Alerts(tree)
        folder = Folder([projection])
        stream: str | None = None
        state: list[Any] = []

        def finish() -> None:
            folder.finish(state, 0)
            s: UnionAlerts = state[0]
            if s.path is None or (bounds is not None and not bounds[0] <= s.path < bounds[1]):
                return
            for row in periods(s.org_id, s.path, s.facts):
                r = dict(zip(_ALERT_COLUMNS, row, strict=True))
                if r["fires_from"] <= day <= r["fires_until"] and (not kinds or r["kind"] in kinds):
                    out.append(alert_record(r, on))

        for row in reading.recorded_by(conn, until):
            ev = Ev.from_row(row)
            if ev.stream_id != stream:
                if stream is not None:
                    finish()
                stream = ev.stream_id
                state = folder.new_states(ev.org_id)
            folder.fold(state, [ev])
        if stream is not None:
            finish()
    out.sort(key=lambda a: (a.path, a.kind, a.fires_from))
    return out
