"""HTML forms built from the API's request schemas (`api.requests`), so that a page validates
exactly as the API does: the form's fields are read off the pydantic model, the posted values are
put back into the model's shape and validated by the same model, and pydantic's errors are shown
next to the field they name.

Widgets by type: text, number and date inputs; a checkbox for a yes/no; a select for a choice
(Literal) or an optional yes/no; a fieldset for a nested model (the unit's facts, a ballot count);
a textarea with one item a line for a list of names, a list of people (the name, then options such
as `affiliation=party_org` or `hr_head`), or the votes per candidate (`name: votes`)."""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined

from api.web import i18n
from api.web.i18n.tables import load

Widget = Literal["text", "number", "date", "checkbox", "tristate", "select", "lines", "people", "tallies", "group"]
FORM_ERROR = "__form__"

_PEOPLE_SPLIT = re.compile(r"[,，、;；]")
_TALLY_SPLIT = re.compile(r"[:：=]")


@dataclass(frozen=True)
class FormField:
    name: str  # the input's name: a dotted path into the model ("unit.employees")
    key: str  # the model field's own name (labels are looked up by it)
    widget: Widget
    required: bool
    choices: tuple[str, ...] = ()
    children: tuple[FormField, ...] = ()
    options: tuple[str, ...] = ()  # for a list of people: the options a line may add after the name
    default: str = ""
    # The catalogue keys of the choices' labels, in their order, where a page names them itself (a
    # rejection's redo choices, by its flow's steps); otherwise each choice's "choice.<value>".
    labels: tuple[str, ...] = ()

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(args) < len(get_args(annotation)):
            return args[0], True
    return annotation, False


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _default_text(value: Any) -> str:
    if value is PydanticUndefined or value is None or isinstance(value, list | dict | bool):
        return ""
    return str(value)


def _people_options(model: type[BaseModel]) -> tuple[str, ...]:
    out = []
    for name, info in model.model_fields.items():
        if name == "name":
            continue
        inner, _ = _unwrap_optional(info.annotation)
        if get_origin(inner) is Literal:
            out.append(f"{name}={'|'.join(str(a) for a in get_args(inner))}")
        else:
            out.append(name)
    return tuple(out)


def fields_of(model: type[BaseModel], prefix: str = "") -> tuple[FormField, ...]:
    out: list[FormField] = []
    for key, info in model.model_fields.items():
        annotation, optional = _unwrap_optional(info.annotation)
        name = prefix + key
        required = info.is_required()
        default = _default_text(info.get_default(call_default_factory=True))
        origin = get_origin(annotation)
        args = get_args(annotation)
        widget: Widget
        choices: tuple[str, ...] = ()
        children: tuple[FormField, ...] = ()
        options: tuple[str, ...] = ()
        if annotation is bool:
            widget = "tristate" if optional else "checkbox"
            default = "true" if info.default is True else ""
        elif annotation is int:
            widget = "number"
        elif annotation is dt.date:
            widget = "date"
        elif origin is Literal:
            widget, choices = "select", tuple(str(a) for a in args)
        elif _is_model(annotation):
            widget, children = "group", fields_of(annotation, prefix=name + ".")
        elif origin is list and args and _is_model(args[0]):
            widget, options = "people", _people_options(args[0])
        elif origin is list:
            widget = "lines"
        elif origin is dict:
            widget = "tallies"
        else:
            widget = "text"
        out.append(
            FormField(
                name=name,
                key=key,
                widget=widget,
                required=required and not optional,
                choices=choices,
                children=children,
                options=options,
                default=default,
            )
        )
    return tuple(out)


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.splitlines() if line.strip()]


@cache  # a field's options are fixed: their words are made once, not for every line typed
def _option_words(options: tuple[str, ...]) -> dict[str, str]:
    """The words a person may type for a list's options (and their choices), in either language,
    each with the code it stands for: "人力资源部门负责人" for `hr_head`, "党组织" for `party_org`."""
    words: dict[str, str] = {}
    for option in options:
        key, _, choices = option.partition("=")
        for lang in i18n.LANGS:
            words[i18n.translate(lang, f"field.{key}", key)] = key
            words |= {i18n.translate(lang, f"choice.{c}", c): c for c in choices.split("|") if c}
    return words


def people_options(lang: str, options: tuple[str, ...]) -> str:
    """A list's options as the page says them: "人力资源部门负责人、来自=党组织|职工代表|…"."""
    said = []
    for option in options:
        key, sep, choices = option.partition("=")
        label = i18n.translate(lang, f"field.{key}", key)
        words = "|".join(i18n.translate(lang, f"choice.{c}", c) for c in choices.split("|"))
        said.append(f"{label}={words}" if sep else label)
    return ("、" if lang == "zh" else ", ").join(said)


def _person(line: str, options: tuple[str, ...] = ()) -> dict[str, Any]:
    """One line of a list of people: the name, then its options in words (or by their codes)."""
    words = _option_words(options)
    name, *rest = (part.strip() for part in _PEOPLE_SPLIT.split(line))
    person: dict[str, Any] = {"name": name}
    for option in rest:
        if not option:
            continue
        key, sep, value = (part.strip() for part in option.partition("="))
        person[words.get(key, key)] = words.get(value, value) if sep else True
    return person


def _tallies(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in _lines(raw):
        parts = _TALLY_SPLIT.split(line)
        name, votes = (":".join(parts[:-1]).strip(), parts[-1].strip()) if len(parts) > 1 else (line, "")
        out[name] = votes
    return out


def collect(fields: tuple[FormField, ...], form: Mapping[str, str]) -> dict[str, Any]:
    """The posted values in the model's shape. Left to the model: every check (an empty required
    field is left out, so the model says it is required; a number that is not one is passed on as
    text, so the model names it)."""
    data: dict[str, Any] = {}
    for f in fields:
        raw = form.get(f.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if f.widget == "group":
            inner = collect(f.children, form)
            if inner or f.required:  # an optional group left empty is left out
                data[f.key] = inner
        elif f.widget == "checkbox":
            data[f.key] = raw is not None
        elif f.widget == "tristate":
            if text in ("true", "false"):
                data[f.key] = text == "true"
        elif f.widget == "lines":
            if text or f.required:
                data[f.key] = _lines(text)
        elif f.widget == "people":
            if text or f.required:
                data[f.key] = [_person(line, f.options) for line in _lines(text)]
        elif f.widget == "tallies":
            if text or f.required:
                data[f.key] = _tallies(text)
        elif text:
            data[f.key] = text
    return data


@dataclass
class FormErrors:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def _field_for(fields: tuple[FormField, ...], loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """The input a pydantic error location names, and what is left of the location (a line of a
    list, a candidate of the votes)."""
    current = fields
    name = FORM_ERROR
    rest = loc
    while rest:
        match = next((f for f in current if f.key == rest[0]), None)
        if match is None:
            break
        name, rest = match.name, rest[1:]
        if match.widget != "group":
            break
        current = match.children
    return name, rest


_MESSAGES = load("messages")  # by the error's type: api/web/i18n/messages.toml


def _message(error: Mapping[str, Any], lang: str) -> str:
    pair = _MESSAGES.get(str(error.get("type", "")))
    if pair is None:
        return str(error.get("msg", ""))
    try:
        return (pair[0] if lang == "zh" else pair[1]).format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        return str(error.get("msg", ""))


def _place(lang: str, parts: tuple[Any, ...]) -> str:
    """Where in a field an error is, by the parts' labels (a candidate's name stays a name)."""
    return " › ".join(i18n.translate(lang, f"field.{p}", str(p)) if i18n.has(f"field.{p}") else str(p) for p in parts)


def errors_of(
    exc: ValidationError, fields: tuple[FormField, ...], lang: str, line_word: Callable[[int], str]
) -> FormErrors:
    out = FormErrors()
    for error in exc.errors():
        name, rest = _field_for(fields, tuple(error["loc"]))
        where = ""
        if rest and isinstance(rest[0], int):
            where = line_word(rest[0] + 1) + ": "
            rest = rest[1:]
        if rest:
            where += _place(lang, rest) + ": "
        if name == FORM_ERROR and error["loc"]:
            where = _place(lang, tuple(error["loc"])) + ": "
        out.add(name, where + _message(error, lang))
    return out


def validate(
    model: type[BaseModel], form: Mapping[str, str], lang: str, line_word: Callable[[int], str]
) -> tuple[BaseModel | None, FormErrors]:
    fields = fields_of(model)
    try:
        return model.model_validate(collect(fields, form)), FormErrors()
    except ValidationError as exc:
        return None, errors_of(exc, fields, lang, line_word)
