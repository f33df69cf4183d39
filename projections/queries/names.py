"""Organisations by name: what a page, a list or the command line shows beside (or instead of) an
organisation's id, read from the register in a few queries whatever the number of ids."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from projections import schema
from projections.queries.paging import Bind, connect

_CHUNK = 500  # ids per IN list: far below any database's limit on bound parameters


def org_names(bind: Bind, org_ids: Iterable[str]) -> dict[str, str]:
    """The register's name of each of these organisations (an id the register does not hold is
    left out)."""
    ids = sorted({i for i in org_ids if i})
    orgs = schema.orgs
    names: dict[str, str] = {}
    with connect(bind) as conn:
        for start in range(0, len(ids), _CHUNK):
            query = sa.select(orgs.c.org_id, orgs.c.name).where(orgs.c.org_id.in_(ids[start : start + _CHUNK]))
            names.update({org_id: name for org_id, name in conn.execute(query)})
    return names
