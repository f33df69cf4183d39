"""The cyclic garbage collector during an import's phases (the check, the write)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for a phase, as `projections.rebuild.streams.collector_paused` (nothing
    in one makes reference cycles worth collecting before it ends; reference counting frees memory
    as it goes), and at its end what the phase allocated and still holds (the rows, their commands
    and decisions) is handed to the oldest generation, as any long-lived object ends up, instead
    of being scanned as young objects by the first collection after it, then again as middle-aged
    ones. Cyclic garbage among them is collected by the next full collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # freeze() moves every tracked object to the permanent generation, unfreeze() moves
            # them all to the oldest one: nothing stays frozen.
            gc.freeze()
            gc.unfreeze()
            gc.enable()
