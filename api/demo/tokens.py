"""After loading: one account per role for people of the demo, with a password to sign in to the
web pages, and one token per role for the API, each with what it can do and URLs to try it on
(only those the app serves)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.demo.naming import CITY

if TYPE_CHECKING:
    from api.demo.builder import DemoBuilder
    from api.runtime import Runtime


@dataclass(frozen=True)
class DemoToken:
    role: str
    person_id: str
    org_id: str
    org_name: str
    token: str
    token_id: str
    can: str
    try_urls: list[str]
    password: str = ""  # the account's, for the web pages (shown once, only its hash is stored)


# (person, role, organisation, what the token can do, (route template, URL) pairs to try) -> the
# token issued, with only the URLs the app serves
Issue = Callable[..., DemoToken]


def issue_tokens(rt: Runtime, builder: DemoBuilder, base_url: str, paths: set[str]) -> list[DemoToken]:
    """One token per role, for people of the demo: the staff of a union whose open procedure waits on
    them, the approver of the street with the most filings waiting, an auditor and an administrator of
    the city federation. `paths` are the app's route templates: only URLs it serves are suggested."""
    import projections

    def urls(*candidates: tuple[str, str]) -> list[str]:
        return [f"{base_url}{url}" for template, url in candidates if template in paths]

    def name(org_id: str) -> str:
        record = projections.union(rt.engine, org_id)
        return record.name if record is not None else org_id

    def issue(person_id: str, role: str, org_id: str, can: str, *candidates: tuple[str, str]) -> DemoToken:
        from api.accounts import Grant

        password = secrets.token_urlsafe(12)
        if rt.accounts.get(person_id) is None:
            known = builder.people.acting.get(person_id)
            rt.accounts.add(
                person_id, known[0] if known else person_id, [Grant(role, org_id)], password, by="unionflow demo"
            )
        else:
            rt.accounts.set_password(person_id, password, by="unionflow demo")
        issued = rt.tokens.issue(person_id, role, org_id, days=90, note="unionflow demo")
        return DemoToken(
            role,
            person_id,
            org_id,
            name(org_id),
            issued.token,
            issued.info.token_id,
            can,
            urls(*candidates),
            password,
        )

    staff = _staff_token(rt, builder, issue)
    approver = _approver_token(rt, builder, issue)
    return [*staff, *approver, _auditor_token(builder, issue), _admin_token(builder, issue)]


def _staff_token(rt: Runtime, builder: DemoBuilder, issue: Issue) -> list[DemoToken]:
    """The staff of a union whose open procedure waits on them (a founding at the congress, if any)."""
    import projections

    open_founding = projections.procedures(
        rt.engine, CITY, kind="founding", state="candidates_approved", open_only=True
    )
    waiting_on_staff = [p for p in open_founding.items if p.waiting_on == p.org_id] or [
        p for p in projections.procedures(rt.engine, CITY, open_only=True, limit=None).items if p.waiting_on == p.org_id
    ]
    if not waiting_on_staff:
        return []
    proc = waiting_on_staff[0]
    staff = builder.staff_of[proc.org_id]
    return [
        issue(
            staff.person_id,
            "staff",
            proc.org_id,
            f"take the union's own steps; {proc.procedure_id} is at '{proc.state}', next: {proc.waiting_for}",
            ("/unions/{union_id}", f"/unions/{proc.org_id}"),
            ("/procedures/{procedure_id}", f"/procedures/{proc.procedure_id}"),
            ("/unions/{union_id}/history", f"/unions/{proc.org_id}/history"),
            ("/alerts", f"/alerts?org={proc.org_id}"),
        )
    ]


def _approver_token(rt: Runtime, builder: DemoBuilder, issue: Issue) -> list[DemoToken]:
    """The approver of the street with the most filings waiting (R-APPROVER)."""
    import sqlalchemy as sa

    from projections import schema

    p = schema.procedures
    with rt.engine.connect() as conn:
        busiest = conn.execute(
            sa.select(p.c.inbox_org, sa.func.count().label("n"))
            .where(p.c.inbox_org.is_not(None))
            .group_by(p.c.inbox_org)
            .order_by(sa.desc("n"), p.c.inbox_org)
            .limit(1)
        ).first()
    if busiest is None:
        return []
    street = busiest[0]
    fed = next(f for f in builder.federations if f.org_id == street)
    return [
        issue(
            fed.approver.person_id,
            "approver",
            street,
            f"decide the filings of the unions directly below {street} (R-APPROVER): {busiest[1]} waiting",
            ("/inbox", "/inbox"),
            ("/alerts", f"/alerts?org={street}"),
            ("/organisations", f"/organisations?org={street}"),
            ("/unions/{union_id}", f"/unions/{street}"),
        )
    ]


def _auditor_token(builder: DemoBuilder, issue: Issue) -> DemoToken:
    return issue(
        builder.people.actor("auditor", CITY).person_id,
        "auditor",
        CITY,
        "read everything under the city federation (history, alerts, coverage, audit); write nothing",
        ("/alerts/counts", "/alerts/counts"),
        ("/alerts", "/alerts?kind=A-TERM-OVERDUE"),
        ("/coverage", "/coverage"),
        ("/audit/verify", f"/audit/verify?org={CITY}"),
    )


def _admin_token(builder: DemoBuilder, issue: Issue) -> DemoToken:
    return issue(
        builder.city_admin.person_id,
        "admin",
        CITY,
        "manage the organisation tree under the city federation (POST /organisations) and read it",
        ("/organisations", "/organisations?level=county"),
        ("/unions/{union_id}", f"/unions/{CITY}"),
        ("/coverage", f"/coverage?org={CITY}"),
    )
