"""Trusted decoding (`events.trusted`, `EventRegistry.stored_decoder`): a payload the store wrote
decodes to exactly what pydantic's validation gives for it, for every catalogue class; a class
whose validation does more than check falls back to pydantic; a payload that does not fit its
class is validated, and refused as validation refuses it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from typing import Annotated, Any, ClassVar

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from bench import synthetic
from events import DomainEvent, EventRegistry
from events.catalogue import (
    CATALOGUE,
    ByElectionConsentRefused,
    ByElectionRejected,
    CoverageTargetsSet,
    DissolutionRejected,
    EarlyReelectionRejected,
    ExistingTermImported,
    ExtensionRequestAmended,
    RuleProfileAssigned,
    UnitFacts,
    UnitFactsUpdated,
)
from events.errors import UnknownEventType
from events.trusted import trusted_decoder

UNIT = UnitFacts(
    unit_name="江岸某厂", unit_type="enterprise", employees=120, members=80, female_members=30, has_party_org=True
)
# The catalogue's events the synthetic history never writes.
OTHERS: tuple[DomainEvent, ...] = (
    ByElectionConsentRefused(procedure_id="U1:by_election-1", reasons="候选人不符合条件"),
    ByElectionRejected(procedure_id="U1:by_election-1", reasons="材料不全"),
    DissolutionRejected(procedure_id="U1:dissolution-1", reasons="材料不全"),
    EarlyReelectionRejected(procedure_id="U1:early_reelection-1", reasons="理由不足"),
    ExtensionRequestAmended(procedure_id="U1:extension-1", reason="重组推迟", new_deadline=dt.date(2024, 9, 1)),
    CoverageTargetsSet(org_id="DL", targets={"founding_rate": 0.91, "on_time_rate": 1}, previous={"x": 0.5}),
    RuleProfileAssigned(org_id="DL", profile_name="dalian", profile_version=2, previous_name="national"),
    UnitFactsUpdated(org_id="U1", unit=UNIT, previous=UNIT.model_copy(update={"members": 70})),
    ExistingTermImported(  # the registry gave only the term: the other facts are left out of the payload
        org_id="U2", term_start=dt.date(2021, 3, 1), term_years=5, term_end=dt.date(2026, 3, 1), chair="王"
    ),
)


@cache
def corpus() -> tuple[tuple[str, str], ...]:
    """(type, payload) of every event of a synthetic history of 150 unions, and of `OTHERS`."""
    events = [item[5] for item in synthetic.generate(150, seed=5)] + list(OTHERS)
    return tuple((e.event_type, CATALOGUE.encode(e)) for e in events)


def same(a: Any, b: Any) -> None:
    """`a` and `b` are equal and of the same types all the way down, models with the same fields
    set, in the same order, and nothing extra or private."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, BaseModel):
        assert list(a.__dict__) == list(b.__dict__)
        assert a.model_fields_set == b.model_fields_set
        assert a.__pydantic_extra__ == b.__pydantic_extra__ and a.__pydantic_private__ == b.__pydantic_private__
        for k in a.__dict__:
            same(a.__dict__[k], b.__dict__[k])
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            same(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same(x, y)
    else:
        assert a == b


def validated(event_type: str, payload: str | bytes) -> DomainEvent:
    return CATALOGUE.class_for(event_type).model_validate_json(payload)


def test_the_corpus_has_every_catalogue_class() -> None:
    assert {t for t, _ in corpus()} == CATALOGUE.event_types


def test_every_catalogue_class_is_decoded_without_validation() -> None:
    for event_type in CATALOGUE.event_types:
        cls = CATALOGUE.class_for(event_type)
        assert trusted_decoder(cls, cls.model_validate_json) is not None, event_type


@pytest.mark.parametrize("as_bytes", [False, True])  # SQLite gives the payloads as UTF-8 bytes
def test_stored_payloads_decode_as_validation_decodes_them(as_bytes: bool) -> None:
    for event_type, payload in corpus():
        raw = payload.encode() if as_bytes else payload
        event = CATALOGUE.stored_decoder(event_type, 1)(raw)
        same(event, validated(event_type, raw))
        assert CATALOGUE.encode(event) == payload


def _defaults_dropped(payload: dict[str, Any], cls: type[BaseModel], data: st.DataObject) -> dict[str, Any]:
    """`payload` without some of the fields that have defaults, here and in nested models."""
    out = {}
    for name, value in payload.items():
        info = cls.model_fields[name]
        if not info.is_required() and data.draw(st.booleans()):
            continue
        nested = info.annotation
        if isinstance(nested, type) and issubclass(nested, BaseModel):
            value = _defaults_dropped(value, nested, data)
        out[name] = value
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_payloads_leaving_out_defaulted_fields_decode_as_validation_decodes_them(data: st.DataObject) -> None:
    event_type, payload = data.draw(st.sampled_from(corpus()))
    cls = CATALOGUE.class_for(event_type)
    raw = orjson.dumps(_defaults_dropped(orjson.loads(payload), cls, data))
    same(CATALOGUE.stored_decoder(event_type, 1)(raw), validated(event_type, raw))


def _first(event_type: str) -> dict[str, Any]:
    found: dict[str, Any] = orjson.loads(next(p for t, p in corpus() if t == event_type))
    return found


def misfits() -> Iterator[tuple[str, dict[str, Any]]]:
    held = _first("CongressHeld")
    yield "CongressHeld", {k: v for k, v in held.items() if k != "committee"}  # a required field missing
    yield "CongressHeld", held | {"committee": ["a", "b", "c", "d", "e", "f"]}  # a list where a model is
    approved = _first("ResultsApproved")
    yield "ResultsApproved", approved | {"term_end": "2024-02-30"}  # no such date
    # A name the class lacks, in a payload that leaves out defaulted fields.
    yield "ResultsApproved", {k: v for k, v in approved.items() if k not in ("evidence", "remarks")} | {"remark": "x"}
    yield "CandidatesProposed", _first("CandidatesProposed") | {"chair_candidates": {"name": "王"}}


@pytest.mark.parametrize(("event_type", "payload"), list(misfits()))
def test_a_payload_that_does_not_fit_is_refused_as_validation_refuses_it(
    event_type: str, payload: dict[str, Any]
) -> None:
    raw = orjson.dumps(payload)
    with pytest.raises(UnknownEventType, match="does not validate"):
        CATALOGUE.stored_decoder(event_type, 1)(raw)
    with pytest.raises(UnknownEventType, match="does not validate"):
        CATALOGUE.decoder(event_type, 1)(raw)


def test_a_payload_that_is_not_json_is_refused() -> None:
    with pytest.raises(UnknownEventType, match="does not validate"):
        CATALOGUE.stored_decoder("ResultsApproved", 1)(b'{"procedure_id": ')


# --------------------------------------------------------------------------- classes that need validation


class Shouted(DomainEvent):
    event_type: ClassVar[str] = "Shouted"
    word: Annotated[str, AfterValidator(str.upper)]


class Checked(DomainEvent):
    event_type: ClassVar[str] = "Checked"
    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self) -> Checked:
        if self.low > self.high:
            raise ValueError("low above high")
        return self


class Loud(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    word: str

    @field_validator("word")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class Holding(DomainEvent):
    event_type: ClassVar[str] = "Holding"
    inner: list[Loud]


class Aliased(DomainEvent):
    event_type: ClassVar[str] = "Aliased"
    word: str = Field(alias="w")


class Private(DomainEvent):
    event_type: ClassVar[str] = "Private"
    word: str
    _seen: int = PrivateAttr(default=0)


class Lenient(DomainEvent):
    model_config = ConfigDict(frozen=True, extra="ignore")
    event_type: ClassVar[str] = "Lenient"
    word: str


class Stripped(DomainEvent):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    event_type: ClassVar[str] = "Stripped"
    word: str


class Timed(DomainEvent):
    event_type: ClassVar[str] = "Timed"
    at: dt.datetime


class Paired(DomainEvent):
    event_type: ClassVar[str] = "Paired"
    pair: tuple[int, int]


NEEDS_VALIDATION: list[tuple[type[DomainEvent], dict[str, Any], dict[str, Any]]] = [
    (Shouted, {"word": "hi"}, {"word": "HI"}),
    (Checked, {"low": 1, "high": 2}, {"low": 1, "high": 2}),
    (Holding, {"inner": [{"word": "hi"}]}, {"inner": [Loud(word="HI")]}),
    (Aliased, {"w": "hi"}, {"word": "hi"}),
    (Private, {"word": "hi"}, {"word": "hi"}),
    (Lenient, {"word": "hi", "other": 1}, {"word": "hi"}),
    (Stripped, {"word": " hi "}, {"word": "hi"}),
    (Timed, {"at": "2024-01-01T10:00:00"}, {"at": dt.datetime(2024, 1, 1, 10)}),
    (Paired, {"pair": [1, 2]}, {"pair": (1, 2)}),
]


@pytest.mark.parametrize(("cls", "payload", "fields"), NEEDS_VALIDATION)
def test_a_class_whose_validation_does_more_than_check_is_validated(
    cls: type[DomainEvent], payload: dict[str, Any], fields: dict[str, Any]
) -> None:
    assert trusted_decoder(cls, cls.model_validate_json) is None
    registry = EventRegistry()
    registry.register(cls)
    event = registry.stored_decoder(cls.event_type, 1)(orjson.dumps(payload))
    assert type(event) is cls and event.__dict__ == fields


def test_a_validator_still_refuses_what_it_refuses() -> None:
    registry = EventRegistry()
    registry.register(Checked)
    with pytest.raises(UnknownEventType, match="low above high"):
        registry.stored_decoder("Checked", 1)(b'{"low": 3, "high": 2}')
