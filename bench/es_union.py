"""The aggregate the eventsourcing library's side of the benchmarks folds. A module of its own so
that its stored event topics (`bench.es_union:Union.Stepped`) resolve however the benchmark is
started (a class defined in `__main__` or in a function would not)."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event


class Union(Aggregate):
    @event("Registered")
    def __init__(self, name: str) -> None:
        self.name = name
        self.steps: list[str] = []
        self.last_on = ""

    @event("Stepped")
    def step(self, kind: str, on: str, by: str, payload: dict[str, Any]) -> None:
        self.steps.append(kind)
        self.last_on = on
