"""What a list page takes to show one page of its list: the cursor of the page (none for the first)
and how many rows a page holds, as the query parameters `cursor` and `limit`; and the date it is
asked about, as typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Query

from workflow.bounds import strict_date


@dataclass(frozen=True)
class Paging:
    cursor: str | None
    limit: int


def paging(default: int, most: int) -> Any:
    """The dependency of a list's page: `cursor` as given, `limit` from 1 to `most` rows (`default`
    when not given); a limit out of range is a 422, as the API answers it."""

    def page_asked(cursor: str | None = None, limit: int = Query(default, ge=1, le=most)) -> Paging:
        return Paging(cursor, limit)

    return Depends(page_asked)


def parse_date(value: str | None) -> dt.date | None:
    """The date typed in a filter, or None when there is none or it is not a date (the page then
    says so, naming the field: never a silent today)."""
    if not value:
        return None
    try:
        return strict_date(value)  # the bounds of every date (workflow.bounds): no numbers, from 1925
    except ValueError:
        return None
