"""register logic 2: vice-chairs follow removals (R-REMOVAL) and by-elections

Revision ID: 0002_register_logic_2
Revises: 0001_projections
Create Date: 2026-11-21

The register's rows are now computed by logic version 2 (projections.models.register). A register
that has applied no event yet (position 0: a new database) holds nothing either logic would write,
so it is marked as built by logic 2. One that has applied events keeps logic 1 and is reported as
needing a rebuild, which `unionflow serve` runs before serving (`unionflow rebuild --projection
register` does it by hand); until then the live listener leaves it alone rather than mix the two.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_register_logic_2"
down_revision = "0001_projections"
branch_labels = None
depends_on = None

_checkpoints = sa.table(
    "proj_checkpoints",
    sa.column("name", sa.String),
    sa.column("position", sa.BigInteger),
    sa.column("logic_version", sa.Integer),
)


def upgrade() -> None:
    op.execute(
        _checkpoints.update()
        .where(_checkpoints.c.name == "register", _checkpoints.c.position == 0, _checkpoints.c.logic_version == 1)
        .values(logic_version=2)
    )


def downgrade() -> None:
    # Back to logic 1's marker; the rows are logic 2's until `unionflow rebuild --projection register`.
    op.execute(_checkpoints.update().where(_checkpoints.c.name == "register").values(logic_version=1))
