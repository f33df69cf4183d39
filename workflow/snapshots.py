"""Folded unions kept for the reads: the state a stream folds to at a version, kept until the
stream moves on (the caller checks the version it asks for against the store's, one statement),
so that reading a union that has not changed costs no read of its events and no fold. A kept
state is only ever read, never evolved: the write side keeps its own (`RecentStreams`)."""

from __future__ import annotations

import threading
from collections import OrderedDict

from workflow.state import UnionState


class Snapshots:
    def __init__(self, maxsize: int = 5_000) -> None:
        self.maxsize = maxsize
        self._kept: OrderedDict[str, UnionState] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, org_id: str, version: int) -> UnionState | None:
        """The state at `version` if kept (a state at another version is no answer)."""
        with self._lock:
            state = self._kept.get(org_id)
            if state is None or state.version != version:
                return None
            self._kept.move_to_end(org_id)
            return state

    def put(self, state: UnionState) -> None:
        if self.maxsize <= 0:
            return
        with self._lock:
            kept = self._kept.get(state.org_id)
            if kept is not None and kept.version > state.version:
                return  # a later one is kept already
            self._kept[state.org_id] = state
            self._kept.move_to_end(state.org_id)
            while len(self._kept) > self.maxsize:
                self._kept.popitem(last=False)
