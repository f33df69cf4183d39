"""How a read route is declared: `GET`, tagged, summarised, with its response model and the
problems it may answer, said once for every route."""

from __future__ import annotations

from collections.abc import Callable
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
