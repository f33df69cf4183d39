"""What a list page takes to show one page of its list: the cursor of the page (none for the first)
and how many rows a page holds, as the query parameters `cursor` and `limit`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Query


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
