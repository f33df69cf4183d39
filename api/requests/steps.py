"""A procedure's steps, the union's and the higher-level union's: one body per command that the
flows (`events.flows`) name, derived from the command, at `POST /procedures/{id}/steps/<name>`."""

from __future__ import annotations

from api.requests.base import CommandRequest, body_of
from events.flows import FLOWS
from workflow.command import COMMANDS, ProcedureCommand


def _url_name(command: type[ProcedureCommand], step_name: str) -> str:
    """The step's name in the URL: the one its command declares, else the step's own (hyphenated)."""
    return (command.step_name or step_name).replace("_", "-")


def _step_requests() -> dict[str, type[CommandRequest]]:
    bodies: dict[str, type[CommandRequest]] = {}
    for flow in FLOWS.values():
        for step in flow.steps:
            command = COMMANDS[step.command]
            assert issubclass(command, ProcedureCommand)
            name = _url_name(command, step.name)
            if name not in bodies:
                title = "".join(w.title() for w in name.split("-"))
                bodies[name] = body_of(command, title if title.endswith("Request") else f"{title}Request")
    # One URL per command: a command whose steps have several names declares the one to use.
    assert len({b.command for b in bodies.values()}) == len(bodies), "a command takes steps of several names"
    return bodies


STEP_REQUESTS: dict[str, type[CommandRequest]] = _step_requests()
