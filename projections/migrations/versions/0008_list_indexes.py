"""the lists a union office searches: names compared byte-wise, indexes for their sorts

Revision ID: 0008_list_indexes
Revises: 0007_register_imported_facts
Create Date: 2027-01-10

The unions list finds a name by its beginning and sorts by name, by code (the primary key) or by
the term's deadline; the procedures list sorts by the last step. Each is an index range, so a page
costs what the first page costs on a register of millions (`projections.queries.lists`). On
PostgreSQL `proj_orgs.name` takes collation "C", as the paths did from 0001: a name's beginning is
then one range of the index whatever the database's collation, and both databases sort names alike
(by code point). No read model's logic changes: nothing is rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_list_indexes"
down_revision = "0007_register_imported_facts"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_proj_orgs_name", "proj_orgs", ("name", "org_id")),
    ("ix_proj_orgs_deadline", "proj_orgs", ("deadline", "org_id")),
    ("ix_proj_procedures_moved", "proj_procedures", ("last_moved_on", "procedure_id")),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("proj_orgs", "name", type_=postgresql.TEXT(collation="C"), existing_nullable=False)
    for name, table, columns in _INDEXES:
        op.create_index(name, table, list(columns))


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("proj_orgs", "name", type_=sa.Text(), existing_nullable=False)
