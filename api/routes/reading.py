"""How a read route is declared: `GET`, tagged, summarised, with its response model and the
problems it may answer, said once for every route."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from fastapi import APIRouter

from api.schemas.problem import READ_PROBLEMS


def get(
    router: APIRouter,
    path: str,
    summary: str,
    model: Any = None,
    *,
    problems: dict[int | str, dict[str, Any]] = READ_PROBLEMS,
    tag: str = "reads",
    **extra: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`router.get` for a read: one tag, a summary, the response model (if any) and `problems`."""
    if model is not None:
        extra["response_model"] = model
    return router.get(path, tags=[tag], summary=summary, responses=problems, **extra)


def fields_of(record: Any) -> dict[str, Any]:
    """A read model's record (a dataclass) as its fields, one level deep: the records' nested values
    are built for each read, so `dataclasses.asdict`'s deep copy of them would buy nothing."""
    return {f.name: getattr(record, f.name) for f in fields(record)}
