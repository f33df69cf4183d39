"""register logic 2: vice-chairs follow removals (R-REMOVAL) and by-elections

Create Date: 2026-11-21

The register's rows are now computed by logic version 2 (projections.models.register). A register
that has applied no event yet (position 0: a new database) holds nothing either logic would write,
so it is marked as built by logic 2. One that has applied events keeps logic 1 and is reported as
needing a rebuild, which `unionflow serve` runs before serving (`unionflow rebuild --projection
register` does it by hand); until then the live listener leaves it alone rather than mix the two.
"""

from __future__ import annotations

from projections.migrations.logic import mark_back, mark_unbuilt_as

revision = "0002_register_logic_2"
down_revision = "0001_projections"


def upgrade() -> None:
    mark_unbuilt_as("register", old=1, new=2)


def downgrade() -> None:
    mark_back("register", old=1)
