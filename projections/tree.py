"""Where an organisation sits in the tree: its materialised path (ancestors' ids and its own,
each followed by "/", e.g. ``ACFTU/HB/WH/WH-JA/U1/``), read from the `OrganisationRegistered`
events themselves.

Every read model that filters by subtree stores this path on its rows, so "everything under
Wuhan" is one index range (`path >= 'ACFTU/HB/WH/' AND path < 'ACFTU/HB/WH0'`) at any depth. The
path comes from the log, not from another projection's table, so each projection can be rebuilt
alone and in any order. An organisation's parent and place never change after registration (no
event moves one), so a path once learnt stays true; organisations that can have children are
remembered for the whole run, grassroots unions only for a while."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from sqlalchemy.engine import Connection, Engine

from events import reading
from events.catalogue import CATALOGUE, OrganisationRegistered, org_stream

SEPARATOR = "/"  # not allowed in organisation ids (workflow.commands.RegisterOrganisation)
# Levels that never have organisations below them (RULES.md §1): kept only in the short memory.
_LEAF_LEVELS = frozenset({"grassroots", "joint"})
_RECENT = 50_000


def subtree_range(path: str) -> tuple[str, str]:
    """[low, high) of the paths in the subtree whose root has `path` (root included)."""
    return path, path[:-1] + chr(ord(SEPARATOR) + 1)


class OrgInfo(tuple[str, str | None, str]):
    """(path, parent_id, level)"""

    __slots__ = ()

    @property
    def path(self) -> str:
        return self[0]

    @property
    def parent_id(self) -> str | None:
        return self[1]

    @property
    def level(self) -> str:
        return self[2]


class Tree:
    def __init__(self) -> None:
        self._branches: dict[str, OrgInfo] = {}
        self._recent: OrderedDict[str, OrgInfo] = OrderedDict()
        self.conn: Connection | None = None  # set by the runner for look-ups of older registrations

    def learn(self, org_id: str, parent_id: str | None, level: str) -> OrgInfo:
        """Record an organisation as its registration event says; returns its place."""
        if parent_id is None:
            path = org_id + SEPARATOR
        else:
            parent = self.info(parent_id)
            # A parent the log does not know (only possible in a log not written by the workflow)
            # still gets a stable place: a subtree named after it.
            path = (parent.path if parent is not None else parent_id + SEPARATOR) + org_id + SEPARATOR
        info = OrgInfo((path, parent_id, level))
        self._remember(org_id, info)
        return info

    def _remember(self, org_id: str, info: OrgInfo) -> None:
        if info.level in _LEAF_LEVELS:
            recent = self._recent
            recent[org_id] = info
            if len(recent) > _RECENT:
                recent.popitem(last=False)
        else:
            self._branches[org_id] = info

    def info(self, org_id: str) -> OrgInfo | None:
        found = self._branches.get(org_id) or self._recent.get(org_id)
        if found is not None:
            return found
        if self.conn is None:
            return None
        row = reading.first_of_type(self.conn, org_stream(org_id), "OrganisationRegistered")
        if row is None:
            return None
        event = CATALOGUE.decode(row.event_type, row.schema_version, row.payload)
        assert isinstance(event, OrganisationRegistered)
        return self.learn(org_id, event.parent_id, event.level)

    def path(self, org_id: str) -> str:
        info = self.info(org_id)
        return info.path if info is not None else org_id + SEPARATOR


class SharedTree(Tree):
    """One `Tree` for a whole process, consulted by many threads, each on its own connection (the
    api's read scoping). Since a place never changes once registered, what it has learnt stays
    true for as long as the process lives, with nothing to invalidate; an organisation not found is
    not remembered, so one registered since is found by the next look-up."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def known(self, org_id: str) -> OrgInfo | None:
        """Its place if already learnt (no statement)."""
        return self._branches.get(org_id) or self._recent.get(org_id)

    def lookup(self, conn: Connection, org_id: str) -> OrgInfo | None:
        found = self.known(org_id)
        if found is not None:
            return found
        # A miss reads the registrations on the caller's connection; one thread at a time, as the
        # memory is written on the way.
        with self._lock:
            self.conn = conn
            try:
                return self.info(org_id)
            finally:
                self.conn = None


_shared: weakref.WeakKeyDictionary[Engine, SharedTree] = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()


def place_of(db: Connection | Engine, org_id: str) -> OrgInfo | None:
    """Where `org_id` sits, from what this process has learnt of the database's tree (one
    `SharedTree` per engine, gone with it), else from its registration, read on `db` (an engine:
    connected only then). The reads' subtree filters and the api's scoping ask here."""
    engine = db.engine if isinstance(db, Connection) else db
    tree = _shared.get(engine)
    if tree is None:
        with _shared_lock:
            tree = _shared.setdefault(engine, SharedTree())
    found = tree.known(org_id)
    if found is not None:
        return found
    if isinstance(db, Connection):
        return tree.lookup(db, org_id)
    with db.connect() as conn:
        return tree.lookup(conn, org_id)
