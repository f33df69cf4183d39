"""register and alerts logic 5: what a founding or a registry import says of a union

Create Date: 2026-12-02

`proj_orgs` gains the founding approval's document number, the date from which the union is surely
founded (`founded_at_latest`: its founding date, else an imported term's start, which coverage
counts from), the representatives and the committee's size (how the chair was elected and whether
the post is full-time came with 0006). The register (logic 5) fills them, and no longer takes an
imported term's start for the founding date or the last congress; the alerts (logic 5) read an
imported extension in force and say "last congress unknown" for an import that gave none. As for
0002 to 0006: projections that have applied no event yet (a new database) are marked as built by
logic 5; applied ones keep their version and are reported as needing a rebuild, which `unionflow db
upgrade` and `unionflow serve` run (`unionflow rebuild` by hand).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.migrations.logic import mark_back, mark_unbuilt_as

revision = "0007_register_imported_facts"
down_revision = "0006_register_dissolution_joint"


_COLUMNS = (
    ("founding_document_no", sa.Text),
    ("founded_at_latest", sa.Date),
    ("representatives", sa.Integer),
    ("committee_size", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("proj_orgs") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_()))
    for name in ("register", "alerts"):
        mark_unbuilt_as(name, 4, 5)


def downgrade() -> None:
    for name in ("register", "alerts"):
        mark_back(name, 4)
    with op.batch_alter_table("proj_orgs") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
