"""Who is calling: the bearer token's person, role and organisation (an `Actor`), and which unions
they may read."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import unauthorised
from api.query import checks_query, refuse_unknown_query
from workflow.authority import Actor
from workflow.service import WorkflowService

bearer = HTTPBearer(auto_error=False, description="A token from `unionflow token issue`")


@checks_query
def current_actor(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorised("a bearer token is required (Authorization: Bearer ...)", invalid=False)
    info = request.app.state.runtime.tokens.authenticate(credentials.credentials)
    if info is None:
        raise unauthorised("the token is unknown, revoked or expired", invalid=True)
    request.state.token_id = info.token_id
    refuse_unknown_query(request)  # only now: a caller without a valid token learns nothing but 401
    return info.actor


def may_read(service: WorkflowService, actor: Actor, org_id: str) -> bool:
    """Reads are scoped to the caller's subtree: staff read their own union; approvers, auditors and
    administrators read their organisation and every organisation below it. The caller cannot tell
    an organisation outside their subtree from one that does not exist."""
    if actor.org_id == org_id:
        return True
    if actor.role == "staff":
        return False
    parent = service.load(org_id).parent_id
    seen = 0
    while parent is not None and seen < 32:
        if parent == actor.org_id:
            return True
        parent = service.load(parent).parent_id
        seen += 1
    return False
