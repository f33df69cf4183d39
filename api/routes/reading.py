"""How a read route is declared: `GET`, tagged, summarised, with its response model and the
problems it may answer, said once for every route."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

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
    route = router.get(path, tags=[tag], summary=summary, responses=problems, **extra)
    return lambda endpoint: route(one_hop(endpoint))


def one_hop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A synchronous read (it waits on the database) run in the thread pool, as FastAPI runs it,
    but declared a coroutine: FastAPI then checks the answer against the response model on the
    event loop, where for a synchronous endpoint it goes to the pool and back a second time. The
    signature, name and module seen by FastAPI are the endpoint's own (`functools.wraps`)."""

    @functools.wraps(endpoint)
    async def read(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return read


def fields_of(record: Any) -> dict[str, Any]:
    """A read model's record (a dataclass) as its fields, one level deep: the records' nested values
    are built for each read, so `dataclasses.asdict`'s deep copy of them would buy nothing."""
    return {f.name: getattr(record, f.name) for f in fields(record)}
