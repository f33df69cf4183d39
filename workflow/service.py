"""The application service: turns a command from a person into events.

Every command goes the same short way: the unit of work loads the union's stream, the command's
handler (`workflow.handlers`) checks the actor's authority and decides through the guards (which
raise domain errors naming the rule and the numbers), and the unit of work appends with the
version that was read. A concurrent change surfaces as `events.ConcurrencyError`, which the caller
may retry; nothing is ever lost or overwritten.

The clock is passed in (`clock`), and only read here, at the edge of the domain: decisions
receive `today` as a value."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence

from events import AppendResult, ConcurrencyError, EventMetadata, EventStore, RecordedEvent
from events.catalogue import org_stream
from events.store import AppendListener, StreamAppend
from workflow import affordances
from workflow import commands as c
from workflow.affordances import AllowedStep
from workflow.authority import Actor
from workflow.batch import BatchOutcome, BatchRefusal, CommandResult, decide_batch, write_batch
from workflow.fold import fold
from workflow.handlers import decide, target_of
from workflow.profile import ProfileRegistry, RuleProfile
from workflow.rules import require_not_in_the_future
from workflow.snapshots import Snapshots
from workflow.state import Procedure, UnionState
from workflow.unit_of_work import BatchUnitOfWork, RecentStreams, RegionLookup, StreamUnitOfWork, Write

__all__ = ["AllowedStep", "BatchOutcome", "BatchRefusal", "Clock", "CommandResult", "WorkflowService", "system_clock"]

Clock = Callable[[], dt.date]


def system_clock() -> dt.date:
    return dt.date.today()


def command_fingerprint(cmd: c.Command, actor: Actor) -> str:
    body = f"{type(cmd).__name__}\x1f{cmd.model_dump_json()}\x1f{actor.model_dump_json()}"
    return hashlib.sha256(body.encode()).hexdigest()


class WorkflowService:
    def __init__(
        self,
        store: EventStore,
        profiles: ProfileRegistry | None = None,
        *,
        clock: Clock = system_clock,
        default_profile: str = "national",
        listener: AppendListener | None = None,
        cache_size: int = 20_000,
        regions: RegionLookup | None = None,
    ) -> None:
        self.store = store
        self.recent = RecentStreams(cache_size)
        self.snapshots = Snapshots()
        self.profiles = profiles or ProfileRegistry.with_defaults()
        self.clock = clock
        self.default_profile = default_profile
        self.listener = listener
        # Where openings find their region's profile fast (the api's, from the register); without
        # it the unit of work walks up the tree's streams.
        self.regions = regions

    def _uow(self) -> StreamUnitOfWork:
        return StreamUnitOfWork(
            self.store, self.profiles, self.default_profile, self.recent, self.listener, self.regions
        )

    # ------------------------------------------------------------------ reading

    def load(
        self,
        org_id: str,
        *,
        to_version: int | None = None,
        recorded_until: dt.datetime | None = None,
        as_of: dt.date | None = None,
    ) -> UnionState:
        """The union as its stream tells it: now, up to a version, as recorded by a time (what the
        system knew then), or as of a business date (the facts that had happened by then)."""
        records: Iterator[RecordedEvent] = self.store.read_stream(
            org_stream(org_id), to_version=to_version, recorded_until=recorded_until
        )
        if as_of is not None:
            records = (r for r in records if r.occurred_on <= as_of)
        return fold(org_id, records)

    def load_now(self, org_id: str) -> UnionState:
        """The union as it is now, folded at most once per version of its stream: the state kept
        for reads (`workflow.snapshots`) when the stream has not moved on (one statement to know),
        else folded from the events the write side keeps, when they are current, else from the
        store's."""
        stream_id = org_stream(org_id)
        version = self.store.stream_version(stream_id)
        kept = self.snapshots.get(org_id, version)
        if kept is not None:
            return kept
        records = self.recent.get(stream_id)
        if not records or records[-1].version != version:
            records = tuple(self.store.read_stream(stream_id))
        state = fold(org_id, records)
        self.snapshots.put(state)
        return state

    def profile(self, name: str | None = None, version: int | None = None) -> RuleProfile:
        """A registered profile (a version of it, or its latest), else the deployment's default."""
        return self._uow().profile(name, version)

    def allowed_steps(self, union: UnionState, proc: Procedure, actor: Actor) -> list[AllowedStep]:
        return affordances.allowed_steps(union, proc, actor)

    def openable_kinds(self, union: UnionState, actor: Actor) -> list[str]:
        return affordances.openable_kinds(union, actor)

    def allowed_union_commands(self, union: UnionState, actor: Actor, ancestors: list[str] | None = None) -> list[str]:
        """`ancestors`: the chain above the union when the caller knows it (else folded from the
        ancestors' streams, when an administrator's authority needs it)."""
        chain = (lambda: ancestors) if ancestors is not None else (lambda: self._uow().ancestors(union.parent_id))
        return affordances.allowed_union_commands(union, actor, chain)

    # ------------------------------------------------------------------ writing

    def execute(
        self,
        cmd: c.Command,
        actor: Actor,
        *,
        expected_version: int | None = None,
        idempotency_key: str | None = None,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> CommandResult:
        fingerprint = command_fingerprint(cmd, actor) if idempotency_key else None
        if idempotency_key is not None and fingerprint is not None:
            done = self.store.find_idempotent(idempotency_key, fingerprint)
            if done is not None:
                return self._replayed(done)
        require_not_in_the_future(cmd.occurred_on, self.clock())
        command_id = str(uuid.uuid4())
        metadata = EventMetadata(
            actor_id=actor.person_id,
            role=actor.role,
            acting_org=actor.org_id,
            command_id=command_id,
            correlation_id=correlation_id or command_id,
            causation_id=causation_id,
        )
        write = Write(cmd.occurred_on, metadata, expected_version, idempotency_key, fingerprint)
        uow = self._uow()
        union_id = target_of(cmd)
        procedure_id, written = uow.run(union_id, lambda union: decide(cmd, union, uow, actor), write)
        if isinstance(written, AppendResult):
            return self._replayed(written)
        return CommandResult(union_id, procedure_id, written[-1].version, written)

    def execute_many(
        self,
        cmds: Sequence[c.Command],
        actor: Actor,
        *,
        dry_run: bool = False,
        correlation_id: str | None = None,
        states: dict[str, UnionState] | None = None,
    ) -> BatchOutcome:
        """Decide many commands in order and append them in one transaction (`workflow.batch`).
        `states` lets a caller carry the in-memory states from one dry-run batch to the next (it is
        read and updated); without it the states are loaded from the store, and a batch whose
        streams moved on meanwhile is decided again on fresh states (up to three times) before
        ConcurrencyError propagates."""
        attempts = 0
        while True:
            attempts += 1
            uow = BatchUnitOfWork(self._uow(), {} if states is None else states)
            planned, refusals = decide_batch(uow, cmds, actor, self.clock(), correlation_id or str(uuid.uuid4()))
            if dry_run:
                decided = [(p.index, p.part) for p in planned]
                return BatchOutcome(refusals=refusals, decided=decided, read=dict(uow.read))
            if refusals or not planned:
                return BatchOutcome(refusals=refusals)
            try:
                return BatchOutcome(results=write_batch(uow, planned, self.listener), written=True)
            except ConcurrencyError:
                if states is not None or attempts >= 3:
                    raise
            finally:
                for p in planned:
                    self.recent.drop(p.part.stream_id)

    def append_decided(self, parts: Sequence[StreamAppend]) -> list[AppendResult]:
        """Append parts a dry run of `execute_many` decided, in one transaction, the read models
        updated in it. Each part's expected version is checked as any append's is (a stream
        written since raises ConcurrencyError); the caller checks the streams the decisions read."""
        try:
            return self.store.append_many(parts, listener=self.listener)
        finally:
            for part in parts:
                self.recent.drop(part.stream_id)

    def _replayed(self, done: AppendResult) -> CommandResult:
        recorded = [
            r
            for r in self.store.read_stream(done.stream_id, to_version=done.last_version)
            if r.version >= done.first_version
        ]
        pid = getattr(recorded[0].event, "procedure_id", None) if recorded else None
        union_id = done.stream_id.removeprefix("org-")
        return CommandResult(union_id, pid, done.last_version, recorded, replayed=True)
