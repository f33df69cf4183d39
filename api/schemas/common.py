"""The page every list answers: its items and the cursor of the next page (keyset positions in
the read models' own order, see `api.routes.paging`)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

# The workplace of the unions the examples show: the register lists it flat, a union's fold nests it.
UNIT_EXAMPLE: dict[str, Any] = {
    "unit_name": "江岸某科技有限公司",
    "unit_type": "enterprise",
    "employees": 120,
    "members": 80,
    "female_members": 12,
    "has_party_org": True,
}


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


def example(item: dict[str, Any]) -> ConfigDict:
    """A model's config whose JSON schema shows `item` as its one example."""
    return ConfigDict(json_schema_extra={"examples": [item]})
