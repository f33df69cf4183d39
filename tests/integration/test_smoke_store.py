import datetime as dt
from typing import ClassVar

from events import DomainEvent, EventMetadata, EventRegistry, EventStore, NewEvent

reg = EventRegistry()


@reg.register
class Noted(DomainEvent):
    event_type: ClassVar[str] = "Noted"
    text: str


def test_append_and_read_back(engine):
    store = EventStore(engine, reg)
    meta = EventMetadata(actor_id="a", role="staff")
    store.append("s", [NewEvent(Noted(text="x"), dt.date(2024, 1, 1))], expected_version=0, metadata=meta)
    got = list(store.read_stream("s"))
    assert [e.event for e in got] == [Noted(text="x")]
    assert store.verify().ok
