"""A procedure's progress as a vertical stepper that fits a phone: the steps taken (each with its
date and the state it led to), the state it is in now with the steps that may follow (who takes
each, and which are branches: a rejection that sends it back, a withdrawal), then the steps still
ahead on the way to its end.

Everything is derived from the kind's flow (`events.flows`: its states in declared order, its
steps' sources and destinations) and the procedure's history (the events recorded, aligned with the
states they led to); nothing here lists a kind's steps by hand. Labels come from the pages' words
(`t`), so the same stepper reads in Chinese and in English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from events.flows import FLOWS, Flow, Step

BRANCH_COMMANDS = ("RejectFiling", "WithdrawProcedure")


@dataclass(frozen=True)
class Taken:
    """A step recorded in the procedure's history."""

    label: str
    on: dt.date
    reached: str  # the label of the state it led to
    by: str  # "staff" or "approver"
    branch: bool  # a rejection or a withdrawal


@dataclass(frozen=True)
class Option:
    """A step the flow lets follow the current state (whoever may take it)."""

    label: str
    leads_to: str
    by: str
    branch: bool
    back: bool  # a branch back to a state declared earlier (a rejection that has a step redone)


@dataclass(frozen=True)
class Ahead:
    """A step still ahead on the usual way to the procedure's end."""

    label: str
    leads_to: str
    by: str


@dataclass(frozen=True)
class Stepper:
    taken: list[Taken]
    current: str  # the current state's code (for data attributes and tests)
    current_label: str
    closed: bool
    options: list[Option]
    ahead: list[Ahead]


def _is_branch(step: Step) -> bool:
    """A rejection or a withdrawal: off the usual way, whichever state it leads to."""
    return step.command in BRANCH_COMMANDS


def _step_between(flow: Flow, event_type: str, source: str, dest: str) -> Step | None:
    """The step an event recorded, told apart from its variants by where it led."""
    found = [s for s in flow.steps if s.event == event_type and source in s.sources and s.dest == dest]
    return found[0] if found else None


def _taken(
    flow: Flow, events: Sequence[Any], states: Sequence[str], t: Callable[..., str], event_name: Callable[[str], str]
) -> list[Taken]:
    """Each recorded event with the state it led to: the fold appends one state per event of the
    procedure (the opening one included), so the two lists align."""
    out: list[Taken] = []
    for i, (event, state) in enumerate(zip(events, states, strict=False)):
        reached = t(f"state.{flow.kind}.{state}", state)
        step = _step_between(flow, event.event_type, states[i - 1], state) if i else None
        if step is None:
            out.append(Taken(event_name(event.event_type), event.occurred_on, reached, "staff", False))
            continue
        label = t(f"trigger.{flow.kind}.{step.trigger}", step.label_en)
        out.append(Taken(label, event.occurred_on, reached, step.decided_by, _is_branch(step)))
    return out


def _options(flow: Flow, state: str, t: Callable[..., str]) -> list[Option]:
    """The steps out of `state`, one per step a person takes (variants an outcome decides share
    the plain step's name: the first declared stands for them); the usual way first, branches last."""
    seen: set[str] = set()
    options: list[Option] = []
    order = flow.state_names
    for step in flow.steps_from(state):
        if step.name in seen:
            continue
        seen.add(step.name)
        options.append(
            Option(
                label=t(f"trigger.{flow.kind}.{step.trigger}", step.label_en),
                leads_to=t(f"state.{flow.kind}.{step.dest}", step.dest),
                by=step.decided_by,
                branch=_is_branch(step),
                back=_is_branch(step) and order.index(step.dest) < order.index(state),
            )
        )
    return sorted(options, key=lambda o: o.branch)


def _ahead(flow: Flow, state: str, t: Callable[..., str]) -> list[Ahead]:
    """The usual way on from `state` to the end: at each state, the plain step (not a branch, no
    outcome variant) to a state not yet on the way, the nearest declared after it first (from a
    rejected state, the step that takes the work up again)."""
    order = flow.state_names
    out: list[Ahead] = []
    seen = {state}
    while state not in flow.terminal:
        here = order.index(state)
        onward = [s for s in flow.steps_from(state) if not s.outcome and not _is_branch(s) and s.dest not in seen]
        if not onward:
            break
        step = min(onward, key=lambda s: (order.index(s.dest) < here, order.index(s.dest)))
        seen.add(step.dest)
        out.append(
            Ahead(
                t(f"trigger.{flow.kind}.{step.trigger}", step.label_en),
                t(f"state.{flow.kind}.{step.dest}"),
                step.decided_by,
            )
        )
        state = step.dest
    return out


def stepper(
    kind: str,
    current: str,
    states: Sequence[str],
    events: Sequence[Any],
    t: Callable[..., str],
    event_name: Callable[[str], str],
) -> Stepper:
    """The stepper of a procedure of `kind` now in `current`, having passed through `states` (one
    per event of `events`, the procedure's history in the order recorded: each has `event_type`
    and `occurred_on`). `t` says the pages' words, `event_name` an event type (the opening one)."""
    flow = FLOWS[kind]
    closed = current in flow.terminal
    ahead = [] if closed else _ahead(flow, current, t)
    return Stepper(
        taken=_taken(flow, events, states, t, event_name),
        current=current,
        current_label=t(f"state.{kind}.{current}", current),
        closed=closed,
        options=[] if closed else _options(flow, current, t),
        ahead=ahead,
    )
