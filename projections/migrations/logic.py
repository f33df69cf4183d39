"""The step of the migrations that give a read model new logic (its `logic_version`): one that has
applied no event yet (position 0: a new database) holds nothing either logic would write, so it is
marked as built by the new logic; one that has applied events keeps the old marker and is reported
as needing a rebuild. Revisions call these by name: what a function does never changes once a
revision uses it (a different step is a new function)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

_checkpoints = sa.table(
    "proj_checkpoints",
    sa.column("name", sa.String),
    sa.column("position", sa.BigInteger),
    sa.column("logic_version", sa.Integer),
)


def mark_unbuilt_as(name: str, old: int, new: int) -> None:
    """Read model `name` at position 0 under logic `old` is marked as built by logic `new`."""
    c = _checkpoints.c
    op.execute(
        _checkpoints.update().where(c.name == name, c.position == 0, c.logic_version == old).values(logic_version=new)
    )


def mark_back(name: str, old: int) -> None:
    """Downgrading: `name` back to logic `old`'s marker; its rows are the newer logic's until it is
    rebuilt (`unionflow rebuild --projection <name>`)."""
    op.execute(_checkpoints.update().where(_checkpoints.c.name == name).values(logic_version=old))
