"""`events.outcomes.outcome_of` leads every event whose destination depends on its content (R-TIE,
R-SHORTFALL, a results rejection's redo, a by-election that elected nobody) to a step its flow
declares."""

from __future__ import annotations

import pytest

from bench import synthetic
from events import flows, outcomes
from events.catalogue import ElectionOutcome

RUNOFFS = ([], ["committee"], ["funds_review"], ["committee", "funds_review"])


def test_every_outcome_names_a_step_of_the_flows_on_a_synthetic_history() -> None:
    events = [item[5] for item in synthetic.generate(300, seed=11) if item[5].event_type in flows.OUTCOME_EVENTS]
    assert {e.event_type for e in events} == flows.OUTCOME_EVENTS
    undecided = 0
    for event in events:
        for runoffs in RUNOFFS:
            typed = outcomes.outcome_of(event, runoffs)
            assert any(f.step_of_event(event.event_type, typed[0]) for f in flows.FLOWS.values())
            undecided += typed[0] == "undecided"
    assert undecided > 0


@pytest.mark.parametrize(
    ("outcome", "still_open"),
    [
        (ElectionOutcome(seats=7, elected=["a"] * 7), False),
        (ElectionOutcome(seats=7, elected=["a"] * 6, tied=["b", "c"], tie_seats=1), True),
        (ElectionOutcome(seats=7, elected=["a"] * 6, shortfall_seats=1, shortfall_action="supplementary_vote"), True),
        (ElectionOutcome(seats=7, elected=["a"] * 6, shortfall_seats=1, shortfall_action="reduce_seats"), False),
    ],
)
def test_seats_stay_open_for_a_tie_or_a_shortfall_not_reduced(outcome: ElectionOutcome, still_open: bool) -> None:
    assert outcomes.seats_open(outcome) is still_open
