"""register logic 6 and alerts logic 6: dated tallies per ancestor for the national summaries

Revision ID: 0009_tallies
Revises: 0008_list_indexes
Create Date: 2026-12-03

Coverage, alert counts by kind and the worst alerts answer for any subtree and any date from
tallies kept per ancestor rather than a scan of the subtree (`projections.models.tallies`): the
register renders each union's dated coverage marks (`proj_coverage_marks`), and the marks of the
coverage and of the alert periods are summed per organisation above each union, by figure and day
(`proj_coverage_tallies`, `proj_alert_tallies`). As for 0006: projections that have applied no
event yet are marked as built by logic 6; applied ones are reported as needing a rebuild, which
fills the new tables. The worst alerts of a large subtree walk a new index of the alert periods
in deadline order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.migrations.columns import PATH
from projections.migrations.logic import mark_back, mark_unbuilt_as

revision = "0009_tallies"
down_revision = "0008_list_indexes"
branch_labels = None
depends_on = None


_DEADLINE = ("deadline", "path", "kind", "seq", "fires_from", "fires_until")


def upgrade() -> None:
    op.create_table(
        "proj_coverage_marks",
        sa.Column("path", PATH, nullable=False),
        sa.Column("figure", sa.String(40), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("path", "figure", "day"),
        sqlite_with_rowid=False,
    )
    for table in ("proj_coverage_tallies", "proj_alert_tallies"):
        op.create_table(
            table,
            sa.Column("ancestor", PATH, nullable=False),
            sa.Column("span", sa.SmallInteger, nullable=False),
            sa.Column("day", sa.Date, nullable=False),
            sa.Column("figure", sa.String(40), nullable=False),
            sa.Column("n", sa.BigInteger, nullable=False),
            sa.PrimaryKeyConstraint("ancestor", "span", "day", "figure"),
            sqlite_with_rowid=False,
        )
        op.create_index(f"ix_{table}_n", table, ["ancestor", "span", "day", "figure", "n"])
    op.create_index("ix_proj_alerts_deadline", "proj_alerts", list(_DEADLINE))
    for name in ("register", "alerts"):
        mark_unbuilt_as(name, 5, 6)


def downgrade() -> None:
    op.drop_index("ix_proj_alerts_deadline", table_name="proj_alerts")
    for table in ("proj_alert_tallies", "proj_coverage_tallies"):
        op.drop_index(f"ix_{table}_n", table_name=table)
    for table in ("proj_alert_tallies", "proj_coverage_tallies", "proj_coverage_marks"):
        op.drop_table(table)
    for name in ("register", "alerts"):
        mark_back(name, 5)
