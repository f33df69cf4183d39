"""Units of work: how a command's organisations are loaded and its decision recorded.

`UnitOfWork` serves one command at a time: it loads the union's stream (from the streams kept in
memory, `RecentStreams`, else the store), lets the handler decide, and appends what the handler
returned with the version it loaded. A stale kept stream is found out by that version check, or
by a refusal on a stream that moved on meanwhile; either way the stream is read afresh and the
command decided again. A command without If-Match whose fresh read another writer overtook is
decided again too, a few times at most after a short random pause, so that only a real conflict
reaches the caller; with If-Match the version the caller read rules, and a stale one is theirs to
hear of. Within one process, commands on one union take turns (`RecentStreams.turn`).
`BatchUnitOfWork` decides many commands on in-memory states and appends
them all in one transaction (`workflow.batch`)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from events import AppendResult, ConcurrencyError, DomainEvent, EventMetadata, EventStore, NewEvent, RecordedEvent
from events.catalogue import org_stream
from events.store import AppendListener
from workflow.errors import DomainError
from workflow.fold import CorruptHistory, evolve, fold
from workflow.profile import ProfileRegistry, RuleProfile
from workflow.state import ProfileAssignment, UnionState

# What a handler decided: the procedure it concerns (if any) and the events to record.
Decision = tuple[str | None, list[DomainEvent]]


@dataclass(frozen=True)
class Write:
    """How a command's events are written: its business date, who recorded it, the version the
    caller expects (If-Match) and the idempotency key of a retry."""

    occurred_on: dt.date
    metadata: EventMetadata
    expected_version: int | None = None
    idempotency_key: str | None = None
    fingerprint: str | None = None


# Organisations above a union, at most: the tree is national > province > city > county >
# township > federation > grassroots, and a bound stops a cycle a corrupt tree might hold.
_MAX_DEPTH = 16


# Locks striped over the streams (a fixed number, whatever the number of unions).
_TURN_STRIPES = 64


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
        self._turns = [threading.Lock() for _ in range(_TURN_STRIPES)]

    def turn(self, stream_id: str) -> threading.Lock:
        """The lock a command on `stream_id` holds from reading the stream to appending: commands
        of this process on one union take turns instead of deciding on the same version and all
        but one failing the version check (appends take turns under the log's lock anyway)."""
        return self._turns[zlib.crc32(stream_id.encode()) % _TURN_STRIPES]

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


class RegionLookup(Protocol):
    """Where the unit of work finds the profile assigned nearest above an organisation without
    folding each ancestor's stream: the api composes one from the register (`api.runtime`)."""

    def profile_assignment(self, org_id: str) -> ProfileAssignment | None:
        """The assignment of `org_id` itself, else of its nearest ancestor that has one."""
        ...


class UnitOfWork:
    """What a handler reads besides its own union: other organisations (a parent, the ancestors
    an administrator's authority is checked against), the rule profiles, and the profile assigned
    to the union's region (`regions`; without one, found by walking up the tree)."""

    def __init__(
        self, store: EventStore, profiles: ProfileRegistry, default_profile: str, regions: RegionLookup | None = None
    ) -> None:
        self.store = store
        self.profiles = profiles
        self.default_profile = default_profile
        self.regions = regions

    def load(self, org_id: str) -> UnionState:
        return fold(org_id, self.store.read_stream(org_stream(org_id)))

    def ancestors(self, org_id: str | None) -> list[str]:
        """The chain from `org_id` up to the root."""
        chain: list[str] = []
        while org_id is not None and len(chain) < _MAX_DEPTH:
            chain.append(org_id)
            org_id = self.load(org_id).parent_id
        return chain

    def profile(self, name: str | None = None, version: int | None = None) -> RuleProfile:
        """A named profile (a version of it, or its latest), else the deployment's default."""
        name = name or self.default_profile
        return self.profiles.get(name, version) if version is not None else self.profiles.latest(name)

    def profile_of(self, org: UnionState) -> RuleProfile:
        """The profile a procedure of `org` opens under: the one assigned to `org` or to its nearest
        ancestor that has one, else the deployment's default (RULES.md §5, profiles by region)."""
        assigned = self.profile_assignment(org)
        return self.profile(assigned.name, assigned.version) if assigned is not None else self.profile()

    def profile_assignment(self, org: UnionState) -> ProfileAssignment | None:
        if self.regions is not None:
            return self.regions.profile_assignment(org.org_id)
        for _ in range(_MAX_DEPTH):
            if org.rule_profile is not None or org.parent_id is None:
                return org.rule_profile
            org = self.load(org.parent_id)
        return None


class BatchUnitOfWork(UnitOfWork):
    """A batch's view: organisations as the batch's earlier commands left them (kept in memory,
    not yet written), else as stored, read once. A region's profile is found by walking up these
    states (the register knows nothing of what the batch has not written)."""

    def __init__(self, uow: UnitOfWork, states: dict[str, UnionState]) -> None:
        super().__init__(uow.store, uow.profiles, uow.default_profile)
        self.states = states
        self.read: dict[str, int] = {}  # org_id -> the version its state was read at from the store

    def load(self, org_id: str) -> UnionState:
        state = self.states.get(org_id)
        if state is None:
            state = self.states[org_id] = super().load(org_id)
            self.read[org_id] = state.version
        return state


# How many times a command without If-Match is decided on a fresh read of a stream other writers
# keep moving on before the conflict reaches the caller: only a real conflict should (issue 20).
UNCONDITIONAL_ATTEMPTS = 6
# Before each new attempt a pause of up to RETRY_PAUSE_S × 2^(attempts so far − 1), at random, so
# that writers who lost together do not race again together.
RETRY_PAUSE_S = 0.02

# The events a command recorded, or the first answer to an idempotent retry (nothing written).
Recorded = tuple[str | None, list[RecordedEvent] | AppendResult]


class StreamUnitOfWork(UnitOfWork):
    """One command on one union's stream: load through the kept streams, decide, append with the
    version loaded; decide again on the stream as stored when the kept one turns out stale."""

    def __init__(
        self,
        store: EventStore,
        profiles: ProfileRegistry,
        default_profile: str,
        recent: RecentStreams,
        listener: AppendListener | None,
        regions: RegionLookup | None = None,
    ) -> None:
        super().__init__(store, profiles, default_profile, regions)
        self.recent = recent
        self.listener = listener

    def run(self, union_id: str, decide: Callable[[UnionState], Decision], write: Write) -> Recorded:
        with self.recent.turn(org_stream(union_id)):
            return self._run(union_id, decide, write)

    def _run(self, union_id: str, decide: Callable[[UnionState], Decision], write: Write) -> Recorded:
        stream_id = org_stream(union_id)
        cached = self.recent.get(stream_id)
        attempts = 0
        while True:
            attempts += 1
            history = cached if cached is not None else tuple(self.store.read_stream(stream_id))
            kept = self.recent.take_state(stream_id, history[-1].version) if cached else None
            union = kept if kept is not None else fold(union_id, history)
            try:
                if write.expected_version is not None and write.expected_version != union.version:
                    raise ConcurrencyError(stream_id, write.expected_version, union.version)
                procedure_id, events = decide(union)
                written = self._append(union, events, write)
            except (ConcurrencyError, DomainError) as exc:
                # A decision on a stream that has since moved on (a kept history another process
                # extended, or another writer's append just before ours) is decided again on the
                # stream as it is now: a kept one always, a fresh one only when the caller gave no
                # If-Match (then the version they read rules) and a few times at most.
                stale = isinstance(exc, ConcurrencyError) or self.store.stream_version(stream_id) != union.version
                again = cached is not None or (write.expected_version is None and attempts < UNCONDITIONAL_ATTEMPTS)
                if not (stale and again):
                    raise
                self.recent.drop(stream_id)
                if cached is None:
                    time.sleep(random.uniform(0, RETRY_PAUSE_S * 2 ** (attempts - 1)))
                cached = None
                continue
            if not isinstance(written, AppendResult):
                self._keep(stream_id, union, history, written)
            return procedure_id, written

    def _append(self, union: UnionState, events: list[DomainEvent], write: Write) -> list[RecordedEvent] | AppendResult:
        # The store hands the events it wrote to the listener inside its transaction: keep them
        # (rather than reading the stream again) and pass them on to the read models, if any.
        written: list[RecordedEvent] = []
        appended = self.store.append(
            org_stream(union.org_id),
            [NewEvent(ev, write.occurred_on) for ev in events],
            expected_version=union.version,
            metadata=write.metadata,
            idempotency_key=write.idempotency_key,
            fingerprint=write.fingerprint,
            listener=collecting(written, self.listener),
        )
        return appended if appended.replayed else written

    def _keep(
        self, stream_id: str, union: UnionState, history: tuple[RecordedEvent, ...], written: list[RecordedEvent]
    ) -> None:
        """Keep the stream with the command's events, and the state folded on with them."""
        self.recent.put(stream_id, history + tuple(written))
        try:
            for r in written:
                evolve(union, r)
        except CorruptHistory:
            # The same fold as `load`'s, so this cannot happen for events the handlers decided; if
            # it ever does, the command is written all the same and the next one reads afresh.
            self.recent.drop(stream_id)
            return
        self.recent.put_state(stream_id, union)


def collecting(written: list[RecordedEvent], listener: AppendListener | None) -> AppendListener:
    """A listener that keeps what the store wrote, then hands it on to `listener`."""

    def on_appended(conn: Any, recorded: Sequence[RecordedEvent]) -> None:  # conn: the store's transaction
        written.extend(recorded)
        if listener is not None:
            listener(conn, recorded)

    return on_appended
