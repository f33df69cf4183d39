"""R-ON-TIME said once: each term says whether it was re-elected on time (register logic 3), and
A-TERM-OVERDUE runs through the day a late re-election is approved (alerts logic 3)

Create Date: 2026-12-02

`proj_terms.on_time` is new: the re-election approved by the term's deadline (projections.on_time),
which the coverage's on-time rate and the term list now read instead of comparing the next term's
congress date. As for the earlier logic bumps (0002, 0003): projections that have applied no event
yet (a new database) are marked as built by logic 3; applied ones keep their logic and are reported
as needing a rebuild, which `unionflow db upgrade` and `unionflow serve` run (`unionflow rebuild
--projection register` / `--projection alerts` by hand). Until then their `on_time` is null.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.migrations.logic import mark_back, mark_unbuilt_as

revision = "0004_on_time"
down_revision = "0003_alerts_logic_2"


def upgrade() -> None:
    op.add_column("proj_terms", sa.Column("on_time", sa.Boolean))
    for name in ("register", "alerts"):
        mark_unbuilt_as(name, 2, 3)


def downgrade() -> None:
    # The alert periods are logic 3's until `unionflow rebuild --projection alerts`.
    for name in ("register", "alerts"):
        mark_back(name, 2)
    op.drop_column("proj_terms", "on_time")
