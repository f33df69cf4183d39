"""The procedures' words: the steps a person takes (the forms' titles) and what each waits on.
The kinds, their states and the triggers that move them are named where they are declared
(events.flows), in both languages."""

from __future__ import annotations

from api.web.i18n.tables import load
from events.flows import FLOWS
from events.messages.words import PHRASES

WORDS = load("procedures")  # the steps and openings: procedures.toml

# What a filing is and what a union does next, as the read models and the workflow say it (English,
# with the rule ID): keys "waiting.<English>", from the catalogue of messages' phrases.
WORDS.update({f"waiting.{en}": pair for en, pair in PHRASES.items()})

WORDS.update({f"kind.{flow.kind}": (flow.label_zh, flow.label_en) for flow in FLOWS.values()})
WORDS.update({f"state.{st.name}": (st.label_zh, st.label_en) for flow in FLOWS.values() for st in flow.states})
# Kinds share some state names ("requested") that each says its own way: "state.<kind>.<state>".
WORDS.update(
    {f"state.{flow.kind}.{st.name}": (st.label_zh, st.label_en) for flow in FLOWS.values() for st in flow.states}
)
WORDS.update(
    {
        f"trigger.{flow.kind}.{step.trigger}": (step.label_zh, step.label_en)
        for flow in FLOWS.values()
        for step in flow.steps
    }
)
