"""The shape of a procedure declaration: states, steps and the flow that holds them (see
`events.flows`), and what every kind shares: the withdrawal, its event and its state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from events.catalogue.base import ProcedureEvent

DecidedBy = Literal["staff", "approver"]


@dataclass(frozen=True)
class Step:
    trigger: str
    sources: tuple[str, ...]
    dest: str
    event: str  # the stored type name of the event that records the step
    command: str  # the command (workflow.commands) that takes it
    decided_by: DecidedBy
    label_en: str
    label_zh: str
    outcome: str | None = None  # for an event whose destination depends on its content
    # The step as a person takes it: variants whose outcome the count decides (a congress that
    # leaves seats open) share the name of the plain step; those a person chooses keep their own.
    name: str = ""
    out_of_order_rule: str = "STEP-ORDER"  # the rule a refusal cites when the step comes out of order

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.trigger)

    @property
    def key(self) -> str:
        """The event type, with the outcome where the destination depends on the content."""
        return f"{self.event}:{self.outcome}" if self.outcome else self.event


@dataclass(frozen=True)
class State:
    name: str
    label_zh: str
    label_en: str
    # What filing waits here on the higher-level union (R-APPROVER), with its rule, and the
    # filing's name (the inbox's and A-APPROVAL-PENDING's).
    awaiting: str | None = None
    filing: str | None = None
    # What the union itself does next here, with the rules it meets (the read side's "waiting for").
    next: str | None = None


@dataclass(frozen=True)
class Flow:
    kind: str
    label_zh: str
    label_en: str
    opened_by: str  # the event that opens a procedure of this kind
    states: tuple[State, ...]
    initial: str
    terminal: frozenset[str]
    steps: tuple[Step, ...]
    _by_trigger: dict[str, Step] = field(init=False, repr=False, compare=False)
    _by_event: dict[str, Step] = field(init=False, repr=False, compare=False)
    _states: dict[str, State] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_trigger", {s.trigger: s for s in self.steps})
        object.__setattr__(self, "_by_event", {s.key: s for s in self.steps})
        object.__setattr__(self, "_states", {s.name: s for s in self.states})
        unknown = {s.dest for s in self.steps} | {x for s in self.steps for x in s.sources}
        unknown -= set(self._states)
        if unknown or len(self._by_event) != len(self.steps) or self.initial not in self._states:
            raise ValueError(f"{self.kind}: steps name unknown states {sorted(unknown)} or repeat an event")

    @property
    def state_names(self) -> list[str]:
        return [s.name for s in self.states]

    def state(self, name: str) -> State:
        return self._states[name]

    def step(self, trigger: str) -> Step:
        return self._by_trigger[trigger]

    def step_of_event(self, event_type: str, outcome: str | None = None) -> Step | None:
        """The step an event of this kind records (its outcome decides between variants)."""
        return self._by_event.get(f"{event_type}:{outcome}" if outcome else event_type)

    def steps_from(self, state: str) -> list[Step]:
        return [s for s in self.steps if state in s.sources]

    def awaiting(self, state: str) -> str | None:
        found = self._states.get(state)
        return found.awaiting if found is not None else None

    def next_step(self, state: str) -> str | None:
        """What the union does next in `state`: None once closed or while the approver decides."""
        found = self._states.get(state)
        if found is None or state in self.terminal or found.awaiting:
            return None
        return found.next or "the union's next step"

    def redo_choices(self, state: str) -> list[Step]:
        """The rejections from `state` that name the step to redo (the results' `redo_from`), one
        per choice, their outcome the choice: empty where a rejection names none."""
        return [s for s in self.steps_from(state) if s.command == "RejectFiling" and s.outcome]

    def destinations(self) -> dict[str, str]:
        """Event type (with outcome) -> the state it leads to, for the read side."""
        return {s.key: s.dest for s in self.steps}


def step(
    trigger: str,
    sources: str | Sequence[str],
    dest: str,
    event: type[ProcedureEvent],
    command: str,
    label_en: str,
    label_zh: str,
    *,
    approver: bool = False,
    outcome: str | None = None,
    name: str = "",
    rule: str = "STEP-ORDER",
) -> Step:
    return Step(
        trigger=trigger,
        sources=(sources,) if isinstance(sources, str) else tuple(sources),
        dest=dest,
        event=event.event_type,
        command=command,
        decided_by="approver" if approver else "staff",
        label_en=label_en,
        label_zh=label_zh,
        outcome=outcome,
        name=name,
        out_of_order_rule=rule,
    )


def approve(trigger: str, source: str, dest: str, event: type[ProcedureEvent], label_en: str, label_zh: str) -> Step:
    return step(trigger, source, dest, event, "ApproveFiling", label_en, label_zh, approver=True)


def reject(
    trigger: str, source: str, dest: str, event: type[ProcedureEvent], label_en: str, label_zh: str, **kw: Any
) -> Step:
    return step(trigger, source, dest, event, "RejectFiling", label_en, label_zh, approver=True, **kw)


class ProcedureWithdrawn(ProcedureEvent):
    reason: str


def withdraw(sources: Sequence[str], label_en: str) -> Step:
    return step("withdraw", sources, "withdrawn", ProcedureWithdrawn, "WithdrawProcedure", label_en, "撤回")


WITHDRAWN = State("withdrawn", "已撤回", "withdrawn")
