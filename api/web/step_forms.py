"""What a step's form knows beyond its request schema: the choices that apply to this procedure
(where a rejection may send its election back: the flow's declaration, `Flow.redo_choices`), what
the system already knows (the approved candidates, the seats and those due at a congress or a
runoff), and the confirmation an irreversible step asks for before it is appended to the log."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from api.requests import STEP_OF_COMMAND, STEP_REQUESTS
from api.web import forms
from events.flows import FLOWS
from workflow.affordances import AllowedStep
from workflow.state import ElectionProgress, Procedure

# Steps that cannot be taken back once recorded (the log is append-only): each asks for a tick.
IRREVERSIBLE = frozenset({"approve", "reject", "withdraw"})
CONFIRM = "confirm"


def step_names(allowed: list[AllowedStep]) -> list[str]:
    """The forms (steps by their URL name) for what the person may do now, once each."""
    names: list[str] = []
    for a in allowed:
        step = STEP_OF_COMMAND.get(a.command, a.trigger.replace("_", "-"))
        if step in STEP_REQUESTS and step not in names:
            names.append(step)
    return names


def confirm_key(step: str) -> str:
    """The catalogue key of what the person confirms, for an irreversible step ('' otherwise)."""
    return f"confirm.{step}" if step in IRREVERSIBLE else ""


def confirmed(step: str, form: Mapping[str, str]) -> bool:
    return step not in IRREVERSIBLE or form.get(CONFIRM) == "yes"


def step_fields(step: str, proc: Procedure | None = None) -> tuple[forms.FormField, ...]:
    """The form's fields: the request schema's, with a rejection's `redo_from` narrowed to the
    choices its flow offers from the procedure's state (none: the field is left out, and the
    workflow refuses a choice posted anyway)."""
    fields = forms.fields_of(STEP_REQUESTS[step])
    if step != "reject" or proc is None:
        return fields
    choices = FLOWS[proc.kind].redo_choices(proc.state)
    out = []
    for f in fields:
        if f.name == "redo_from":
            if not choices:
                continue
            f = dataclasses.replace(
                f,
                choices=tuple(str(s.outcome) for s in choices),
                labels=tuple(f"trigger.{proc.kind}.{s.trigger}" for s in choices),
                default=str(choices[0].outcome),
                required=True,
            )
        out.append(f)
    return tuple(out)


def _election(proc: Procedure | None) -> ElectionProgress | None:
    election = getattr(proc, "election", None)
    return election if isinstance(election, ElectionProgress) else None


def _tally_lines(names: list[str]) -> str:
    return "\n".join(f"{name}: " for name in names)


def step_prefill(step: str, proc: Procedure | None) -> dict[str, str]:
    """What the form starts from besides the date: at the congress, everyone due to vote, the
    seats and the approved candidates' names to put the votes beside; at a runoff, the body, its
    seats and candidates (R-TIE: the tied; R-SHORTFALL: those standing again)."""
    e = _election(proc)
    if e is None:
        return {}
    if step == "hold-congress":
        return {
            "due": str(e.electorate),
            "committee_vote.seats": str(e.committee_seats),
            "committee_vote.tallies": _tally_lines([c.name for c in e.committee_candidates]),
            "funds_review_vote.seats": str(e.funds_review_seats),
            "funds_review_vote.tallies": _tally_lines([c.name for c in e.funds_review_candidates]),
        }
    if step == "hold-runoff" and e.runoffs:
        runoff = e.runoffs[0]
        return {
            "body": runoff.body,
            "due": str(e.electorate),
            "vote.seats": str(runoff.seats),
            "vote.tallies": _tally_lines(runoff.candidates),
        }
    return {}


def step_notes(step: str, proc: Procedure | None) -> list[tuple[str, str]]:
    """What the form shows above its fields: the approved candidates and the seats at a congress
    (R-VETTING approved them; R-ELECTED counts against the seats), the runoffs waiting at a runoff."""
    e = _election(proc)
    if e is None:
        return []
    if step == "hold-congress":
        notes = [
            ("congress.committee_seats", str(e.committee_seats)),
            ("congress.committee", "、".join(c.name for c in e.committee_candidates)),
            ("congress.funds_review_seats", str(e.funds_review_seats)),
            ("congress.funds_review", "、".join(c.name for c in e.funds_review_candidates)),
        ]
        if e.chair_candidates:
            notes.append(("congress.chair", "、".join(c.name for c in e.chair_candidates)))
        return [*notes, ("congress.due", str(e.electorate))]
    if step == "hold-runoff":
        return [(f"congress.runoff.{r.body}", f"{r.seats} · {'、'.join(r.candidates)}") for r in e.runoffs]
    return []
