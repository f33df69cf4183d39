"""The procedure machines: their descriptions and diagrams, and what each person may do now."""

from __future__ import annotations

import re

import pytest

from events.flows import FLOWS
from tests.unit.workflow_support import found_union
from tests.unit.workflow_world import CITY, COUNTY, D, World, approver, auditor, staff
from workflow import commands as c
from workflow.fold import KINDS
from workflow.machine import ProcedureMachine

MACHINES = {kind: k.machine for kind, k in KINDS.items()}


def test_every_kind_has_a_machine() -> None:
    assert sorted(MACHINES) == ["by_election", "dissolution", "early_reelection", "extension", "founding", "reelection"]


@pytest.mark.parametrize("kind", sorted(MACHINES))
def test_describe_lists_states_and_transitions(kind: str) -> None:
    m = MACHINES[kind]
    desc = m.describe()
    assert desc["kind"] == kind
    assert desc["initial"] == m.initial
    assert desc["states"] == list(m.states)
    assert set(desc["terminal"]) <= set(desc["states"])
    assert desc["transitions"], kind
    for t in desc["transitions"]:
        assert t["source"] in desc["states"] and t["dest"] in desc["states"], t
        assert t["label"] and t["label"] != t["trigger"], f"{kind}: {t['trigger']} has no label"


@pytest.mark.parametrize("kind", sorted(MACHINES))
def test_every_state_is_reachable_and_only_terminal_states_are_dead_ends(kind: str) -> None:
    m = MACHINES[kind]
    edges = {(t["source"], t["dest"]) for t in m.describe()["transitions"]}
    seen, todo = {m.initial}, [m.initial]
    while todo:
        here = todo.pop()
        for s, dest in edges:
            if s == here and dest not in seen:
                seen.add(dest)
                todo.append(dest)
    assert seen == set(m.states)
    for state in m.states:
        if state in m.terminal:
            assert m.triggers_from(state) == [], f"{kind}: terminal '{state}' has exits"
        else:
            assert m.triggers_from(state), f"{kind}: '{state}' is a dead end but not terminal"


@pytest.mark.parametrize("kind", sorted(MACHINES))
def test_mermaid_shows_every_state_and_highlights_the_current_one(kind: str) -> None:
    m: ProcedureMachine = MACHINES[kind]
    for current in (m.initial, m.states[-1]):
        text = m.mermaid(current=current)
        assert text.lstrip("-\n").startswith(kind)
        assert "stateDiagram-v2" in text
        for state in m.states:
            assert f'state "{state}" as {state}' in text
        assert re.findall(r"Class (\w+) s_active", text) == [current]


def test_mermaid_without_current_highlights_the_initial_state() -> None:
    m = MACHINES["founding"]
    assert re.findall(r"Class (\w+) s_active", m.mermaid()) == ["requested"]


@pytest.mark.parametrize("kind", sorted(MACHINES))
def test_every_trigger_is_taken_by_an_existing_command(kind: str) -> None:
    for t in MACHINES[kind].describe()["transitions"]:
        command = FLOWS[kind].step(t["trigger"]).command
        assert issubclass(getattr(c, command), c.ProcedureCommand), (kind, t["trigger"], command)


def _steps(world: World, union_id: str, pid: str, actor: object) -> list[tuple[str, str]]:
    u = world.load(union_id)
    return [(s.trigger, s.command) for s in world.svc.allowed_steps(u, u.procedures[pid], actor)]  # type: ignore[arg-type]


def test_allowed_steps_on_filed_candidates_staff_vs_approver(world: World) -> None:
    """On a filed candidate list the union's staff may only withdraw; the parent's approver approves
    or rejects; the grandparent's approver and an auditor may do nothing."""
    d = found_union(world, until="candidates_filed")
    assert _steps(world, "U1", d.pid, staff("U1")) == [("withdraw", "WithdrawProcedure")]
    assert _steps(world, "U1", d.pid, approver(COUNTY)) == [
        ("approve_candidates", "ApproveFiling"),
        ("reject_candidates", "RejectFiling"),
    ]
    assert _steps(world, "U1", d.pid, approver(CITY)) == []
    assert _steps(world, "U1", d.pid, auditor(COUNTY)) == []
    assert _steps(world, "U1", d.pid, staff("U2")) == []


def test_allowed_steps_on_filed_results(world: World) -> None:
    d = found_union(world, until="results_filed")
    assert _steps(world, "U1", d.pid, approver(COUNTY)) == [
        ("approve_results", "ApproveFiling"),
        ("reject_results_redo_candidates", "RejectFiling"),
        ("reject_results_redo_congress", "RejectFiling"),
        ("reject_results_redo_congress_type", "RejectFiling"),
    ]
    assert _steps(world, "U1", d.pid, staff("U1")) == [("withdraw", "WithdrawProcedure")]


def test_allowed_steps_list_the_congress_once(world: World) -> None:
    """The congress is one step for a person, whether or not it will leave seats for a runoff."""
    d = found_union(world, until="candidates_approved")
    assert _steps(world, "U1", d.pid, staff("U1")) == [
        ("hold_congress", "HoldCongress"),
        ("withdraw", "WithdrawProcedure"),
    ]
    assert _steps(world, "U1", d.pid, approver(COUNTY)) == []


def test_allowed_steps_follow_the_procedure(world: World) -> None:
    d = found_union(world, until="requested")
    assert _steps(world, "U1", d.pid, approver(COUNTY)) == [
        ("approve_prep_group", "ApproveFiling"),
        ("reject_request", "RejectFiling"),
    ]
    d.approve(D(2019, 1, 10))
    assert _steps(world, "U1", d.pid, staff("U1")) == [
        ("record_members", "RecordMembersRecruited"),
        ("withdraw", "WithdrawProcedure"),
    ]
    assert _steps(world, "U1", d.pid, approver(COUNTY)) == []
