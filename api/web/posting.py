"""Commands posted from the pages' forms: the form as shown (its fields, values and errors), the
request schema's checks, and the workflow's decision, told back as the API would tell it.

A page sends a command through `rt.service.execute(command, actor)` like the API does, so the
workflow checks its authority and rules again, whatever the page showed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.problems import domain_status
from api.requests import CommandRequest
from api.runtime import Runtime
from api.web import forms
from api.web.rendering import lang_of, runtime_of
from events import ConcurrencyError
from workflow.authority import Actor
from workflow.errors import DomainError
from workflow.profile import ProfileError, UnknownProfile


@dataclass
class FormView:
    """One form on a page: where it posts, its fields, the values shown and the errors."""

    key: str  # unique on the page: prefixes the inputs' ids
    action: str
    title: str
    fields: tuple[forms.FormField, ...]
    values: Mapping[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    version: int | None = None
    back: str = ""
    danger: bool = False
    # An irreversible step asks for a ticked confirmation (the catalogue key of what is confirmed),
    # so it works without JavaScript; and what the form shows before its fields: (label key, text).
    confirm: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in data.items() if isinstance(v, str)}


def defaults(fields: tuple[forms.FormField, ...], today: dt.date) -> dict[str, str]:
    """What a new form starts from: the date of the day, and each field's own default."""
    out: dict[str, str] = {}
    for f in fields:
        if f.widget == "group":
            out |= defaults(f.children, today)
        elif f.key == "occurred_on":
            out[f.name] = today.isoformat()
        elif f.default:
            out[f.name] = f.default
    return out


@dataclass
class Refusal:
    rule: str
    message: str
    evidence: dict[str, Any]
    case: str = ""  # which of the rule's refusals: its message in the catalogue (events.messages)


def _line_word(lang: str) -> Callable[[int], str]:
    return (lambda n: f"第 {n} 行") if lang == "zh" else (lambda n: f"line {n}")


def _validate(
    model: type[CommandRequest], form: Mapping[str, str], lang: str, ids: dict[str, str]
) -> tuple[Any, forms.FormErrors]:
    """The command, or the errors: the request schema's checks and then the command's own (as the
    API does: `to_command` validates again)."""
    body, errors = forms.validate(model, form, lang, _line_word(lang))
    if body is None:
        return None, errors
    assert isinstance(body, CommandRequest)
    try:
        return body.to_command(**ids), errors
    except ValidationError as exc:
        return None, forms.errors_of(exc, forms.fields_of(model), lang, _line_word(lang))


_VERSION = re.compile(r"[0-9]{1,18}")  # as api.deps reads If-Match


def _expected_version(form: Mapping[str, str]) -> int | Literal[False] | None:
    """The version the form was shown at (None: not given); False when it is not one."""
    raw = form.get("expected_version", "")
    if not raw:
        return None
    return int(raw) if _VERSION.fullmatch(raw) else False


@dataclass
class Outcome:
    """What became of a posted command: done (with the result), or why not."""

    done: bool = False
    procedure_id: str | None = None
    errors: forms.FormErrors = field(default_factory=forms.FormErrors)
    refusal: Refusal | None = None
    stale: tuple[int, int] | None = None
    refusal_status: int = 422

    @property
    def status(self) -> int:
        """The page's status when the command was not done, as the API would answer: a stale form
        409, a refusal its own (403 for authority), a form's errors 422."""
        return 409 if self.stale else self.refusal_status


def _run(rt: Runtime, actor: Actor, command: Any, expected: int | None, request_id: str | None) -> Outcome:
    try:
        result = rt.service.execute(command, actor, expected_version=expected, correlation_id=request_id)
    except ConcurrencyError as exc:
        return Outcome(stale=(exc.expected_version, exc.actual_version))
    except DomainError as exc:
        refusal = Refusal(exc.rule_id, exc.message, exc.evidence, exc.case)
        return Outcome(refusal=refusal, refusal_status=domain_status(exc))
    except ProfileError as exc:
        # The region's rule profile is not registered in this deployment: the form says so, as
        # the API's 422 does, instead of ending on the API's problem document.
        rule = "PROFILE-UNKNOWN" if isinstance(exc, UnknownProfile) else "PROFILE"
        return Outcome(refusal=Refusal(rule, str(exc), {}, ""), refusal_status=422)
    return Outcome(done=True, procedure_id=result.procedure_id)


async def submit(
    request: Request, actor: Actor, model: type[CommandRequest], form: Mapping[str, str], ids: dict[str, str]
) -> Outcome:
    """The posted form checked against `model` and, if it passes, its command executed at the
    version the form was shown at (a form shown before someone else moved the union on is stale)."""
    command, errors = _validate(model, form, lang_of(request), ids)
    expected = _expected_version(form)
    if expected is False:
        errors.add(forms.FORM_ERROR, "expected_version: not a version")
    if command is None or expected is False:
        return Outcome(errors=errors)
    outcome = await run_in_threadpool(
        _run,
        runtime_of(request),
        actor,
        command,
        expected,
        getattr(request.state, "request_id", None),
    )
    named = outcome.refusal.evidence.get("field") if outcome.refusal is not None else None
    if outcome.refusal is not None and named in {f.name for f in forms.fields_of(model)}:
        outcome.errors.add(str(named), outcome.refusal.message)  # the refusal is about this field: mark it
    return outcome
