"""Look-ups in the register that lists and tables make beside their rows: the names of the
organisations a page names, and the organisations directly below one (a coverage table's rows)."""

from __future__ import annotations

import sqlalchemy as sa

from projections import schema
from projections.queries.paging import Bind, connect

_O = schema.orgs


def federations_below(bind: Bind, org_id: str) -> list[str]:
    """The organisations directly below `org_id` that have unions of their own below them (or, a
    joint union, the units it covers), in tree order: the rows of a coverage table."""
    with connect(bind) as conn:
        q = sa.select(_O.c.org_id).where(_O.c.parent_id == org_id, _O.c.level != "grassroots")
        return [r[0] for r in conn.execute(q.order_by(_O.c.path))]
