"""Column groups that several revisions of the api branch create. Frozen, like the read models'
`projections/migrations/columns.py`: a revision that uses one keeps meaning what it meant, so a
different group is a new function here, never an edit of one in use."""

from __future__ import annotations

import sqlalchemy as sa


def acting_as() -> list[sa.Column[object]]:
    """Whom a credential acts as (a bearer token, 0001; a web session, 0002): a person, in one of
    their roles, for one organisation."""
    return [
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("org_id", sa.String(120), nullable=False),
    ]
