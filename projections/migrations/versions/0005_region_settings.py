"""register: the settings of each region (its rule profile, its coverage targets)

Create Date: 2026-12-02

`proj_region_settings` holds, for each organisation an administrator gave settings to, the rule
profile assigned to it (RULES.md §5) and its coverage targets (§7), with its path in the tree so
that the nearest ancestor's are found by primary key. The register fills it from
`RuleProfileAssigned` and `CoverageTargetsSet`, which no earlier log holds: a register of any
position stays current with the table empty (no rebuild).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.migrations.columns import ID, PATH

revision = "0005_region_settings"
down_revision = "0004_on_time"


def upgrade() -> None:
    op.create_table(
        "proj_region_settings",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("profile_name", sa.String(100)),
        sa.Column("profile_version", sa.Integer),
        sa.Column("targets", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("org_id"),
    )


def downgrade() -> None:
    op.drop_table("proj_region_settings")
