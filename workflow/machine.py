"""One shared `transitions` machine per procedure kind.

A `transitions.Machine` per procedure instance would cost about a millisecond to build for every
command and every fold; instead each kind builds its machine once, with no model, and we ask it
questions: which triggers leave a state, where a trigger leads. The fold uses a lookup table read
off the same machine at import, so the machine stays the single definition of the procedure's
steps while folding a stream costs a dictionary lookup per event."""

from __future__ import annotations

from typing import Any

from transitions import Machine
from transitions.extensions.diagrams import GraphMachine

from events.flows import Flow
from workflow.errors import StepOutOfOrder


class _DiagramModel:
    state: str


class ProcedureMachine:
    """The `transitions` machine of one procedure kind, built from its declaration (events.flows)."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.kind = flow.kind
        self.states = tuple(flow.state_names)
        self.initial = flow.initial
        self.terminal = flow.terminal
        self.steps = flow.steps
        self._definition: dict[str, Any] = {
            "states": list(self.states),
            "transitions": [{"trigger": s.trigger, "source": list(s.sources), "dest": s.dest} for s in self.steps],
            "initial": flow.initial,
            "auto_transitions": False,
        }
        self.machine = Machine(model=None, **self._definition)
        self._table: dict[tuple[str, str], str] = {}
        for name, event in self.machine.events.items():
            for source, transitions in event.transitions.items():
                if len(transitions) != 1 or transitions[0].dest is None:
                    raise ValueError(f"{self.kind}: trigger {name!r} from {source!r} must lead to exactly one state")
                self._table[(source, name)] = str(transitions[0].dest)
        self._labels = {s.trigger: s.label_en for s in self.steps}

    def destination(self, state: str, trigger: str) -> str | None:
        return self._table.get((state, trigger))

    def advance(self, state: str, trigger: str, rule_id: str = "STEP-ORDER") -> str:
        """The state `trigger` leads to from `state`, or a StepOutOfOrder naming what is allowed."""
        dest = self._table.get((state, trigger))
        if dest is None:
            allowed = self.steps_from(state)
            evidence = {"kind": self.kind, "state": state, "step": trigger, "allowed": allowed}
            message = f"{self.kind}: '{trigger}' is not allowed in state '{state}'" + (
                f"; allowed now: {', '.join(allowed)}" if allowed else "; the procedure is closed"
            )
            raise StepOutOfOrder(rule_id, message, evidence, case="step-not-now")
        return dest

    def triggers_from(self, state: str) -> list[str]:
        return sorted(t for (s, t) in self._table if s == state)

    def steps_from(self, state: str) -> list[str]:
        """The steps a person can take from `state`, as they would name them: one name per step,
        without the outcome variants the count decides (`hold_congress_undecided` is `hold_congress`)."""
        return sorted({self.flow.step(t).name for t in self.triggers_from(state)})

    def label(self, trigger: str) -> str:
        return self._labels.get(trigger, trigger)

    def describe(self) -> dict[str, Any]:
        """The kind's states and transitions as data (for the API and documentation)."""
        return {
            "kind": self.kind,
            "initial": self.initial,
            "states": list(self.states),
            "terminal": sorted(self.terminal),
            "transitions": [
                {"trigger": t, "source": s, "dest": d, "label": self.label(t)}
                for (s, t), d in sorted(self._table.items())
            ],
        }

    def mermaid(self, current: str | None = None) -> str:
        """A Mermaid state diagram, with `current` highlighted when given. Built on demand: the
        diagram machine is only for pictures, never for commands."""
        graph = GraphMachine(model=None, graph_engine="mermaid", title=self.kind, **self._definition)
        model = _DiagramModel()
        graph.add_model(model, initial=current or self.initial)
        return str(model.get_graph().draw(None))  # type: ignore[attr-defined]
