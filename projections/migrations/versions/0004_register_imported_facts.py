"""register and alerts logic 3: what a founding or a registry import says of a union

Revision ID: 0004_register_imported_facts
Revises: 0003_alerts_logic_2
Create Date: 2026-12-10

`proj_orgs` gains the founding approval's document number, the date from which the union is surely
founded (`founded_at_latest`: its founding date, else an imported term's start, which coverage
counts from), how the chair was elected, whether the chair's post is full-time, the
representatives and the committee's size. The register (logic 3) fills them, and no longer takes an
imported term's start for the founding date or the last congress; the alerts (logic 3) read an
imported extension in force and say "last congress unknown" for an import that gave none. As for
0002 and 0003: projections that have applied no event yet (a new database) are marked as built by
logic 3; applied ones keep their version and are reported as needing a rebuild, which `unionflow db
upgrade` and `unionflow serve` run (`unionflow rebuild` by hand).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_register_imported_facts"
down_revision = "0003_alerts_logic_2"
branch_labels = None
depends_on = None

_checkpoints = sa.table(
    "proj_checkpoints",
    sa.column("name", sa.String),
    sa.column("position", sa.BigInteger),
    sa.column("logic_version", sa.Integer),
)

_COLUMNS = (
    ("founding_document_no", sa.Text),
    ("founded_at_latest", sa.Date),
    ("chair_elected_by", lambda: sa.String(20)),
    ("chair_full_time", sa.Boolean),
    ("representatives", sa.Integer),
    ("committee_size", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("proj_orgs") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_()))
    for name in ("register", "alerts"):
        op.execute(
            _checkpoints.update()
            .where(_checkpoints.c.name == name, _checkpoints.c.position == 0, _checkpoints.c.logic_version == 2)
            .values(logic_version=3)
        )


def downgrade() -> None:
    # Back to logic 2's markers; the rows are logic 3's until `unionflow rebuild`.
    op.execute(_checkpoints.update().where(_checkpoints.c.name.in_(("register", "alerts"))).values(logic_version=2))
    with op.batch_alter_table("proj_orgs") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
