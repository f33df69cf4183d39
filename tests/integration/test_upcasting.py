"""A real change of an event's shape: rows written as v1 are read as v2 (and v3) through upcasters,
while the stored rows stay exactly as written and the hash chains still verify."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from events import DomainEvent, EventRegistry, EventStore, NewEvent, UnknownEventType
from tests.integration.support import DAY, META, fetch

# ---------------------------------------------------------------------- the code as it was: v1


class ChairElectedV1(DomainEvent):
    event_type: ClassVar[str] = "ChairElected"
    schema_version: ClassVar[int] = 1
    union_id: str
    name: str  # "family given", as the first release stored it


# ---------------------------------------------------------------------- the code now: v2


class ChairElectedV2(DomainEvent):
    event_type: ClassVar[str] = "ChairElected"
    schema_version: ClassVar[int] = 2
    union_id: str
    family_name: str
    given_name: str
    votes: int | None  # not recorded before v2


def split_name(payload: dict[str, Any]) -> dict[str, Any]:
    family, _, given = payload.pop("name").partition(" ")
    return {**payload, "family_name": family, "given_name": given, "votes": None}


# ---------------------------------------------------------------------- and later: v3


class ChairElectedV3(ChairElectedV2):
    """Version 2's fields and the term's length."""

    schema_version: ClassVar[int] = 3
    term_years: int


def add_term(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "term_years": 5}


def registry_v1() -> EventRegistry:
    reg = EventRegistry()
    reg.register(ChairElectedV1)
    return reg


def registry_v2() -> EventRegistry:
    reg = EventRegistry()
    reg.register(ChairElectedV2)
    reg.upcaster("ChairElected", 1)(split_name)
    return reg


def registry_v3() -> EventRegistry:
    reg = EventRegistry()
    reg.register(ChairElectedV3)
    reg.upcaster("ChairElected", 1)(split_name)
    reg.upcaster("ChairElected", 2)(add_term)
    return reg


def stored_rows(engine: sa.Engine) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in fetch(
            engine,
            "SELECT position, stream_id, version, event_type, schema_version, payload, metadata, "
            "occurred_on, recorded_at, prev_hash, hash FROM events ORDER BY position",
        )
    ]


def test_v1_rows_read_as_v2_and_stay_as_written(engine: sa.Engine) -> None:
    old = EventStore(engine, registry_v1())
    old.append(
        "org-a",
        [NewEvent(ChairElectedV1(union_id="org-a", name="王 小明"), DAY)],
        expected_version=0,
        metadata=META,
    )
    old.append(
        "org-b",
        [NewEvent(ChairElectedV1(union_id="org-b", name="欧阳 娜娜"), DAY)],
        expected_version=0,
        metadata=META,
    )
    written = stored_rows(engine)
    assert [r[4] for r in written] == [1, 1]

    new = EventStore(engine, registry_v2())
    (a,) = new.read_stream("org-a")
    assert a.event == ChairElectedV2(union_id="org-a", family_name="王", given_name="小明", votes=None)
    assert isinstance(a.event, ChairElectedV2)
    assert a.schema_version == 1  # as stored
    assert [r.event for r in new.read_all()][1] == ChairElectedV2(
        union_id="org-b", family_name="欧阳", given_name="娜娜", votes=None
    )

    # New events are written as v2 next to the v1 rows; both read back as v2.
    new.append(
        "org-a",
        [NewEvent(ChairElectedV2(union_id="org-a", family_name="李", given_name="雷", votes=41), DAY)],
        expected_version=1,
        metadata=META,
    )
    assert [(r.schema_version, r.event.given_name) for r in new.read_stream("org-a")] == [  # type: ignore[attr-defined]
        (1, "小明"),
        (2, "雷"),
    ]

    # Reading rewrote nothing: the v1 rows are byte for byte what was written, and verify passes.
    assert stored_rows(engine)[:2] == written
    assert new.verify().ok
    assert new.verify("org-a").ok


def test_upcasters_chain_from_any_old_version(engine: sa.Engine) -> None:
    EventStore(engine, registry_v1()).append(
        "org-a", [NewEvent(ChairElectedV1(union_id="org-a", name="王 小明"), DAY)], expected_version=0, metadata=META
    )
    EventStore(engine, registry_v2()).append(
        "org-a",
        [NewEvent(ChairElectedV2(union_id="org-a", family_name="李", given_name="雷", votes=41), DAY)],
        expected_version=1,
        metadata=META,
    )
    written = stored_rows(engine)
    v3 = EventStore(engine, registry_v3())
    assert [r.event for r in v3.read_stream("org-a")] == [
        ChairElectedV3(union_id="org-a", family_name="王", given_name="小明", votes=None, term_years=5),
        ChairElectedV3(union_id="org-a", family_name="李", given_name="雷", votes=41, term_years=5),
    ]
    assert stored_rows(engine) == written
    assert v3.verify().ok


def test_an_old_version_without_an_upcaster_is_refused_on_read(engine: sa.Engine) -> None:
    EventStore(engine, registry_v1()).append(
        "org-a", [NewEvent(ChairElectedV1(union_id="org-a", name="王 小明"), DAY)], expected_version=0, metadata=META
    )
    no_upcaster = EventRegistry()
    no_upcaster.register(ChairElectedV2)
    with pytest.raises(UnknownEventType, match="no upcaster from v1") as exc:
        list(EventStore(engine, no_upcaster).read_all())
    assert (exc.value.event_type, exc.value.schema_version) == ("ChairElected", 1)


def test_an_upcaster_registered_later_is_used(engine: sa.Engine) -> None:
    EventStore(engine, registry_v1()).append(
        "org-a", [NewEvent(ChairElectedV1(union_id="org-a", name="王 小明"), DAY)], expected_version=0, metadata=META
    )
    reg = EventRegistry()
    reg.register(ChairElectedV2)
    store = EventStore(engine, reg)
    with pytest.raises(UnknownEventType):
        list(store.read_all())
    reg.upcaster("ChairElected", 1)(split_name)
    assert [r.event.given_name for r in store.read_all()] == ["小明"]  # type: ignore[attr-defined]


def test_an_upcaster_producing_an_invalid_payload_is_reported(engine: sa.Engine) -> None:
    EventStore(engine, registry_v1()).append(
        "org-a", [NewEvent(ChairElectedV1(union_id="org-a", name="王 小明"), DAY)], expected_version=0, metadata=META
    )
    reg = EventRegistry()
    reg.register(ChairElectedV2)
    reg.upcaster("ChairElected", 1)(lambda payload: payload)  # forgets to split the name
    with pytest.raises(UnknownEventType, match="does not validate"):
        list(EventStore(engine, reg).read_all())


def test_registry_refuses_ambiguous_registrations() -> None:
    reg = registry_v2()
    with pytest.raises(TypeError, match="already registered"):
        reg.register(ChairElectedV1)
    with pytest.raises(TypeError, match="already registered"):
        reg.upcaster("ChairElected", 1)(split_name)
