"""Who is calling and what they may read, for the web pages (`api.web.routes`), which call
`may_read` with the workflow service. The HTTP API takes both through `api.deps`:
`current_actor` (the bearer token's actor) and `readable_scope` (the one read-scoping rule)."""

from __future__ import annotations

from api.deps import current_actor, is_readable
from workflow.authority import Actor
from workflow.service import WorkflowService

__all__ = ["current_actor", "may_read"]


def may_read(service: WorkflowService, actor: Actor, org_id: str) -> bool:
    """`api.deps.readable_scope` as a yes/no: staff read their own union; approvers, auditors and
    administrators read their organisation and every organisation below it. The caller cannot
    tell an organisation outside their subtree from one that does not exist."""
    with service.store.engine.connect() as conn:
        return is_readable(conn, actor, org_id)
