"""What the read side's maintenance operations report: progress, where each projection stands,
what a rebuild did and how a rebuild compares with the live tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Progress:
    """What a long operation has done so far: `phase` is "catch-up", "replay" (a rebuild's
    stream-by-stream pass) or "swap"; `done` and `total` count events."""

    phase: str
    projections: tuple[str, ...]
    done: int
    total: int


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    logic_version: int
    code_logic_version: int

    @property
    def lag(self) -> int:
        return self.head - self.position

    @property
    def needs_rebuild(self) -> bool:
        return self.logic_version != self.code_logic_version


@dataclass
class RebuildReport:
    projections: tuple[str, ...]
    position: int
    events: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent in each phase
    peak_memory: int | None = None  # bytes, the largest replay process's peak (trace_memory=True)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class Difference:
    table: str
    key: tuple[Any, ...]
    what: str  # "only live" | "only rebuilt" | "differs"
    columns: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # column -> (live, rebuilt)

    def __str__(self) -> str:
        if self.what == "differs":
            cols = "; ".join(f"{c}: live={a!r} rebuilt={b!r}" for c, a, b in ((k, *v) for k, v in self.columns.items()))
            return f"{self.table} {self.key}: {cols}"
        return f"{self.table} {self.key}: {self.what}"


@dataclass
class CompareReport:
    position: int
    projections: tuple[str, ...]
    rows_compared: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    more: int = 0  # differences found beyond those listed

    @property
    def ok(self) -> bool:
        return not self.differences

    def note(self, difference: Difference, limit: int) -> None:
        """Keep `difference` when fewer than `limit` are listed; count it otherwise."""
        if len(self.differences) < limit:
            self.differences.append(difference)
        else:
            self.more += 1

    def __str__(self) -> str:
        if self.ok:
            return f"rebuilt read models equal the live ones at position {self.position} ({self.rows_compared})"
        lines = [f"{len(self.differences) + self.more} difference(s) at position {self.position}:"]
        lines += [f"  {d}" for d in self.differences]
        if self.more:
            lines.append(f"  ... and {self.more} more")
        return "\n".join(lines)
