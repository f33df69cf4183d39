"""`events.model.procedure_id_of`: the stored `procedure_id` column's value, a procedure event's
own field or None, for every event type of the catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from events import DomainEvent
from events.catalogue import CATALOGUE
from events.model import procedure_id_of


class Opened(DomainEvent):
    event_type: ClassVar[str] = "TestOpened"
    procedure_id: str
    on: dt.date


class Noted(DomainEvent):
    event_type: ClassVar[str] = "TestNoted"
    note: str


def test_a_procedure_events_field_is_read_and_an_event_without_one_has_none() -> None:
    assert procedure_id_of(Opened(procedure_id="U1:founding-1", on=dt.date(2026, 1, 5))) == "U1:founding-1"
    assert procedure_id_of(Noted(note="x")) is None


def test_every_catalogued_event_type_answers_as_getattr_would() -> None:
    classes: list[Any] = [CATALOGUE.class_for(name) for name in sorted(CATALOGUE.event_types)]
    with_field = [c for c in classes if "procedure_id" in c.model_fields]
    assert with_field and len(with_field) < len(classes)
    for cls in classes:
        event = cls.model_construct(procedure_id="P") if cls in with_field else cls.model_construct()
        assert procedure_id_of(event) == getattr(event, "procedure_id", None)
