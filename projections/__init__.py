"""The read side of unionflow, built from the event log only (it imports `events/`, never
`workflow/`).

Read models (tables in `projections.schema`, queries in `projections.queries`):
1. procedure status: `procedure_status`, `procedures` (projection "procedures");
2. union register: `register`, `union` (projection "register", with each union's terms);
3. approval inbox: `inbox` (projection "procedures");
4. alerts of RULES.md §6 for any date and subtree: `alerts` (projection "alerts");
5. coverage of RULES.md §7 for a subtree: `coverage` (over the register's tables).

Keeping them current: `Projections(engine)` with `.listener` (inline, read-your-writes),
`.catch_up()`, `.rebuild()`, `.compare_with_rebuild()`, `.status()`; see `projections.runner`.
Replay for auditors: `history`, `union_as_of`, `procedure_as_of`, `alerts_as_recorded`
(`projections.replay`).

Call `register_migrations()` before `events.migrate.upgrade` so the `projections` Alembic branch is
upgraded with the rest."""

from __future__ import annotations

from pathlib import Path

from events import migrate
from projections.errors import CorruptHistory, ProjectionError, ProjectionOutdated, UnknownEvent
from projections.queries import (
    Alert,
    AlertCounts,
    Coverage,
    InboxItem,
    Page,
    ProcedureStatus,
    Term,
    UnionRecord,
    alert_counts,
    alerts,
    coverage,
    inbox,
    procedure_status,
    procedures,
    register,
    terms,
    union,
)
from projections.replay import (
    HistoryEntry,
    UnionSnapshot,
    alerts_as_recorded,
    history,
    procedure_as_of,
    union_as_of,
)
from projections.runner import (
    NAMES,
    CompareReport,
    Difference,
    Progress,
    Projections,
    ProjectionStatus,
    RebuildReport,
)

MIGRATIONS = Path(__file__).parent / "migrations" / "versions"


def register_migrations() -> None:
    """Add the projections' Alembic branch to `events.migrate` (idempotent)."""
    migrate.add_version_location(str(MIGRATIONS))


__all__ = [
    "MIGRATIONS",
    "NAMES",
    "Alert",
    "AlertCounts",
    "CompareReport",
    "CorruptHistory",
    "Coverage",
    "Difference",
    "HistoryEntry",
    "InboxItem",
    "Page",
    "ProcedureStatus",
    "Progress",
    "ProjectionError",
    "ProjectionOutdated",
    "ProjectionStatus",
    "Projections",
    "RebuildReport",
    "Term",
    "UnionRecord",
    "UnionSnapshot",
    "UnknownEvent",
    "alert_counts",
    "alerts",
    "alerts_as_recorded",
    "coverage",
    "history",
    "inbox",
    "procedure_as_of",
    "procedure_status",
    "procedures",
    "register",
    "register_migrations",
    "terms",
    "union",
    "union_as_of",
]
