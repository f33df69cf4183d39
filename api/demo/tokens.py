"""After loading: one token per role for people of the demo, each with what it can do and URLs to
try it on (only those the app serves)."""

from __future__ import annotations

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


Urls = Callable[..., list[str]]  # (route template, URL) pairs -> the URLs the app serves
NameOf = Callable[[str], str]


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

    staff = _staff_token(rt, builder, urls, name)
    approver = _approver_token(rt, builder, urls, name)
    return [*staff, *approver, _auditor_token(rt, builder, urls, name), _admin_token(rt, builder, urls, name)]


def _staff_token(rt: Runtime, builder: DemoBuilder, urls: Urls, name: NameOf) -> list[DemoToken]:
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
    issued = rt.tokens.issue(staff.person_id, "staff", proc.org_id, days=90, note="unionflow demo")
    return [
        DemoToken(
            "staff",
            staff.person_id,
            proc.org_id,
            name(proc.org_id),
            issued.token,
            issued.info.token_id,
            f"take the union's own steps; {proc.procedure_id} is at '{proc.state}', next: {proc.waiting_for}",
            urls(
                ("/unions/{union_id}", f"/unions/{proc.org_id}"),
                ("/procedures/{procedure_id}", f"/procedures/{proc.procedure_id}"),
                ("/unions/{union_id}/history", f"/unions/{proc.org_id}/history"),
                ("/alerts", f"/alerts?org={proc.org_id}"),
            ),
        )
    ]


def _approver_token(rt: Runtime, builder: DemoBuilder, urls: Urls, name: NameOf) -> list[DemoToken]:
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
    issued = rt.tokens.issue(fed.approver.person_id, "approver", street, days=90, note="unionflow demo")
    return [
        DemoToken(
            "approver",
            fed.approver.person_id,
            street,
            name(street),
            issued.token,
            issued.info.token_id,
            f"decide the filings of the unions directly below {street} (R-APPROVER): {busiest[1]} waiting",
            urls(
                ("/inbox", "/inbox"),
                ("/alerts", f"/alerts?org={street}"),
                ("/organisations", f"/organisations?org={street}"),
                ("/unions/{union_id}", f"/unions/{street}"),
            ),
        )
    ]


def _auditor_token(rt: Runtime, builder: DemoBuilder, urls: Urls, name: NameOf) -> DemoToken:
    auditor = builder.people.actor("auditor", CITY)
    issued = rt.tokens.issue(auditor.person_id, "auditor", CITY, days=90, note="unionflow demo")
    return DemoToken(
        "auditor",
        auditor.person_id,
        CITY,
        name(CITY),
        issued.token,
        issued.info.token_id,
        "read everything under the city federation (history, alerts, coverage, audit); write nothing",
        urls(
            ("/alerts/counts", "/alerts/counts"),
            ("/alerts", "/alerts?kind=A-TERM-OVERDUE"),
            ("/coverage", "/coverage"),
            ("/audit/verify", f"/audit/verify?org={CITY}"),
        ),
    )


def _admin_token(rt: Runtime, builder: DemoBuilder, urls: Urls, name: NameOf) -> DemoToken:
    admin = builder.city_admin
    issued = rt.tokens.issue(admin.person_id, "admin", CITY, days=90, note="unionflow demo")
    return DemoToken(
        "admin",
        admin.person_id,
        CITY,
        name(CITY),
        issued.token,
        issued.info.token_id,
        "manage the organisation tree under the city federation (POST /organisations) and read it",
        urls(
            ("/organisations", "/organisations?level=county"),
            ("/unions/{union_id}", f"/unions/{CITY}"),
            ("/coverage", f"/coverage?org={CITY}"),
        ),
    )
