"""The page every list answers: its items and the cursor of the next page (keyset positions in
the read models' own order, see `api.routes.paging`), and the body of a read model's record."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

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


def page_of(item: type[M]) -> type[Page[M]]:
    """`Page[item]` for a model built at run time (`record_body`), which mypy sees as a value."""
    return Page[item]  # type: ignore[valid-type]


class CountedPage(Page[T], Generic[T]):
    total: int | None = Field(
        description="How many match, on the first page (null on the pages after it): exact up to 10,000; "
        "when `total_exact` is false, more than `total` match"
    )
    total_exact: bool = Field(description="`total` is the exact count (false: more match, or not counted)")


def counted_page_of(item: type[M]) -> type[CountedPage[M]]:
    """`CountedPage[item]`, as `page_of`."""
    return CountedPage[item]  # type: ignore[valid-type]


def example(item: dict[str, Any]) -> ConfigDict:
    """A model's config whose JSON schema shows `item` as its one example."""
    return ConfigDict(json_schema_extra={"examples": [item]})


def record_body(
    record: type[Any],
    name: str,
    doc: str,
    *,
    described: dict[str, str],
    item: dict[str, Any],
    derived: tuple[str, ...] = (),
) -> type[BaseModel]:
    """The body of a read model's record (a dataclass of `projections.queries`): its fields, in its
    order and with its types, the `described` ones with their descriptions, then its `derived`
    properties and its `href`; `item` is its example. The record is the one list of the fields."""
    hints = typing.get_type_hints(record)
    fields: dict[str, Any] = {
        f.name: (hints[f.name], Field(description=described.get(f.name))) for f in dataclasses.fields(record)
    }
    for prop in derived:
        fields[prop] = (typing.get_type_hints(getattr(record, prop).fget)["return"], ...)
    return create_model(name, __doc__=doc, __module__=__name__, __config__=example(item), **fields, href=(str, ...))
