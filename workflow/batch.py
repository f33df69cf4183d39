"""Many commands decided in order and written in one transaction: for bulk work such as a
registry import, where one transaction per command is the cost.

Each command is decided against the state the earlier ones leave (kept in memory, not read back),
with exactly the checks a single command gets (its handler, authority, DATE-FUTURE). Every command
is decided even after a refusal, so all refusals are reported at once; if any is refused, or on a
dry run, nothing is written."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from events import EventMetadata, NewEvent, RecordedEvent
from events.catalogue import org_stream
from events.model import make_recorded_event
from events.store import AppendListener, StreamAppend
from workflow import commands as c
from workflow.authority import Actor
from workflow.errors import DomainError
from workflow.fold import evolve
from workflow.handlers import decide, target_of
from workflow.rules import require_not_in_the_future
from workflow.state import UnionState
from workflow.unit_of_work import BatchUnitOfWork, collecting


@dataclass(frozen=True)
class CommandResult:
    union_id: str
    procedure_id: str | None
    version: int  # the union stream's version after the command (the HTTP ETag)
    events: list[RecordedEvent] = field(default_factory=list)
    replayed: bool = False  # an idempotent retry: the first answer, nothing written


@dataclass(frozen=True)
class BatchRefusal:
    """A command of a batch that the workflow refused, with its place in the batch."""

    index: int
    command: c.Command
    error: DomainError


@dataclass
class BatchOutcome:
    """What `WorkflowService.execute_many` did: every command's result when the batch was written,
    or every refusal when it was not (then nothing was written)."""

    results: list[CommandResult] = field(default_factory=list)
    refusals: list[BatchRefusal] = field(default_factory=list)
    written: bool = False
    # A dry run's decisions: each command not refused, by its place in the batch, as the part it
    # would append; and the version of every stream the decisions read from the store (a bulk
    # writer appends the parts later, as long as none of those streams has moved on).
    decided: list[tuple[int, StreamAppend]] = field(default_factory=list)
    read: dict[str, int] = field(default_factory=dict)


@dataclass
class _Planned:
    index: int
    union_id: str
    procedure_id: str | None
    part: StreamAppend


def _start_new_streams(uow: BatchUnitOfWork, cmds: Sequence[c.Command]) -> None:
    # Streams that do not exist yet need no read: start them empty (bulk imports are mostly new).
    targets = {target_of(cmd) for cmd in cmds} - uow.states.keys()
    existing = uow.store.stream_versions([org_stream(t) for t in targets])
    for t in targets:
        if org_stream(t) not in existing:
            uow.states[t] = UnionState(org_id=t)


def decide_batch(
    uow: BatchUnitOfWork, cmds: Sequence[c.Command], actor: Actor, today: dt.date, correlation: str
) -> tuple[list[_Planned], list[BatchRefusal]]:
    """Decide every command on the batch's states, folding each decision in for the next ones."""
    _start_new_streams(uow, cmds)
    planned: list[_Planned] = []
    refusals: list[BatchRefusal] = []
    recorded_at = dt.datetime.now(dt.UTC)
    for index, cmd in enumerate(cmds):
        union = uow.load(target_of(cmd))
        try:
            require_not_in_the_future(cmd.occurred_on, today)
            procedure_id, new_events = decide(cmd, union, uow, actor)
        except DomainError as exc:
            refusals.append(BatchRefusal(index, cmd, exc))
            continue
        stream_id = org_stream(union.org_id)
        metadata = EventMetadata(
            actor_id=actor.person_id,
            role=actor.role,
            acting_org=actor.org_id,
            command_id=str(uuid.uuid4()),
            correlation_id=correlation,
        )
        part = StreamAppend(stream_id, [NewEvent(ev, cmd.occurred_on) for ev in new_events], union.version, metadata)
        planned.append(_Planned(index, union.org_id, procedure_id, part))
        # The decision's effect, for the batch's later commands (provisional: no position yet).
        for ev in new_events:
            provisional = make_recorded_event(
                0, stream_id, union.version + 1, ev.event_type, ev.schema_version, ev, metadata,
                cmd.occurred_on, recorded_at, "", "",
            )  # fmt: skip
            evolve(union, provisional)
    return planned, refusals


def write_batch(uow: BatchUnitOfWork, planned: list[_Planned], listener: AppendListener | None) -> list[CommandResult]:
    """Append every planned part in one transaction; each command's result with its events."""
    written: list[RecordedEvent] = []
    appended = uow.store.append_many([p.part for p in planned], listener=collecting(written, listener))
    first = written[0].position if written else 0
    results = []
    for p, done in zip(planned, appended, strict=True):
        records = written[done.first_position - first : done.last_position - first + 1]
        results.append(CommandResult(p.union_id, p.procedure_id, done.last_version, records))
    return results
