"""A register to search (issue 19's lists): the workflow tests' tree, two streets (townships) below
the county JA with unions of their own, one founded long ago (its term overdue on the tests'
today), one whose founding request waits on its street, one named like a spreadsheet formula, a
dozen more for paging, and one union below the sibling county QS that JA's people never see."""

from __future__ import annotations

import re
from collections.abc import Iterator

from api.runtime import Runtime
from tests.e2e.conftest import Api, make_api
from tests.unit.workflow_support import given_union
from tests.unit.workflow_world import TREE_ON, World, admin, unit
from workflow import commands as c

STREETS = {"S1": "江岸区一元街道总工会", "S2": "江岸区二七街道总工会"}
NAMED = {
    "A1": ("江岸机械厂工会", "S1"),
    "A2": ("江岸纺织厂工会", "S1"),
    "A3": ('=HYPERLINK("http://evil.example")工会', "S1"),
    "B1": ("二七机务段工会", "S2"),
    "Q1": ("硚口某厂工会", "QS"),
}
PAGED = [f"P{i:02d}" for i in range(12)]  # below S2: "二七分会00工会" ...
FORMULA = NAMED["A3"][0]


def register(rt: Runtime, org_id: str, name: str, parent: str, level: str = "grassroots") -> None:
    facts = unit() if level == "grassroots" else None
    cmd = c.RegisterOrganisation(
        org_id=org_id, name=name, level=level, parent_id=parent, unit=facts, occurred_on=TREE_ON
    )
    rt.service.execute(cmd, admin())


def populate(rt: Runtime) -> None:
    for org_id, name in STREETS.items():
        register(rt, org_id, name, "JA", "township")
    for org_id, (name, parent) in NAMED.items():
        register(rt, org_id, name, parent)
    for i, org_id in enumerate(PAGED):
        register(rt, org_id, f"二七分会{i:02d}工会", "S2")
    world = World(rt.engine, rt.store, rt.service.profiles, rt.service)
    given_union(world, "F1", parent="S1").found()  # term 2019-03-01 .. 2024-03-01: overdue in 2030
    given_union(world, "R1", parent="S1").request()  # its founding request waits on S1


def populated(url: str) -> Iterator[Api]:
    """`make_api`'s client on this register."""
    for api in make_api(url):
        populate(api.rt)
        yield api


# Every union below JA (JA's own page shows JA): U1 of the tree, the streets and theirs.
BELOW_JA = {"U1", *STREETS, "A1", "A2", "A3", "B1", "F1", "R1", *PAGED}
BELOW_S1 = {"A1", "A2", "A3", "F1", "R1"}

_ROW = re.compile(r'<tr>\s*<td[^>]*><a href="/ui/unions/([^"]+)">')
_PROC_ROW = re.compile(r'<tr>\s*<td[^>]*><a href="/ui/procedures/([^"]+)">')


def listed(html: str) -> list[str]:
    """The unions a list page shows, in its order."""
    return _ROW.findall(html)


def listed_procedures(html: str) -> list[str]:
    return _PROC_ROW.findall(html)


def next_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" id="next-page"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def every_page(api: Api, url: str) -> list[list[str]]:
    """The unions of each page of a list, following its "next page" links."""
    pages: list[list[str]] = []
    next_url: str | None = url
    while next_url is not None:
        r = api.client.get(next_url)
        assert r.status_code == 200, r.text
        pages.append(listed(r.text))
        next_url = next_link(r.text)
    return pages
