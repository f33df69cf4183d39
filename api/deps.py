"""The FastAPI dependencies every route takes: the runtime, the calling actor (from the bearer
token), the one read-scoping rule, the `If-Match` precondition and the `Idempotency-Key`.

Reads are scoped to the caller's subtree, decided from the organisation's place in the tree (its
materialised path, `projections.tree`, read from the organisations' own registration events so it
is never behind the log; a place never changes once registered, so what one request learnt serves
every later one, `projections.tree.place_of`, and the check costs no statement): staff see their
own organisation only; approvers, auditors and administrators see their organisation and everything
below it. An organisation outside that answers 404 exactly like one that does not exist, and so
does a list filter (`org`) naming one: never an empty list that would tell the two apart. Every
read (lists, a union, a procedure, histories, the audit endpoints) goes through `readable_scope`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Connection, Engine

from api.problems import ApiProblem, unauthorised
from api.query import checks_query, refuse_unknown_query
from api.runtime import Runtime
from projections.tree import place_of
from workflow.authority import Actor
from workflow.command import Command
from workflow.errors import NotAuthorised, NotFound
from workflow.handlers import target_of
from workflow.organisations import RegisterOrganisation

bearer = HTTPBearer(auto_error=False, description="A token from `unionflow token issue`")

# A union's version: ASCII digits, at most 18 of them (a 64-bit integer; the store's versions are
# far below), so that a header of thousands of digits is a 422 rather than a number too big to use.
_ETAG = re.compile(r'^(?:W/)?"?([0-9]{1,18})"?$')


# The dependencies are coroutines (no statement, or none once a token's check is remembered): a
# plain function would be handed to the thread pool and back for every request.


async def get_runtime(request: Request) -> Runtime:
    """The composition root `create_app` was given (tests and the CLI choose the database)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def authenticated(request: Request, credentials: HTTPAuthorizationCredentials | None, runtime: Runtime) -> Actor:
    """The token's person, role and organisation; recorded in every event the request writes."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorised("a bearer token is required (Authorization: Bearer ...)", invalid=False)
    tokens = runtime.tokens
    info = tokens.remembered(credentials.credentials)
    if info is None:
        info = await run_in_threadpool(tokens.authenticate, credentials.credentials)
    if info is None:
        raise unauthorised("the token is unknown, revoked or expired", invalid=True)
    request.state.token_id = info.token_id
    refuse_unknown_query(request)  # only now: a caller without a valid token learns nothing but 401
    return info.actor


# The dependencies the routes take authenticate through `authenticated` themselves, each on the
# bearer scheme alone (which the OpenAPI document names), rather than through a chain of
# dependencies: FastAPI solves each dependency of a request anew, at a price per dependency.


@checks_query
async def current_actor(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Actor:
    return await authenticated(request, credentials, request.app.state.runtime)


CurrentActor = Annotated[Actor, Depends(current_actor)]


async def business_today(runtime: RuntimeDep) -> dt.date:
    """Business "today" from the runtime's clock (tests fix it), never the machine's."""
    return runtime.service.clock()


Today = Annotated[dt.date, Depends(business_today)]


# --------------------------------------------------------------------------- the read scope


@dataclass(frozen=True)
class Scope:
    """The organisation a read is about, once the caller may see it."""

    org_id: str
    path: str
    level: str
    own_only: bool  # staff: their own organisation, nothing below it


def _within(actor: Actor, org_id: str, path: str) -> bool:
    if org_id == actor.org_id:
        return True
    return actor.role != "staff" and actor.org_id in path.split("/")[:-1]


def not_found(org_id: str) -> NotFound:
    return NotFound("NOT-FOUND", f"no organisation {org_id}", {"org_id": org_id}, case="org")


def readable_scope(db: Connection | Engine, actor: Actor, org: str | None) -> Scope:
    """`org` (default: the caller's organisation) if it exists and the caller may read it, else
    404 as if it did not exist. The one rule of who reads what."""
    org_id = org or actor.org_id
    info = place_of(db, org_id)
    if info is None or not _within(actor, org_id, info.path):
        raise not_found(org_id)
    return Scope(org_id, info.path, info.level, own_only=actor.role == "staff")


def require_command_scope(conn: Connection | Engine, actor: Actor, command: Command) -> None:
    """A command answers as a read does: on a union outside the caller's subtree, 404 exactly as
    for one that does not exist, before anything else is looked at (its If-Match, its version, who
    may decide it). A registration is about its parent: under one outside the subtree, an
    administrator hears what a missing parent says (ORG-PARENT; anyone else is refused for their
    role first). An id already taken is refused alike wherever it is (ORG-EXISTS, naming neither
    place nor version): organisation ids are one namespace, so that much cannot be hidden."""
    if not isinstance(command, RegisterOrganisation):
        readable_scope(conn, actor, target_of(command))
    elif command.parent_id is not None and actor.role == "admin" and not is_readable(conn, actor, command.parent_id):
        raise NotFound(
            "ORG-PARENT", f"parent organisation {command.parent_id} does not exist", {"parent_id": command.parent_id}
        )


def is_readable(conn: Connection | Engine, actor: Actor, org_id: str) -> bool:
    """`readable_scope` as a yes/no, for callers that answer their own way (the web pages)."""
    try:
        readable_scope(conn, actor, org_id)
    except NotFound:
        return False
    return True


@dataclass(frozen=True)
class Reader:
    """What a read route takes besides its own parameters: the caller, the runtime, and the request
    and response (a list names its next page in the `Link` header, `api.routes.paging`)."""

    request: Request
    response: Response
    actor: Actor
    runtime: Runtime

    @property
    def today(self) -> dt.date:
        return self.runtime.service.clock()

    def scope(self, db: Connection | Engine, org: str | None) -> Scope:
        return readable_scope(db, self.actor, org)

    @contextmanager
    def connect(self, org: str) -> Iterator[Connection]:
        """A connection for reads about `org`, once the caller is found to may read it (refused
        before any of the route's queries otherwise)."""
        with self.runtime.engine.connect() as conn:
            self.scope(conn, org)
            yield conn


@checks_query
async def reader(
    request: Request, response: Response, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Reader:
    runtime: Runtime = request.app.state.runtime
    return Reader(request, response, await authenticated(request, credentials, runtime), runtime)


ReaderDep = Annotated[Reader, Depends(reader)]


def refuse_staff(actor: Actor, detail: str) -> None:
    """403 for staff on a read that is not theirs (a subtree's figures, an approver's inbox)."""
    if actor.role == "staff":
        raise NotAuthorised(
            "AUTH-ROLE", detail, {"role": actor.role, "needed": "approver, auditor or admin"}, case="role"
        )


# --------------------------------------------------------------------------- command headers


@dataclass(frozen=True)
class Precondition:
    """The `If-Match` header as given. It is parsed when the command runs, after the body has been
    validated, so that a request with a bad body and a bad header is answered for the body first."""

    request: Request
    if_match: str | None

    def expected_version(self) -> int | None:
        """The union version the caller read (None: unconditional); 422 if it is not an ETag.
        Remembered on the request so that a stale one answers 412 rather than 409."""
        value = self.if_match
        expected: int | None = None
        if value is not None and value.strip() != "*":
            m = _ETAG.match(value.strip())
            if m is None:
                raise ApiProblem(
                    422,
                    "validation",
                    "The request is not valid",
                    f'If-Match: expected a version ETag such as "7", got {value[:40]!r}',
                    fields=["header.If-Match"],
                )
            expected = int(m.group(1))
        self.request.state.if_match = expected
        return expected


IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The union version you read (its ETag, e.g. "7"): 412 if it moved on'),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Makes a retry return the first answer and write nothing",
    ),
]


@dataclass(frozen=True)
class CommandCall:
    """Everything a command route needs besides its body and path: who, on which runtime, under
    which precondition, with which retry key, for which request (the correlation id)."""

    runtime: Runtime
    actor: Actor
    precondition: Precondition
    idempotency_key: str | None
    request_id: str | None


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of a command; with the route's `If-Match` and `Idempotency-Key`
    (parameters of the route itself, `IfMatch` and `IdempotencyKey`, validated with its body),
    its `CommandCall`."""

    request: Request
    runtime: Runtime
    actor: Actor

    def call(self, if_match: str | None, idempotency_key: str | None) -> CommandCall:
        request_id = getattr(self.request.state, "request_id", None)
        return CommandCall(self.runtime, self.actor, Precondition(self.request, if_match), idempotency_key, request_id)


@checks_query
async def command_caller(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> Caller:
    runtime: Runtime = request.app.state.runtime
    return Caller(request, runtime, await authenticated(request, credentials, runtime))


CallerDep = Annotated[Caller, Depends(command_caller)]
