"""The pieces under the projections: reading events as the catalogue's typed events (procedure ids from the
store's column, older payload shapes upcast), R-TERM-END month arithmetic, tree paths."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import pytest
from pydantic import Field

from bench import synthetic
from events import DomainEvent, EventRegistry
from events.catalogue import CATALOGUE, CandidatesFiled, CandidatesPosted, FoundingRequested
from projections.calendar import OPEN, add_months, add_months_iso, day_after, day_before
from projections.feed import Ev
from projections.tree import Tree, subtree_range


def _ev(raw: str | bytes, event_type: str = "CandidatesPosted", schema_version: int = 1) -> Ev:
    return Ev(1, "org-U1", 1, event_type, schema_version, raw, "{}", "2024-01-01")


@pytest.mark.parametrize("as_bytes", [False, True])  # SQLite rows bring UTF-8 bytes
def test_the_procedure_id_comes_from_the_stores_column_without_a_parse(as_bytes: bool) -> None:
    raw = '{"evidence":[{"procedure_id":"no"}],"procedure_id":"U1:founding-1"}'
    payload: str | bytes = raw.encode() if as_bytes else raw
    ev: Ev[CandidatesPosted] = Ev(1, "org-U1", 1, "CandidatesPosted", 1, payload, "{}", "2024-01-01", "U1:founding-1")
    assert ev.pid == "U1:founding-1"
    assert ev._event is None  # the payload was not looked at
    assert ev.event == CandidatesPosted(procedure_id=ev.pid, evidence=[{"procedure_id": "no"}]) and ev.raw == raw


@pytest.mark.parametrize(
    ("raw", "pid"),
    [
        ('{"evidence":[{"procedure_id":"no"}],"procedure_id":"yes"}', "yes"),
        ('{"remarks":"\\"procedure_id\\":\\"no","procedure_id":"yes"}', "yes"),
        ('{"procedure_id":"江岸-1:founding-1","evidence":[]}', "江岸-1:founding-1"),
        ('{"procedure_id":"a\\nb","evidence":[]}', "a\nb"),
    ],
)
def test_without_the_column_the_procedure_id_is_the_decoded_payloads(raw: str, pid: str) -> None:
    ev: Ev[CandidatesFiled] = _ev(raw.encode(), "CandidatesFiled")
    assert ev.pid == pid and ev.event.procedure_id == pid
    assert ev.event == CandidatesFiled.model_validate_json(raw)


class Renamed(DomainEvent):
    event_type: ClassVar[str] = "CandidatesPosted"
    schema_version: ClassVar[int] = 2
    procedure_id: str
    evidence: list[dict[str, object]] = Field(default_factory=list)
    place: str


def test_older_payloads_are_upcast_through_the_registry() -> None:
    reg = EventRegistry()
    reg.register(Renamed)

    @reg.upcaster("CandidatesPosted", 1)
    def _where_to_place(data: dict[str, object]) -> dict[str, object]:
        data = dict(data)
        data["place"] = data.pop("where")
        return data

    class TestEv(Ev):
        __slots__ = ()
        registry = reg

    old = '{"procedure_id":"U1:f-1","evidence":[],"where":"hall"}'
    ev: Ev[Renamed] = TestEv(1, "org-U1", 1, "CandidatesPosted", 1, old, "{}", "2024-01-01")
    assert ev.event == Renamed(procedure_id="U1:f-1", evidence=[], place="hall")
    assert '"place":"hall"' in ev.raw and ev.schema_version == 2


def test_opening_events_decode_as_validation_does() -> None:
    firsts = ("FoundingRequested", "ReelectionOpened")
    opening = [it for it in synthetic.generate(60, seed=1) if it[5].event_type in firsts]
    assert len(opening) > 20
    for item in opening:
        raw = CATALOGUE.encode(item[5])
        for payload in (raw, raw.encode()):
            assert _ev(payload, item[5].event_type).event == item[5] == type(item[5]).model_validate_json(raw)
    odd = CATALOGUE.encode(opening[0][5]).replace('"approval_reply_days":15', '"approval_reply_days":9')
    founding: Ev[FoundingRequested] = _ev(odd, "FoundingRequested")
    assert founding.event.profile["approval_reply_days"] == 9


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        ("2019-03-01", 60, "2024-03-01"),  # worked example 1
        ("2020-02-29", 36, "2023-02-28"),  # worked example 4
        ("2023-08-31", 6, "2024-02-29"),  # R-TERM-END: the last day when the day does not exist
        ("2024-03-01", -2, "2024-01-01"),  # A-TERM-DUE opens two months before
        ("2024-05-31", -3, "2024-02-29"),
        ("2024-05-10", 3, "2024-08-10"),  # worked example 10
    ],
)
def test_month_arithmetic_follows_r_term_end(start: str, months: int, end: str) -> None:
    assert add_months_iso(start, months) == end
    assert add_months(dt.date.fromisoformat(start), months) == dt.date.fromisoformat(end)


def test_days_and_open_periods() -> None:
    assert day_after("2024-02-28") == "2024-02-29" and day_before("2024-03-01") == "2024-02-29"
    assert day_after(OPEN) == OPEN


def test_paths_and_subtree_ranges() -> None:
    tree = Tree()
    tree.learn("ACFTU", None, "national")
    tree.learn("HB", "ACFTU", "province")
    tree.learn("HB2", "ACFTU", "province")
    union = tree.learn("U1", "HB", "grassroots")
    assert union.path == "ACFTU/HB/U1/" and union.parent_id == "HB"
    low, high = subtree_range(tree.path("HB"))
    assert low <= union.path < high
    assert not low <= tree.path("HB2") < high  # a sibling whose id starts the same is outside
    assert tree.learn("X", "NOWHERE", "grassroots").path == "NOWHERE/X/"  # a parent the log lacks
