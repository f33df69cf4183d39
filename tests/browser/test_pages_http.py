"""The pages' reads and a form post on SQLite and PostgreSQL, through the ASGI test client (no
browser needed): every query the pages run, on both databases."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from api.web.routes import safe_next
from projections import queries
from tests.e2e.conftest import Api, drive, make_api, open_founding
from tests.unit.workflow_support import COUNTY, TODAY


@pytest.fixture
def site(db_url: str) -> Iterator[Api]:
    yield from make_api(db_url)


def _sign_in(api: Api, role: str, org: str) -> None:
    api.client.cookies.clear()
    page = api.client.get("/ui/sign-in")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    token = api.rt.tokens.issue(f"{role}-{org}", role, org, days=30).token
    signed = api.client.post(
        "/ui/sign-in", data={"token": token, "csrf": csrf.group(1), "next": "/ui/"}, follow_redirects=False
    )
    assert signed.status_code == 303, signed.text


def test_every_page_reads_on_both_databases(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid)
    _sign_in(site, "approver", COUNTY)
    for path in (
        "/ui/",
        "/ui/alerts",
        "/ui/alerts?kind=A-TERM-OVERDUE&on=2025-01-01",
        "/ui/unions/U1",
        f"/ui/procedures/{pid}",
        "/ui/inbox",
    ):
        page = site.client.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        assert '<html lang="zh-CN">' in page.text
        assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    _sign_in(site, "auditor", COUNTY)
    for path in ("/ui/audit?org=U1&as_of=2019-02-01&verify=1", "/ui/audit?org=JA&scope=subtree&as_of=2025-01-01"):
        page = site.client.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        assert 'id="verify-result"' in page.text or "scope=subtree" in path


def test_worst_alerts_come_first_within_the_subtree(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid)
    worst = queries.worst_alerts(site.rt.engine, TODAY, COUNTY, limit=10)
    assert [a.kind for a in worst] == ["A-LEGAL-PERSON", "A-NO-ANNUAL-CONGRESS", "A-TERM-OVERDUE"]
    assert [a.days_overdue for a in worst] == sorted((a.days_overdue for a in worst), reverse=True)
    assert queries.worst_alerts(site.rt.engine, TODAY, "QS") == []  # a sibling county: none of U1's
    assert len(queries.worst_alerts(site.rt.engine, TODAY, COUNTY, limit=1)) == 1


def test_a_step_posted_from_a_form_is_taken_on_both_databases(site: Api) -> None:
    pid = open_founding(site)
    drive(site, pid, 1)  # the preparatory group approved
    _sign_in(site, "staff", "U1")
    page = site.client.get(f"/ui/procedures/{pid}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert csrf and version
    form = {
        "csrf": csrf.group(1),
        "expected_version": version.group(1),
        "occurred_on": "2019-01-20",
        "members": "80",
        "female_members": "12",
        "employees": "120",
    }
    done = site.client.post(f"/ui/procedures/{pid}/steps/record-members", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/ui/procedures/{pid}?done=")
    assert site.rt.service.load("U1").procedures[pid].state == "members_recruited"
    # The same form again is stale: the version moved on.
    again = site.client.post(f"/ui/procedures/{pid}/steps/record-members", data=form)
    assert again.status_code == 409
    assert 'id="stale"' in again.text


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/ui/unions/U1", "/ui/unions/U1"),
        ("/ui/alerts?kind=A-TERM-DUE&on=2025-01-01", "/ui/alerts?kind=A-TERM-DUE&on=2025-01-01"),
        ("https://evil.example/", "/ui/"),
        ("//evil.example/ui/", "/ui/"),
        ("/ui//evil.example", "/ui/"),
        ("/other", "/ui/"),
        (None, "/ui/"),
    ],
)
def test_sign_in_only_sends_people_back_into_the_pages(given: str | None, kept: str) -> None:
    assert safe_next(given) == kept


def test_what_people_typed_is_escaped_and_lists_refuse_a_bad_cursor(site: Api) -> None:
    from tests.unit.workflow_support import TREE_ON, admin, unit
    from workflow import commands as c

    site.rt.service.execute(
        c.RegisterOrganisation(
            org_id="U9",
            name="<script>alert(1)</script>",
            level="grassroots",
            parent_id=COUNTY,
            unit=unit(),
            occurred_on=TREE_ON,
        ),
        admin(),
    )
    _sign_in(site, "approver", COUNTY)
    page = site.client.get("/ui/unions/U9")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    bad = site.client.get("/ui/alerts?cursor=not-a-cursor")
    assert bad.status_code == 400 and "not a cursor" in bad.text
    assert site.client.get("/ui/inbox?limit=0").status_code == 422
    # Without a session every page sends people to sign in, and back afterwards.
    site.client.cookies.clear()
    away = site.client.get("/ui/unions/U9?x=1", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/ui/sign-in?next=%2Fui%2Funions%2FU9%3Fx%3D1"


def test_what_a_filing_is_reads_in_the_page_language(site: Api) -> None:
    open_founding(site)  # the founding request waits on JA
    _sign_in(site, "approver", COUNTY)
    chinese = site.client.get("/ui/inbox").text
    assert "建会申请和筹备组（R-PREP-GROUP）" in chinese and "founding request and preparatory group" not in chinese
    site.client.cookies.set("uf_lang", "en")
    english = site.client.get("/ui/inbox").text
    assert "founding request and preparatory group (R-PREP-GROUP)" in english


@pytest.mark.parametrize(
    ("fields", "recorded"),
    [({}, None), ({"removal.total": "80", "removal.yes": "41"}, {"total": 80, "yes": 41})],
)
def test_the_vacancy_form_leaves_an_empty_removal_vote_out(
    site: Api, fields: dict[str, str], recorded: dict[str, int] | None
) -> None:
    """The removal vote is an optional group: left empty, the vacancy is recorded without one;
    filled in, R-REMOVAL checks it and the event keeps it."""
    drive(site, open_founding(site))
    _sign_in(site, "staff", "U1")
    page = site.client.get("/ui/unions/U1/open/by_election")
    assert page.status_code == 200 and 'name="removal.total"' in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    form = {"csrf": csrf.group(1), "acting_chair": "钱", "reason": "调离", "occurred_on": "2021-05-01", **fields}
    done = site.client.post("/ui/unions/U1/open/by_election", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text[:2000]
    union = site.rt.service.load("U1")
    (proc,) = union.procedures_of("by_election")
    assert (proc.state, union.chair, union.acting_chair) == ("vacant", None, "钱")
    (vacancy,) = [r for r in site.rt.store.read_stream("org-U1") if r.event_type == "ChairVacancyRecorded"]
    removal = getattr(vacancy.event, "removal", None)
    assert (removal.model_dump() if removal is not None else None) == recorded
