"""What every command is, and how each finds its handler.

A command is what a person asks the engine to do, in the imperative. It is not an event (which says
what happened) and not an HTTP request body (the API derives its bodies from the commands). Every
command names the union it acts on; a procedure's command also names the procedure. The business
date of the fact (`occurred_on`: the congress date, the date of the reply...) is given by the caller
and checked for sense; the recording time is the store's.

Each kind's module (`workflow.founding`, `workflow.election`...) declares its commands beside their
handlers: a command's handler is registered where it is written (`handles`), and a procedure's step
commands go through `workflow.handlers.take_step`, so no central list names them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from workflow.authority import Actor
from workflow.bounds import NAME_MAX, Date, out_of_bounds
from workflow.state import UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork


# The unit's facts as the examples of the API's documents give them.
UNIT_EXAMPLE: dict[str, Any] = {
    "unit_name": "江岸某科技有限公司",
    "unit_type": "enterprise",
    "employees": 120,
    "members": 0,
    "female_members": 0,
    "has_party_org": True,
}


COMMANDS: dict[str, type[Command]] = {}  # every command by its class name, as the flows name them


class Command(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Examples of the command's own fields (the ids the API takes from the URL left out), for the
    # API's documents and its tests.
    examples: ClassVar[list[dict[str, Any]]] = []

    occurred_on: Date

    @field_validator("*", mode="after")
    @classmethod
    def _within_bounds(cls, value: Any, info: ValidationInfo) -> Any:
        # The bounds declared once (`workflow.bounds`), on every field and what it holds (a unit's
        # facts, candidates, tallies), so that nothing a person gives escapes them.
        problem = out_of_bounds(value, info.field_name or "")
        if problem is not None:
            raise ValueError(problem)
        return value

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        COMMANDS[cls.__name__] = cls

    def given(self, *fields: str) -> dict[str, Any]:
        """The named fields as the command gives them: what the event recording it keeps unchanged
        (beside what the step decides)."""
        return {name: getattr(self, name) for name in fields}


class UnionCommand(Command):
    # DATE-ORDER: the facts of the union (`UnionState.dated_facts`) this record may not predate.
    depends_on: ClassVar[tuple[str, ...]] = ("registered_on", "term_start")

    union_id: str = Field(min_length=1, max_length=NAME_MAX)


class ProcedureCommand(UnionCommand):
    procedure_id: str = Field(min_length=1, max_length=NAME_MAX)

    # The step's name in the API's URLs where the command takes steps of several names (the
    # approvers' decisions); else the name of the one step it takes.
    step_name: ClassVar[str] = ""


_C = TypeVar("_C", bound=Command)
_T = TypeVar("_T")
Handler = Callable[[Command, UnionState, "UnitOfWork", Actor], "Decision"]
# Every command that is not a procedure's step, with its handler, as each module registers it.
HANDLERS: dict[type[Command], Handler] = {}


# What must hold of a union for a procedure of each kind to be opened, whatever the request says
# (its level, its term, no other such procedure under way): each kind's opening checks it first,
# and "what may I start now" asks the same functions.
OPENS_WHEN: dict[str, Callable[[UnionState], object]] = {}


def opens_when(kind: str) -> Callable[[Callable[[UnionState], _T]], Callable[[UnionState], _T]]:
    """Register the decorated guard as what must hold of a union to open a procedure of `kind`."""

    def register(fn: Callable[[UnionState], _T]) -> Callable[[UnionState], _T]:
        OPENS_WHEN[kind] = fn
        return fn

    return register


def handles(command: type[_C]) -> Callable[[Callable[[_C, UnionState, UnitOfWork, Actor], Decision]], Handler]:
    """Register the decorated function as the handler of `command`."""

    def register(fn: Callable[[_C, UnionState, UnitOfWork, Actor], Decision]) -> Handler:
        def handler(cmd: Command, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
            assert isinstance(cmd, command)
            return fn(cmd, union, uow, actor)

        HANDLERS[command] = handler
        return handler

    return register
