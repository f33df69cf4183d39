"""Wiring: one engine, one event store, the registry of every event type. The composition root
shared by the HTTP app and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from events import EventRegistry, EventStore, make_engine
from events import migrate as migrations
from events.catalogue import CATALOGUE


def build_registry() -> EventRegistry:
    registry = EventRegistry()
    registry.include(CATALOGUE)
    return registry


@dataclass
class Runtime:
    engine: Engine
    store: EventStore

    @classmethod
    def open(cls, url: str | None = None) -> Runtime:
        engine = make_engine(url)
        return cls(engine=engine, store=EventStore(engine, build_registry()))

    def upgrade(self) -> list[str]:
        return migrations.upgrade(self.engine)

    def readiness_problem(self) -> str | None:
        try:
            if migrations.pending(self.engine):
                return "the database schema is not current: run `unionflow db upgrade`"
        except Exception as exc:
            return f"the database is not reachable: {exc.__class__.__name__}"
        return None
