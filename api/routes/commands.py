"""Command routes: one POST route per command, each with its own request schema (`api.requests`).

Handlers are thin: validate the body (a request schema), build the command, call the workflow
service with the token's actor, and let `api.problems` map the errors. The union stream's version
is the ETag; `If-Match` makes a command conditional (412 when stale) and `Idempotency-Key` makes a
retry return the first answer without writing anything."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from pydantic_core import to_json

from api.deps import Caller, CallerDep, CommandCall, IdempotencyKey, IfMatch, require_command_scope
from api.requests import CommandRequest
from api.schemas.commands import CommandAccepted
from api.schemas.problem import COMMAND_PROBLEMS
from workflow.service import CommandResult

Created = Callable[[CommandResult], str]


def accepted_body(result: CommandResult) -> dict[str, Any]:
    """`CommandAccepted`: the events written, the union's new version and where to read on."""
    body: dict[str, Any] = {
        "union_id": result.union_id,
        "procedure_id": result.procedure_id,
        "version": result.version,
        "events": [
            {
                "type": r.event_type,
                "version": r.version,
                "position": r.position,
                "occurred_on": r.occurred_on,
                "recorded_at": r.recorded_at,
                "data": r.event.model_dump(mode="json"),
            }
            for r in result.events
        ],
        "links": {"union": f"/unions/{result.union_id}"},
    }
    if result.procedure_id:
        body["links"]["procedure"] = f"/procedures/{result.procedure_id}"
    return body


def execute(
    call: CommandCall, body: CommandRequest, ids: dict[str, str], *, status_code: int, created: Created | None
) -> Response:
    """Run the body's command for the caller, under the request's If-Match and Idempotency-Key."""
    expected = call.precondition.expected_version()
    try:
        command = body.to_command(**ids)
    except ValidationError as exc:
        # The command's own checks (e.g. a grassroots union needs its unit facts): the body's fault.
        raise RequestValidationError([e | {"loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    require_command_scope(call.runtime.engine, call.actor, command)
    result = call.runtime.service.execute(
        command,
        call.actor,
        expected_version=expected,
        idempotency_key=call.idempotency_key,
        correlation_id=call.request_id,
    )
    headers = {"ETag": f'"{result.version}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    if created is not None:
        headers["Location"] = created(result)
    # Serialised once, straight to JSON bytes (dates as ISO 8601, as everywhere in the API).
    return Response(to_json(accepted_body(result)), status_code, headers, media_type="application/json")


def spellings(
    requests: Mapping[str, type[CommandRequest]], old: str, new: str
) -> Iterator[tuple[str, str, type[CommandRequest], bool]]:
    """Each (name, spelling, request schema, documented) of a request table: every name documented,
    and where it holds `old`, also its spelling with `new`, served but not documented."""
    for name, model in requests.items():
        yield name, name, model, True
        if old in name:
            yield name, name.replace(old, new), model, False


def add_union_command_route(router: APIRouter, path: str, model: type[CommandRequest], **route: Any) -> None:
    """A command on the union named by the path's `union_id` (see `add_command_route`)."""
    add_command_route(
        router, path, model, ids=lambda union_id: {"union_id": union_id}, path_params=("union_id",), **route
    )


def add_command_route(
    router: APIRouter,
    path: str,
    model: type[CommandRequest],
    *,
    ids: Callable[..., dict[str, str]],
    path_params: tuple[str, ...],
    summary: str,
    tags: list[str | Enum],
    status_code: int = 200,
    created: Created | None = None,
    include_in_schema: bool = True,
) -> None:
    """One POST route for one command. The endpoint's signature is built here so that FastAPI
    documents and validates the right body for each route; the caller comes through
    `api.deps.command_caller`, and `If-Match` and `Idempotency-Key` are the route's own parameters
    (validated with the body, as one dependency fewer each)."""

    def endpoint(
        body: CommandRequest, caller: Caller, if_match: str | None, idempotency_key: str | None, **path_values: str
    ) -> Response:
        call = caller.call(if_match, idempotency_key)
        return execute(call, body, ids(**path_values), status_code=status_code, created=created)

    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        *(inspect.Parameter(p, kw, annotation=Annotated[str, Path()]) for p in path_params),
        inspect.Parameter("body", kw, annotation=Annotated[model, Body()]),
        inspect.Parameter("caller", kw, annotation=CallerDep),
        inspect.Parameter("if_match", kw, annotation=IfMatch, default=None),
        inspect.Parameter("idempotency_key", kw, annotation=IdempotencyKey, default=None),
    ]
    endpoint.__signature__ = inspect.Signature(params, return_annotation=JSONResponse)  # type: ignore[attr-defined]
    endpoint.__name__ = "command_" + re.sub(r"\W+", "_", path).strip("_")
    router.add_api_route(
        path,
        endpoint,
        methods=["POST"],
        summary=summary,
        tags=tags,
        status_code=status_code,
        responses={
            status_code: {
                "model": CommandAccepted,
                "description": "Accepted: the events written (or, for a retried Idempotency-Key, first written)",
            },
            **COMMAND_PROBLEMS,
        },
        include_in_schema=include_in_schema,
        response_class=JSONResponse,
    )
