"""The application service: turns a command from a person into events.

Every command goes the same short way: load the union's stream, fold it, check the actor's
authority and the business date, let the procedure decide (its guards raise domain errors naming
the rule and the numbers), append with the version that was read. A concurrent change surfaces as
`events.ConcurrencyError`, which the caller may retry; nothing is ever lost or overwritten.

The clock is passed in (`clock`), and only read here, at the edge of the domain: decisions
receive `today` as a value."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from events import (
    AppendResult,
    ConcurrencyError,
    DomainEvent,
    EventMetadata,
    EventStore,
    NewEvent,
    RecordedEvent,
)
from events.catalogue import org_stream
from events.model import make_recorded_event
from events.store import AppendListener, StreamAppend
from workflow import by_election, congress, founding, organisations, reelection, term_change
from workflow import commands as c
from workflow.authority import Actor, require_admin_over, require_approver_of, require_staff_of
from workflow.errors import DomainError, InvalidDate, NotAuthorised, NotFound
from workflow.fold import KINDS, evolve, fold
from workflow.profile import ProfileRegistry, RuleProfile
from workflow.state import Procedure, UnionState

Clock = Callable[[], dt.date]


def system_clock() -> dt.date:
    return dt.date.today()


@dataclass(frozen=True)
class CommandResult:
    union_id: str
    procedure_id: str | None
    version: int  # the union stream's version after the command (the HTTP ETag)
    events: list[RecordedEvent] = field(default_factory=list)
    replayed: bool = False  # an idempotent retry: the first answer, nothing written


@dataclass(frozen=True)
class AllowedStep:
    trigger: str
    label: str
    command: str


class RecentStreams:
    """The events of recently used streams, so that a command need not read its union's whole
    history again. Safe across processes because appends are optimistic: a stream that moved on
    elsewhere fails the version check, and the handler then reads it afresh and decides again.
    Beside the events, the state they fold to is kept for the next command on the stream, which
    *takes* it (no other thread can have it meanwhile), folds only its own events into it after
    they are written and puts it back: folding a union's whole history again costs more than
    deciding a command (the decisions only read the state)."""

    def __init__(self, maxsize: int = 20_000) -> None:
        self.maxsize = maxsize
        self._streams: OrderedDict[str, tuple[RecordedEvent, ...]] = OrderedDict()
        self._states: dict[str, UnionState] = {}
        self._lock = threading.Lock()

    def take_state(self, stream_id: str, version: int) -> UnionState | None:
        """The folded state of the stream at `version`, if kept; the caller owns it now."""
        with self._lock:
            state = self._states.pop(stream_id, None)
        return state if state is not None and state.version == version else None

    def put_state(self, stream_id: str, state: UnionState) -> None:
        with self._lock:
            if stream_id in self._streams:  # only alongside its events (bounded with them)
                self._states[stream_id] = state

    def get(self, stream_id: str) -> tuple[RecordedEvent, ...] | None:
        with self._lock:
            records = self._streams.get(stream_id)
            if records is not None:
                self._streams.move_to_end(stream_id)
            return records

    def put(self, stream_id: str, records: tuple[RecordedEvent, ...]) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            self._streams[stream_id] = records
            self._streams.move_to_end(stream_id)
            while len(self._streams) > self.maxsize:
                gone, _ = self._streams.popitem(last=False)
                self._states.pop(gone, None)

    def drop(self, stream_id: str) -> None:
        with self._lock:
            self._streams.pop(stream_id, None)
            self._states.pop(stream_id, None)


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


class _BatchView:
    """The service as a batch sees it: `load` answers from the batch's in-memory states (the
    effect of the batch's earlier commands, not yet written), else from the store, once."""

    def __init__(self, service: WorkflowService, states: dict[str, UnionState]) -> None:
        self.service = service
        self.states = states

    def load(self, org_id: str) -> UnionState:
        state = self.states.get(org_id)
        if state is None:
            state = self.states[org_id] = self.service.load(org_id)
        return state


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
    ) -> None:
        self.store = store
        self.recent = RecentStreams(cache_size)
        self.profiles = profiles or ProfileRegistry.with_defaults()
        self.clock = clock
        self.default_profile = default_profile
        self.listener = listener

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

    def allowed_steps(self, union: UnionState, proc: Procedure, actor: Actor) -> list[AllowedStep]:
        """The steps `actor` may take on `proc` now (by state and authority; the rules are checked
        when the step is taken)."""
        machine = KINDS[proc.kind].machine
        may = {
            "approver": _permitted(lambda: require_approver_of(actor, union)),
            "staff": _permitted(lambda: require_staff_of(actor, union)),
        }
        steps: dict[str, AllowedStep] = {}
        for trigger in machine.triggers_from(proc.state):
            step = machine.flow.step(trigger)
            if may[step.decided_by]:
                steps.setdefault(step.name, AllowedStep(trigger, step.label_en, step.command))
        return list(steps.values())

    def allowed_union_commands(self, union: UnionState, actor: Actor) -> list[str]:
        """The commands `actor` may record on the union itself now, by its state and authority
        (the rules are checked when one is taken): its unit's facts (its staff, or an
        administrator over it), and for its staff once it is founded the yearly congress
        (R-ANNUAL) and, while it has vice-chairs, a vice-chair's removal (R-REMOVAL)."""
        if not union.exists or union.level not in organisations.GRASSROOTS_LEVELS:
            return []
        staff = _permitted(lambda: require_staff_of(actor, union))
        allowed: list[str] = []
        if staff or (
            actor.role == "admin"
            and _permitted(lambda: require_admin_over(actor, union.org_id, self._ancestors(union.parent_id)))
        ):
            allowed.append(c.UpdateUnitFacts.__name__)
        if staff and union.founded:
            allowed.append(c.RecordCongress.__name__)
            if union.vice_chairs:
                allowed.append(c.RemoveViceChair.__name__)
        return allowed

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
        today = self.clock()
        if cmd.occurred_on > today:
            raise InvalidDate(
                "DATE-FUTURE",
                f"occurred_on {cmd.occurred_on} is in the future (today is {today})",
                {"occurred_on": cmd.occurred_on.isoformat(), "today": today.isoformat()},
            )
        union_id = cmd.org_id if isinstance(cmd, c.RegisterOrganisation) else getattr(cmd, "union_id")  # noqa: B009
        stream_id = org_stream(union_id)
        metadata = EventMetadata(
            actor_id=actor.person_id,
            role=actor.role,
            acting_org=actor.org_id,
            command_id=(command_id := str(uuid.uuid4())),
            correlation_id=correlation_id or command_id,
            causation_id=causation_id,
        )
        cached = self.recent.get(stream_id)
        while True:
            history = cached if cached is not None else tuple(self.store.read_stream(stream_id))
            kept = self.recent.take_state(stream_id, history[-1].version) if cached else None
            union = kept if kept is not None else fold(union_id, history)
            try:
                if expected_version is not None and expected_version != union.version:
                    raise ConcurrencyError(stream_id, expected_version, union.version)
                procedure_id, written = self._decide_and_append(
                    union, cmd, actor, metadata, idempotency_key, fingerprint
                )
            except ConcurrencyError:
                self.recent.drop(stream_id)
                if cached is None:
                    raise
                cached = None  # the cached history was stale: read the stream and decide again
                continue
            except DomainError:
                # A refusal decided on a cached history that another process has since extended
                # never reaches the version check: decide again on the stream as it is.
                if cached is None or self.store.stream_version(stream_id) == union.version:
                    raise
                self.recent.drop(stream_id)
                cached = None
                continue
            if isinstance(written, AppendResult):
                return self._replayed(written)
            self.recent.put(stream_id, history + tuple(written))
            try:
                for r in written:
                    evolve(union, r)
            except Exception:  # pragma: no cover - the same fold as `load`'s; never fail a committed command
                pass
            else:
                self.recent.put_state(stream_id, union)
            return CommandResult(union_id, procedure_id, written[-1].version, written)

    def _decide_and_append(
        self,
        union: UnionState,
        cmd: c.Command,
        actor: Actor,
        metadata: EventMetadata,
        idempotency_key: str | None,
        fingerprint: str | None,
    ) -> tuple[str | None, list[RecordedEvent] | AppendResult]:
        procedure_id, new_events = self._decide(union, cmd, actor)
        # The store hands the events it wrote to the listener inside its transaction: keep them
        # (rather than reading the stream again) and pass them on to the read models, if any.
        written: list[RecordedEvent] = []

        def on_appended(conn: Any, recorded: Sequence[RecordedEvent]) -> None:  # conn: the store's transaction
            written.extend(recorded)
            if self.listener is not None:
                self.listener(conn, recorded)

        appended = self.store.append(
            org_stream(union.org_id),
            [NewEvent(ev, cmd.occurred_on) for ev in new_events],
            expected_version=union.version,
            metadata=metadata,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            listener=on_appended,
        )
        return procedure_id, (appended if appended.replayed else written)

    def execute_many(
        self,
        cmds: Sequence[c.Command],
        actor: Actor,
        *,
        dry_run: bool = False,
        correlation_id: str | None = None,
        states: dict[str, UnionState] | None = None,
    ) -> BatchOutcome:
        """Decide many commands in order, each against the state the earlier ones leave (kept in
        memory, not read back), with exactly the checks `execute` makes (`_decide`, authority,
        DATE-FUTURE), then append them all in one transaction with the read-model listener.

        For bulk work such as a registry import, where one transaction per command is the cost.
        Every command is decided even after a refusal, so all refusals are reported at once; if
        any command is refused, or with `dry_run`, nothing is written. `states` lets a caller
        carry the in-memory states from one dry-run batch to the next (it is read and updated);
        without it the states are loaded from the store, and a batch whose streams moved on
        meanwhile is decided again on fresh states (up to three times) before ConcurrencyError
        propagates."""
        attempts = 0
        while True:
            attempts += 1
            try:
                return self._execute_batch(cmds, actor, dry_run, correlation_id, states)
            except ConcurrencyError:
                if states is not None or attempts >= 3:
                    raise
                for cmd in cmds:
                    self.recent.drop(org_stream(_target_of(cmd)))

    def _execute_batch(
        self,
        cmds: Sequence[c.Command],
        actor: Actor,
        dry_run: bool,
        correlation_id: str | None,
        states: dict[str, UnionState] | None,
    ) -> BatchOutcome:
        today = self.clock()
        view = _BatchView(self, {} if states is None else states)
        # Streams that do not exist yet need no read: start them empty (bulk imports are mostly new).
        targets = {_target_of(cmd) for cmd in cmds} - view.states.keys()
        existing = self.store.stream_versions([org_stream(t) for t in targets])
        for t in targets:
            if org_stream(t) not in existing:
                view.states[t] = UnionState(org_id=t)
        # `_decide` reads organisations through `self.load` (parents, ancestors): give it a
        # service whose `load` is the batch's view, sharing everything else with this one.
        decider = _BatchDecider(self, view)
        outcome = BatchOutcome()
        parts: list[StreamAppend] = []
        planned: list[tuple[str, str | None]] = []
        correlation = correlation_id or str(uuid.uuid4())
        recorded_at = dt.datetime.now(dt.UTC)
        for index, cmd in enumerate(cmds):
            union_id = _target_of(cmd)
            union = view.load(union_id)
            try:
                if cmd.occurred_on > today:
                    raise InvalidDate(
                        "DATE-FUTURE",
                        f"occurred_on {cmd.occurred_on} is in the future (today is {today})",
                        {"occurred_on": cmd.occurred_on.isoformat(), "today": today.isoformat()},
                    )
                procedure_id, new_events = decider._decide(union, cmd, actor)
            except DomainError as exc:
                outcome.refusals.append(BatchRefusal(index, cmd, exc))
                continue
            stream_id = org_stream(union_id)
            metadata = EventMetadata(
                actor_id=actor.person_id,
                role=actor.role,
                acting_org=actor.org_id,
                command_id=str(uuid.uuid4()),
                correlation_id=correlation,
            )
            parts.append(
                StreamAppend(stream_id, [NewEvent(ev, cmd.occurred_on) for ev in new_events], union.version, metadata)
            )
            planned.append((union_id, procedure_id))
            # The decision's effect, for the batch's later commands (provisional: no position yet).
            for ev in new_events:
                evolve(
                    union,
                    make_recorded_event(
                        0,
                        stream_id,
                        union.version + 1,
                        ev.event_type,
                        ev.schema_version,
                        ev,
                        metadata,
                        cmd.occurred_on,
                        recorded_at,
                        "",
                        "",
                    ),
                )
        if outcome.refusals or dry_run or not parts:
            return outcome
        written: list[RecordedEvent] = []

        def on_appended(conn: Any, recorded: Sequence[RecordedEvent]) -> None:  # conn: the store's transaction
            written.extend(recorded)
            if self.listener is not None:
                self.listener(conn, recorded)

        try:
            appended = self.store.append_many(parts, listener=on_appended)
        finally:
            for part in parts:
                self.recent.drop(part.stream_id)
        first = written[0].position if written else 0
        for (union_id, procedure_id), done in zip(planned, appended, strict=True):
            records = written[done.first_position - first : done.last_position - first + 1]
            outcome.results.append(CommandResult(union_id, procedure_id, done.last_version, records))
        outcome.written = True
        return outcome

    def _read_back(self, appended: AppendResult) -> list[RecordedEvent]:
        return list(
            r
            for r in self.store.read_stream(appended.stream_id, to_version=appended.last_version)
            if r.version >= appended.first_version
        )

    def _replayed(self, done: AppendResult) -> CommandResult:
        recorded = self._read_back(done)
        pid = getattr(recorded[0].event, "procedure_id", None) if recorded else None
        union_id = done.stream_id.removeprefix("org-")
        return CommandResult(union_id, pid, done.last_version, recorded, replayed=True)

    def _profile(self, name: str | None, version: int | None) -> RuleProfile:
        name = name or self.default_profile
        return self.profiles.get(name, version) if version is not None else self.profiles.latest(name)

    def _ancestors(self, org_id: str | None) -> list[str]:
        chain: list[str] = []
        while org_id is not None and len(chain) < 16:
            chain.append(org_id)
            org_id = self.load(org_id).parent_id
        return chain

    def _next_id(self, union: UnionState, kind: str) -> str:
        n = len(union.procedures_of(kind)) + 1
        return f"{union.org_id}:{kind.replace('_', '-')}-{n}"

    def _decide(self, union: UnionState, cmd: c.Command, actor: Actor) -> tuple[str | None, list[DomainEvent]]:
        if isinstance(cmd, c.RegisterOrganisation):
            parent = self.load(cmd.parent_id) if cmd.parent_id else None
            # Only administrators learn whether a parent exists (role first, then existence).
            if actor.role == "admin" and parent is not None and not parent.exists:
                raise NotFound("ORG-PARENT", f"parent organisation {cmd.parent_id} does not exist", {})
            # Only the root registers itself; below it, an administrator of the parent or above
            # places the organisation, so nobody grafts their own into someone else's subtree.
            require_admin_over(actor, cmd.org_id, self._ancestors(cmd.parent_id), own_org=cmd.parent_id is None)
            return None, [organisations.decide_register(union, parent, cmd)]
        if not union.exists:
            raise NotFound("NOT-FOUND", f"no organisation {union.org_id}", {"org_id": union.org_id})
        if isinstance(cmd, c.UpdateUnitFacts):
            if actor.role == "admin":
                require_admin_over(actor, union.org_id, self._ancestors(union.parent_id))
            else:
                require_staff_of(actor, union)
            return None, [organisations.decide_update_facts(union, cmd)]
        if isinstance(cmd, c.ProcedureCommand):
            return cmd.procedure_id, self._decide_step(union, cmd, actor)
        if isinstance(cmd, c.ImportExistingTerm):
            # A registry import is the administrators' work, like the tree it fills.
            require_admin_over(actor, union.org_id, self._ancestors(union.parent_id))
            return None, [organisations.decide_import_term(union, cmd, self._profile(None, None))]
        require_staff_of(actor, union)
        if union.term is not None and cmd.occurred_on < union.term.start:
            # A request about the current term cannot predate it (a vacancy, an extension...).
            raise InvalidDate(
                "DATE-ORDER",
                f"occurred_on {cmd.occurred_on} is before the current term began ({union.term.start})",
                {"occurred_on": cmd.occurred_on.isoformat(), "term_start": union.term.start.isoformat()},
            )
        match cmd:
            case c.RequestFounding():
                pid = self._next_id(union, founding.KIND)
                return pid, [
                    founding.decide_request(union, pid, cmd, self._profile(cmd.profile_name, cmd.profile_version))
                ]
            case c.OpenReelection():
                pid = self._next_id(union, reelection.KIND)
                return pid, [
                    reelection.decide_open(union, pid, cmd, self._profile(cmd.profile_name, cmd.profile_version))
                ]
            case c.RequestExtension():
                pid = self._next_id(union, "extension")
                return pid, [term_change.decide_extension_request(union, pid, cmd, self._current_profile(union))]
            case c.RequestEarlyReelection():
                pid = self._next_id(union, "early_reelection")
                return pid, [term_change.decide_early_request(union, pid, cmd, self._current_profile(union))]
            case c.RecordCongress():
                return None, [congress.decide_annual_congress(union, cmd)]
            case c.RemoveViceChair():
                return None, [congress.decide_vice_chair_removal(union, cmd)]
            case c.RecordChairVacancy():
                pid = self._next_id(union, by_election.KIND)
                return pid, [by_election.decide_vacancy(union, pid, cmd, self._current_profile(union))]
        raise TypeError(f"no handler for {type(cmd).__name__}")

    def _current_profile(self, union: UnionState) -> RuleProfile:
        """A term's own procedures use the profile of the election that started the term, so the
        rules of a term do not shift under it; imported terms use the default."""
        if union.term is not None and union.term.started_by in union.procedures:
            return union.procedures[union.term.started_by].profile
        return self._profile(None, None)

    def _decide_step(self, union: UnionState, cmd: c.ProcedureCommand, actor: Actor) -> list[Any]:
        proc = union.procedures.get(cmd.procedure_id)
        if proc is None:
            raise NotFound(
                "NOT-FOUND",
                f"union {union.org_id} has no procedure {cmd.procedure_id}",
                {"procedure_id": cmd.procedure_id},
            )
        if isinstance(cmd, c.ApproveFiling | c.RejectFiling):
            require_approver_of(actor, union)
        else:
            require_staff_of(actor, union)
        if cmd.occurred_on < proc.last_moved_on:
            raise InvalidDate(
                "DATE-ORDER",
                f"occurred_on {cmd.occurred_on} is before the procedure's previous step ({proc.last_moved_on}): "
                "steps happen in order",
                {
                    "occurred_on": cmd.occurred_on.isoformat(),
                    "previous_step_on": proc.last_moved_on.isoformat(),
                },
            )
        return KINDS[proc.kind].decide(union, proc, cmd)


def _target_of(cmd: c.Command) -> str:
    """The union (organisation) a command acts on: its stream."""
    return cmd.org_id if isinstance(cmd, c.RegisterOrganisation) else getattr(cmd, "union_id")  # noqa: B009


class _BatchDecider(WorkflowService):
    """`WorkflowService._decide` as is, with organisations loaded through a batch's view. Shares
    the service's store, profiles and clock; never appends."""

    def __init__(self, service: WorkflowService, view: _BatchView) -> None:
        self.__dict__.update(service.__dict__)
        self._view = view

    def load(
        self,
        org_id: str,
        *,
        to_version: int | None = None,
        recorded_until: dt.datetime | None = None,
        as_of: dt.date | None = None,
    ) -> UnionState:
        if to_version is None and recorded_until is None and as_of is None:
            return self._view.load(org_id)
        return super().load(org_id, to_version=to_version, recorded_until=recorded_until, as_of=as_of)


def _permitted(check: Callable[[], None]) -> bool:
    try:
        check()
    except NotAuthorised:
        return False
    return True
