"""register logic 4 and alerts logic 4: dissolution, a joint union's units, who elected the chair

Create Date: 2026-12-02

The register records who elected the current chair (`chair_elected_by`: the congress directly,
直选, or the committee) and whether the chair is full-time (`chair_full_time`, R-FULLTIME), on the
union and on each term (RULES.md §7 as of any date); the day a union was dissolved and why
(`dissolved_on`, `dissolution_reason`, R-DISSOLVE); and the units a joint grassroots union covers
(`proj_covered_units`). The alerts stop at a dissolution. As for 0002 to 0004: projections that
have applied no event yet (a new database) are marked as built by logic 4; applied ones keep their
logic and are reported as needing a rebuild, which `unionflow db upgrade` and `unionflow serve` run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.migrations.columns import ID, PATH, unit_facts
from projections.migrations.logic import mark_back, mark_unbuilt_as

revision = "0006_register_dissolution_joint"
down_revision = "0005_region_settings"


def upgrade() -> None:
    for table in ("proj_orgs", "proj_terms"):
        op.add_column(table, sa.Column("chair_elected_by", sa.String(20)))
        op.add_column(table, sa.Column("chair_full_time", sa.Boolean))
    op.add_column("proj_orgs", sa.Column("dissolved_on", sa.Date))
    op.add_column("proj_orgs", sa.Column("dissolution_reason", sa.String(20)))
    op.create_table(
        "proj_covered_units",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("unit_id", ID, nullable=False),
        sa.Column("stint", sa.Integer, nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("until", sa.Date),
        *unit_facts(nullable=False),
        sa.Column("union_founded_on", sa.Date),
        sa.Column("union_dissolved_on", sa.Date),
        sa.PrimaryKeyConstraint("org_id", "unit_id", "stint"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_proj_covered_units_path", "proj_covered_units", ["path"])
    for name in ("register", "alerts"):
        mark_unbuilt_as(name, 3, 4)


def downgrade() -> None:
    op.drop_index("ix_proj_covered_units_path", table_name="proj_covered_units")
    op.drop_table("proj_covered_units")
    with op.batch_alter_table("proj_orgs") as batch:
        for column in ("dissolution_reason", "dissolved_on", "chair_full_time", "chair_elected_by"):
            batch.drop_column(column)
    with op.batch_alter_table("proj_terms") as batch:
        for column in ("chair_full_time", "chair_elected_by"):
            batch.drop_column(column)
    for name in ("register", "alerts"):
        mark_back(name, 3)
