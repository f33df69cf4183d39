"""`bench_workflow --breakdown`: where a command's time goes, by wrapping the main steps of a
command with timers for the run."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any


class Breakdown:
    """Where a command's time goes: wall time spent inside the main steps of a command, summed
    over the run and divided by the commands timed (inclusive: "append" contains "listener").
    Wraps methods of the classes for the run; a development aid, not part of the figures."""

    PARTS = (
        ("workflow.service", "WorkflowService", "execute", "command (execute)"),
        ("workflow.unit_of_work", None, "fold", "  fold the union's events"),
        ("workflow.service", None, "decide", "  decide: authority and rules"),
        ("events.store", "EventStore", "append", "  append (transaction, commit included)"),
        ("events.store", "EventStore", "_append_locked", "    statements under the log lock"),
        ("projections.runner", "Projections", "listener", "      projections (inline listener)"),
        ("projections.apply", "BatchPlan", "fold", "        load, fold and render"),
        ("projections.base", "Writer", "replace_changed", "        write changed rows"),
        ("sqlalchemy.engine.default", "DefaultDialect", "do_commit", "    commit"),
    )

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.saved: list[tuple[Any, str, Any]] = []

    def install(self) -> None:
        for module_name, cls_name, attr, label in self.PARTS:
            module = importlib.import_module(module_name)
            owner = getattr(module, cls_name) if cls_name else module
            original = owner.__dict__.get(attr) if cls_name else getattr(owner, attr)
            if original is None:
                continue
            self.saved.append((owner, attr, original))
            setattr(owner, attr, self._timed(original, label))

    def _timed(self, fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        seconds = self.seconds
        seconds.setdefault(label, 0.0)
        clock = time.perf_counter

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                seconds[label] += clock() - t

        return timed

    def uninstall(self) -> None:
        for owner, attr, original in reversed(self.saved):
            setattr(owner, attr, original)
        self.saved.clear()

    def report(self, commands: int) -> None:
        # Setup commands (registering the unions) are included in the sums: divide by all.
        total = commands + commands // 12 + 3
        for label, secs in self.seconds.items():
            print(f"{'':<10} {label:<44} {secs / total * 1e6:>8.0f} us per command")
