"""Decoding payloads the store itself wrote, without validating them a second time.

Every payload in the log is an event's `model_dump_json()`, validated when the event was made; the
read side decodes the same payloads over and over (a rebuild: every event of the log), and
pydantic's validation, which checks every field of every nested value and builds the models from
Rust, costs several times the parse of the text. A trusted decoder parses the text (orjson) and
builds the frozen model from it directly: values a JSON parser already gives in their model type
(text, integers, booleans, lists and dicts of them) are kept as parsed, ISO dates become `date`s,
nested models are built the same way, and fields the payload leaves out take their defaults. The
result equals what `model_validate_json` gives for the same payload, fields set included (the
tests compare them on every catalogue class).

Only a class whose validation does no more than that can be trusted. A class with validators, a
`model_post_init`, private attributes, aliases, extra fields not forbidden, a config that reshapes
values (whitespace stripping...), or a field type outside those listed gets no trusted decoder
(`trusted_decoder` returns None) and is validated as before; so is a payload the plan does not fit
(a required field missing, a name the class lacks, a value its conversion cannot take: a date that is
none, a list where a model is), whose validation then says what is wrong. What the plan does not
look at is trusted as written: the type of a value kept as parsed, and the names of a payload with
as many keys as its class has fields (the class forbade any other when it was written)."""

from __future__ import annotations

import copy
import datetime as dt
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import annotated_types
import orjson
from pydantic import BaseModel

Convert = Callable[[Any], Any]
M = typing.TypeVar("M", bound=BaseModel)


class Unsupported(Exception):
    """A model or field whose decoding needs pydantic's validation."""


# Field constraints that only check a value (checked when it was written), never change it.
_CHECKS_ONLY = (
    annotated_types.Gt,
    annotated_types.Ge,
    annotated_types.Lt,
    annotated_types.Le,
    annotated_types.MultipleOf,
    annotated_types.MinLen,
    annotated_types.MaxLen,
)
# Config keys that say nothing about how a JSON value becomes a field's value.
_PLAIN_CONFIG = frozenset({"frozen", "extra", "title", "json_schema_extra", "defer_build", "protected_namespaces"})
# Types a JSON parser gives as the model holds them.
_AS_PARSED: tuple[Any, ...] = (str, int, bool, type(None), Any, object)
_IMMUTABLE = (str, int, float, bool, type(None), tuple, frozenset)

# A model's four slots, set as pydantic-core sets them when it validates.
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def trusted_decoder(cls: type[M], otherwise: Callable[[str | bytes], M]) -> Callable[[str | bytes], M] | None:
    """A function from a payload of `cls` as the store wrote it (JSON text) to the model, or None
    when `cls` needs pydantic's validation. A payload the plan does not fit (or that is not JSON)
    is handed to `otherwise`, the validating decoder, which says what is wrong with it."""
    try:
        return typing.cast(Callable[[str | bytes], M], _Plan.of(cls, {}).builder(orjson.loads, otherwise))
    except Unsupported:
        return None


# What building a payload the plan does not fit raises (orjson's JSONDecodeError is a ValueError).
_MISFIT = (KeyError, TypeError, ValueError, AttributeError)


@dataclass
class _Plan:
    """How one model class is built from its parsed JSON (a dict the build may change)."""

    cls: type[BaseModel]
    names: tuple[str, ...]
    converts: tuple[tuple[str, Convert], ...]  # fields whose parsed value is not the model's
    defaults: dict[str, Callable[[], Any]]  # the default of every field that has one
    # Every field: the fields set of a payload that gives them all, shared by the models built from
    # such payloads (pydantic never changes a frozen model's set, only a copy's: model_copy).
    every: set[str]

    @classmethod
    def of(cls, model: type[BaseModel], planned: dict[type[BaseModel], _Plan | None]) -> _Plan:
        if model in planned:
            found = planned[model]
            if found is None:
                raise Unsupported(f"{model.__name__} is nested in itself")
            return found
        _check_model(model)
        planned[model] = None
        converts: list[tuple[str, Convert]] = []
        defaults: dict[str, Callable[[], Any]] = {}
        for name, info in model.model_fields.items():
            if info.alias is not None or info.validation_alias is not None or info.validate_default:
                raise Unsupported(f"{model.__name__}.{name}: an alias or a validated default")
            if not all(isinstance(m, _CHECKS_ONLY) for m in info.metadata):
                raise Unsupported(f"{model.__name__}.{name}: {info.metadata}")
            convert = _converter(info.annotation, planned)
            if convert is not None:
                converts.append((name, convert))
            if not info.is_required():
                if info.default_factory_takes_validated_data:
                    raise Unsupported(f"{model.__name__}.{name}: a default factory taking the data")
                defaults[name] = _default(info.default, info.default_factory)
        names = tuple(model.model_fields)
        plan = planned[model] = _Plan(model, names, tuple(converts), defaults, set(names))
        return plan

    def builder(
        self, parse: Callable[[Any], dict[str, Any]] | None = None, otherwise: Callable[[Any], BaseModel] | None = None
    ) -> Callable[[Any], BaseModel]:
        """The function building the model from its parsed JSON (a dict it may change), or with
        `parse`, from its text, handing what does not fit to `otherwise` when given. Everything it
        reads is bound once: it runs for every event a projection reads."""
        cls, names, converts, defaults, every = self.cls, self.names, self.converts, self.defaults, self.every
        n = len(names)

        def build(given_value: Any) -> BaseModel:
            try:
                d = given_value if parse is None else parse(given_value)
                if len(d) == n:  # every field given (extra fields were forbidden when it was written)
                    given = every
                else:
                    given = set(d)
                    if not given <= every:
                        raise KeyError(given - every)
                    # Fields left out take their defaults, in field order as validation sets them.
                    d = {k: d[k] if k in d else defaults[k]() for k in names}
                for name, convert in converts:
                    v = d[name]
                    if v is not None:
                        d[name] = convert(v)
                return _made(cls, d, given)
            except _MISFIT:
                if otherwise is None:
                    raise
                return otherwise(given_value)

        return build

    def list_builder(self) -> Convert:
        """Building a list of these models: one that needs no conversion and gives every field is
        made at once (lists of candidates make the log's largest payloads)."""
        build = self.builder()
        if self.converts:
            return lambda v: [build(x) for x in v]
        cls, n, every = self.cls, len(self.names), self.every
        return lambda v: [_made(cls, d, every) if len(d) == n else build(d) for d in v]


def _made(cls: type[BaseModel], d: dict[str, Any], given: set[str]) -> BaseModel:
    """A model of `cls` holding the field values `d`, as pydantic-core makes one when it validates
    (no extra fields, no private attributes)."""
    m = _new(cls)
    _set_dict(m, d)
    _set_fields_set(m, given)
    _set_extra(m, None)
    _set_private(m, None)
    return m


def _check_model(cls: type[BaseModel]) -> None:
    decorators = cls.__pydantic_decorators__
    if decorators.validators or decorators.field_validators or decorators.root_validators:
        raise Unsupported(f"{cls.__name__} has validators")
    if decorators.model_validators or cls.__private_attributes__:
        raise Unsupported(f"{cls.__name__} has model validators or private attributes")
    if cls.model_post_init is not BaseModel.model_post_init or not cls.__pydantic_complete__:
        raise Unsupported(f"{cls.__name__} has a model_post_init or is not complete")
    config = cls.model_config
    if config.get("extra") != "forbid" or set(config) - _PLAIN_CONFIG:
        raise Unsupported(f"{cls.__name__}: config {config}")


def _default(default: Any, factory: Any) -> Callable[[], Any]:
    if factory is not None:
        return typing.cast(Callable[[], Any], factory)
    if isinstance(default, _IMMUTABLE):
        return lambda: default
    return lambda: copy.deepcopy(default)


def _converter(annotation: Any, planned: dict[type[BaseModel], _Plan | None]) -> Convert | None:
    """How a parsed JSON value becomes a field's value of `annotation` (None: as parsed)."""
    if annotation in _AS_PARSED:
        return None
    if annotation is float:
        return float
    if annotation is dt.date:
        return dt.date.fromisoformat
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _Plan.of(annotation, planned).builder()
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Literal and all(type(a) in (str, int, bool) for a in args):
        return None
    if origin is typing.Annotated and all(isinstance(m, _CHECKS_ONLY) for m in annotation.__metadata__):
        return _converter(args[0], planned)
    if origin in (typing.Union, types.UnionType):
        # `X | None` (conversions leave None as it is), or a union of types kept as parsed.
        converts = [_converter(a, planned) for a in args if a is not type(None)]
        if all(c is None for c in converts):
            return None
        if len(converts) == 1:
            return converts[0]
    if origin is list and len(args) == 1:
        item = args[0]
        if isinstance(item, type) and issubclass(item, BaseModel):
            return _Plan.of(item, planned).list_builder()
        return _each(_converter(item, planned), lambda convert: lambda v: [convert(x) for x in v])
    if origin is dict and len(args) == 2 and args[0] is str:
        return _each(_converter(args[1], planned), lambda convert: lambda v: {k: convert(x) for k, x in v.items()})
    raise Unsupported(str(annotation))


def _each(convert: Convert | None, over: Callable[[Convert], Convert]) -> Convert | None:
    """A container's conversion from its items' (none when its items need none)."""
    return None if convert is None else over(convert)
