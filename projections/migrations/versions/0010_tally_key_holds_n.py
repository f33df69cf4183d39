"""the tallies' count in their primary key's b-tree only

Revision ID: 0010_tally_key_holds_n
Revises: 0009_tallies
Create Date: 2026-12-03

0009 gave each tally table a second index, (ancestor, span, day, figure, n), so that a sum reads
index pages only. On SQLite the table is WITHOUT ROWID: its primary key's b-tree holds `n` already,
and the index only doubled the b-tree writes of every upsert. On PostgreSQL the primary key's index
now INCLUDEs `n`, which serves the same index-only sums from one index instead of two. The rows do
not change, so no projection needs a rebuild.
"""

from __future__ import annotations

from alembic import op

revision = "0010_tally_key_holds_n"
down_revision = "0009_tallies"
branch_labels = None
depends_on = None

_TALLIES = ("proj_coverage_tallies", "proj_alert_tallies")
_KEY = "ancestor, span, day, figure"


def _primary_key(table: str, include: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
            f"ADD CONSTRAINT {table}_pkey PRIMARY KEY ({_KEY}){include}"
        )


def upgrade() -> None:
    for table in _TALLIES:
        op.drop_index(f"ix_{table}_n", table_name=table)
        _primary_key(table, " INCLUDE (n)")


def downgrade() -> None:
    for table in _TALLIES:
        _primary_key(table, "")
        op.create_index(f"ix_{table}_n", table, ["ancestor", "span", "day", "figure", "n"])
