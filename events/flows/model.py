"""The shape of a procedure declaration: states, steps and the flow that holds them (see
`events.flows`); what every kind shares: the withdrawal, its event and its state; and the groups
kinds declare alike: the higher-level union's answer to a filing, and a whole procedure that is
one request it decides."""

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
    label_en: str = ""  # the name in words (`consent_requested`: "consent requested") unless given
    # What filing waits here on the higher-level union (R-APPROVER), with its rule, and the
    # filing's name (the inbox's and A-APPROVAL-PENDING's).
    awaiting: str | None = None
    filing: str | None = None
    # What the union itself does next here, with the rules it meets (the read side's "waiting for").
    next: str | None = None

    def __post_init__(self) -> None:
        if not self.label_en:
            object.__setattr__(self, "label_en", self.name.replace("_", " "))


def filed(name: str, label_zh: str, filing: str, awaiting: str, label_en: str = "") -> State:
    """A state in which the filing `filing` waits on the higher-level union (R-APPROVER) to decide
    `awaiting` (what is filed, with its rule)."""
    return State(name, label_zh, label_en, awaiting=awaiting, filing=filing)


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


WITHDRAWN = State("withdrawn", "已撤回")

# One answer of the higher-level union to a filing: its trigger, the state it leads to, the event
# that records it and its Chinese label.
Answer = tuple[str, str, type[ProcedureEvent], str]


def approval_round(filed_in: str, what: str | tuple[str, str], approved: Answer, rejected: Answer) -> tuple[Step, Step]:
    """The higher-level union's two answers (R-APPROVER) to the filing that waits in `filed_in`:
    "approve the `what`" and "reject the `what`" (a pair where the two name it differently)."""
    approve_what, reject_what = (what, what) if isinstance(what, str) else what
    yes, no = f"approve the {approve_what} (higher union)", f"reject the {reject_what} (higher union)"
    return (
        approve(approved[0], filed_in, approved[1], approved[2], yes, approved[3]),
        reject(rejected[0], filed_in, rejected[1], rejected[2], no, rejected[3]),
    )


def request_flow(
    kind: str,
    events: tuple[type[ProcedureEvent], type[ProcedureEvent], type[ProcedureEvent]],
    label: tuple[str, str],
    awaiting: str,
    *,
    states_zh: tuple[str, str, str] = ("已申请", "已批准", "已驳回"),
    approved_en: str = "approved",
    steps_zh: tuple[str, str] = ("批准", "驳回"),
    own_steps: Sequence[Step] = (),
) -> Flow:
    """A procedure that is one request the higher-level union approves or rejects (R-APPROVER),
    withdrawn while it waits. `events` open, approve and reject it; `label` is the kind's
    (Chinese, English) name, the English one also naming the request in the steps'; `states_zh`
    labels the requested, approved and rejected states and `steps_zh` the approval and the
    rejection, where the kind names them otherwise; `own_steps` are the kind's further steps."""
    requested, approved, rejected = events
    label_zh, what = label
    requested_zh, approved_zh, rejected_zh = states_zh
    return Flow(
        kind=kind,
        label_zh=label_zh,
        label_en=what,
        opened_by=requested.event_type,
        states=(
            filed("requested", requested_zh, kind, awaiting),
            State("approved", approved_zh, approved_en),
            State("rejected", rejected_zh),
            WITHDRAWN,
        ),
        initial="requested",
        terminal=frozenset({"approved", "rejected", "withdrawn"}),
        steps=(
            *approval_round(
                "requested",
                what,
                ("approve", "approved", approved, steps_zh[0]),
                ("reject", "rejected", rejected, steps_zh[1]),
            ),
            withdraw(["requested"], f"withdraw the {what} request"),
            *own_steps,
        ),
    )
