"""Operations and public descriptions (no token needed): the process is up, the database is ready,
and a procedure kind's state machine."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.problems import NotReady
from api.schemas.problem import example_response, problem_responses
from api.schemas.procedures import PROCEDURE_KIND_EXAMPLE
from workflow.errors import NotFound
from workflow.fold import KINDS

router = APIRouter()


@router.get(
    "/health",
    tags=["operations"],
    summary="The process is up",
    responses=example_response("Up", {"status": "ok"}),
)
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/ready",
    tags=["operations"],
    summary="The database is reachable and its schema current",
    responses=example_response("Ready", {"status": "ready", "database": "sqlite", "log_position": 5688})
    | {503: {"description": "Not ready: the database is unreachable or its schema not current"}},
)
def ready(runtime: RuntimeDep) -> Any:
    problem_text = runtime.readiness_problem()
    if problem_text:
        raise NotReady(problem_text)
    return {
        "status": "ready",
        "database": runtime.engine.dialect.name,
        "log_position": runtime.store.last_position(),
    }


@router.get(
    "/procedure-kinds/{kind}",
    tags=["reads"],
    summary="A procedure kind's state machine, as data and as a Mermaid diagram (no token needed)",
    responses=example_response(
        "States, transitions (trigger, source, destination, label, who decides) and the Mermaid text",
        PROCEDURE_KIND_EXAMPLE,
    )
    | problem_responses(404),
)
def get_procedure_kind(kind: str) -> dict[str, Any]:
    definition = KINDS.get(kind.replace("-", "_"))
    if definition is None:
        raise NotFound(
            "NOT-FOUND",
            f"unknown procedure kind {kind!r}; known: {', '.join(sorted(KINDS))}",
            {"kind": kind},
            case="kind",
        )
    return definition.machine.describe() | {"mermaid": definition.machine.mermaid()}
