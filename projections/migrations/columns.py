"""The types and column groups that several revisions of the read models create. Like `logic.py`,
frozen: a revision that uses one keeps meaning what it meant, so a different type or group is a new
name here, never an edit of one in use."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

ID = sa.String(200)
# Compared byte-wise on PostgreSQL (collation "C"), so that a subtree's path prefix is an index range.
PATH = sa.String(1000).with_variant(postgresql.VARCHAR(1000, collation="C"), "postgresql")


# The employing unit's facts: on a union (0001, nullable) and on a unit a joint union covers (0006,
# required).
_UNIT_FACTS = (
    ("unit_name", sa.Text),
    ("unit_type", sa.String(30)),
    ("employees", sa.Integer),
    ("members", sa.Integer),
    ("female_members", sa.Integer),
    ("has_party_org", sa.Boolean),
)


def unit_facts(nullable: bool) -> list[sa.Column[object]]:
    return [sa.Column(name, type_, nullable=nullable) for name, type_ in _UNIT_FACTS]
