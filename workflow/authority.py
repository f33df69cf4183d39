"""Who may act. Checked here, in the workflow, for every command, whatever front end sent it; the
HTTP layer only authenticates the person.

- staff act for their own union (or its preparatory group, which acts under the union's id);
- approvers decide the filings of the unions *directly* below their organisation (R-APPROVER);
- auditors read their subtree and write nothing;
- administrators manage the organisation tree within their own subtree."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from workflow.bounds import Name
from workflow.errors import NotAuthorised
from workflow.state import UnionState

Role = Literal["staff", "approver", "auditor", "admin"]


class Actor(BaseModel):
    """The person acting, in which role, for which organisation: recorded in every event's
    metadata."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    person_id: Name
    role: Role
    org_id: Name


def _require_role(actor: Actor, needed: Role, rule: str, only: str) -> None:
    """The role check each authority starts with; `only` says in the refusal who may."""
    if actor.role != needed:
        raise NotAuthorised(
            rule, f"{only}; {actor.person_id} acts as {actor.role}", {"role": actor.role, "needed": needed}, case="role"
        )


def require_staff_of(actor: Actor, union: UnionState) -> None:
    _require_role(actor, "staff", "AUTH-ROLE", "only the union's staff may take this step")
    if actor.org_id != union.org_id:
        raise NotAuthorised(
            "AUTH-ORG",
            f"staff of {actor.org_id} may not act for union {union.org_id}",
            {"actor_org": actor.org_id, "union": union.org_id},
            case="staff",
        )


def require_approver_of(actor: Actor, union: UnionState) -> None:
    """R-APPROVER: filings are decided by the union's direct higher-level union, nobody else."""
    _require_role(actor, "approver", "R-APPROVER", "only an approver of the higher-level union may decide filings")
    if union.parent_id is None or actor.org_id != union.parent_id:
        raise NotAuthorised(
            "R-APPROVER",
            f"filings of {union.org_id} are decided by its direct higher-level union {union.parent_id}, "
            f"not by {actor.org_id}",
            {"actor_org": actor.org_id, "union": union.org_id, "approver_org": union.parent_id},
            case="parent",
        )


def require_admin_over(actor: Actor, org_id: str, ancestors: list[str], *, own_org: bool = True) -> None:
    """An administrator manages `org_id` when it is their organisation or below it (`ancestors`:
    the chain from org_id's parent up to the root). With `own_org=False` their own organisation does
    not count (registering it: only an administrator above may place an organisation in the tree)."""
    _require_role(actor, "admin", "AUTH-ROLE", "only an administrator may manage the organisation tree")
    if (actor.org_id != org_id or not own_org) and actor.org_id not in ancestors:
        raise NotAuthorised(
            "AUTH-ORG",
            f"administrator of {actor.org_id} may not manage {org_id}, which is outside their subtree",
            {"actor_org": actor.org_id, "org": org_id},
            case="outside",
        )
