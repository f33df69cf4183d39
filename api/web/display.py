"""What the templates call besides the words: any value as text, and what the signed-in person
can do about an alert."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from projections import queries
from projections.tree import SEPARATOR
from workflow.authority import Actor


def value_text(value: Any) -> str:
    """A value of an event, a record or a form as a page shows it (the template filter `v`)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, BaseModel):
        return value_text(value.model_dump(mode="json"))
    return str(value)


def alert_action(alert: queries.Alert, actor: Actor | None, today: dt.date | None) -> tuple[str, str] | None:
    """What the signed-in person can do about an alert firing today, as (link, label key): the
    union's own staff record the yearly congress (A-NO-ANNUAL-CONGRESS, R-ANNUAL); the approvers
    of the union's parent decide the waiting filing from their inbox (A-APPROVAL-PENDING,
    R-APPROVER). An alert on another date is history. (A term's alerts keep firing while its
    re-election is under way, so they link to the union's page, not to opening another.)"""
    if actor is None or alert.on != today:
        return None
    if alert.kind == "A-NO-ANNUAL-CONGRESS" and actor.role == "staff" and actor.org_id == alert.org_id:
        return f"/ui/unions/{alert.org_id}/record/congresses", "act.congresses"
    # The path's last two ids: the union's direct higher-level union, then the union (a leading
    # separator, so that the root's own id matches whole).
    direct_child = f"{SEPARATOR}{actor.org_id}{SEPARATOR}{alert.org_id}{SEPARATOR}"
    waits_on_actor = (SEPARATOR + alert.path).endswith(direct_child)
    if alert.kind == "A-APPROVAL-PENDING" and actor.role == "approver" and waits_on_actor:
        return "/ui/inbox", "inbox.title"
    return None
