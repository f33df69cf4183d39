"""The lists a union office works from (issue 19), through HTTP: `/ui/unions` (search by code or
the beginning of a name; filters for level, state, procedures and alerts; sorts; how many; pages)
and `/ui/procedures`, scoped by the API's one rule (a street sees its own subtree, nothing else),
a county's own page listing the unions below it, bad filter values said on the page (never a 500),
and the same lists over the API (`GET /organisations`, `GET /procedures`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Api
from tests.e2e.lists_support import (
    BELOW_JA,
    BELOW_S1,
    PAGED,
    STREETS,
    every_page,
    listed,
    listed_procedures,
    next_link,
    populate,
)


@pytest.fixture
def site(any_api: Api) -> Api:
    """On SQLite and on PostgreSQL (names compare byte-wise on both)."""
    populate(any_api.rt)
    return any_api


@pytest.fixture
def lite(api: Api) -> Api:
    populate(api.rt)
    return api


def shown(api: Api, url: str) -> list[str]:
    r = api.client.get(url)
    assert r.status_code == 200, r.text
    return listed(r.text)


def count_text(html: str) -> str:
    found = re.search(r'<p class="count" id="count" role="status">([^<]*)</p>', html)
    assert found is not None, html
    return found.group(1).strip()


# --------------------------------------------------------------------------- unions: search and filters


def test_a_county_lists_every_union_below_it_with_their_count(site: Api) -> None:
    site.web_sign_in("approver", "JA")
    r = site.client.get("/ui/unions")
    assert r.status_code == 200
    assert set(listed(r.text)) == BELOW_JA  # not JA itself, nothing of QS
    assert count_text(r.text) == f"共 {len(BELOW_JA)} 个工会"
    assert "江岸区一元街道总工会" in r.text and "届期已满未换届" in r.text  # names and states in words


def test_search_by_the_beginning_of_a_name_or_by_the_code(site: Api) -> None:
    site.web_sign_in("approver", "JA")
    assert shown(site, "/ui/unions?q=江岸机") == ["A1"]
    # Sorted by name when searching by name, in code point order on both databases: 区 (U+533A)
    # before 机 (U+673A) before 纺 (U+7EBA), 一 before 二.
    assert shown(site, "/ui/unions?q=江岸") == ["S1", "S2", "A1", "A2"]
    assert shown(site, "/ui/unions?q=B1") == ["B1"]  # the code, exactly
    assert shown(site, "/ui/unions?q=B") == []  # not the beginning of a code
    assert shown(site, "/ui/unions?q=二七分会0") == PAGED[:10]
    assert shown(site, "/ui/unions?q=硚口") == []  # QS's union, outside JA's subtree


def test_filters_by_level_state_procedures_and_alerts(site: Api) -> None:
    site.web_sign_in("approver", "JA")
    assert set(shown(site, "/ui/unions?level=township")) == set(STREETS)
    assert shown(site, "/ui/unions?state=term_expired") == ["F1"]
    assert set(shown(site, "/ui/unions?state=not_founded")) == BELOW_JA - set(STREETS) - {"F1"}
    assert set(shown(site, "/ui/unions?pkind=founding")) == {"F1", "R1"}
    assert shown(site, "/ui/unions?pkind=founding&pstate=requested") == ["R1"]
    assert shown(site, "/ui/unions?pstate=founded") == ["F1"]
    assert shown(site, "/ui/unions?alert=A-TERM-OVERDUE") == ["F1"]
    assert shown(site, "/ui/unions?alert=A-APPROVAL-PENDING") == ["R1"]
    assert set(shown(site, "/ui/unions?overdue=1")) == {"F1", "R1"}
    assert shown(site, "/ui/unions?overdue=1&level=township") == []
    r = site.client.get("/ui/unions?state=dissolved")
    assert listed(r.text) == [] and count_text(r.text) == "没有符合条件的记录。"
    assert shown(site, "/ui/unions?org=S2&q=二七机") == ["B1"]  # a subtree below one's own


def test_sorts_and_pages(site: Api) -> None:
    site.web_sign_in("approver", "JA")
    pages = every_page(site, "/ui/unions?limit=5")
    assert [len(p) for p in pages] == [5, 5, 5, 5, 1]
    everything = [u for p in pages for u in p]
    assert len(everything) == len(set(everything)) and set(everything) == BELOW_JA
    second = next_link(site.client.get("/ui/unions?limit=5").text)
    assert second is not None
    r = site.client.get(second)
    assert "第 2 页" in r.text and 'id="first-page"' in r.text and count_text(r.text) == f"共 {len(BELOW_JA)} 个工会"
    by_code = [u for p in every_page(site, "/ui/unions?sort=code&limit=4") for u in p]
    assert by_code == sorted(BELOW_JA)
    by_name = [u for p in every_page(site, "/ui/unions?sort=name&limit=4&level=grassroots") for u in p]
    names = {u: site.rt.service.load(u).name for u in by_name}
    assert by_name == sorted(names, key=lambda u: (names[u], u))
    # The deadline order: the one union with a term first, those without one after it, by code.
    by_deadline = [u for p in every_page(site, "/ui/unions?sort=deadline&limit=3") for u in p]
    assert by_deadline == ["F1", *sorted(BELOW_JA - {"F1"})]


def test_a_street_lists_its_own_unions_and_no_other_subtree(lite: Api) -> None:
    lite.web_sign_in("approver", "S1")
    assert set(shown(lite, "/ui/unions")) == BELOW_S1
    assert shown(lite, "/ui/unions?q=B1") == []  # S2's union, by its code
    for other in ("S2", "JA", "QS", "NOPE"):
        assert lite.client.get(f"/ui/unions?org={other}").status_code == 404
        assert lite.client.get(f"/ui/procedures?org={other}").status_code == 404
    assert set(listed_procedures(lite.client.get("/ui/procedures").text)) == {"F1:founding-1", "R1:founding-1"}
    lite.web_sign_in("staff", "A1")  # staff: their own union only
    assert shown(lite, "/ui/unions") == ["A1"]
    assert lite.client.get("/ui/unions?org=S1").status_code == 404
    assert listed_procedures(lite.client.get("/ui/procedures").text) == []


BAD_UNION_FILTERS = [
    ("level=bogus", "层级"),
    ("state=asleep", "状态"),
    ("pkind=coronation", "程序类别"),
    ("pstate=nowhere", "程序状态"),
    ("alert=A-NOPE", "今日预警"),
    ("sort=height", "排序"),
    ("cursor=not-a-cursor", "翻页位置"),
    ("limit=0", "每页行数"),
    ("limit=abc", "每页行数"),
    ("limit=100000", "每页行数"),
    ("q=" + "名" * 201, "名称或编号"),
]


@pytest.mark.parametrize(("query", "named"), BAD_UNION_FILTERS)
def test_a_bad_filter_value_is_said_beside_the_filters(lite: Api, query: str, named: str) -> None:
    lite.web_sign_in("approver", "JA")
    r = lite.client.get(f"/ui/unions?{query}")
    assert r.status_code == 400
    error = re.search(r'<p class="refusal" role="alert" id="filter-error">([^<]*)</p>', r.text)
    assert error is not None and f"“{named}”" in error.group(1)
    assert 'id="union-filters"' in r.text and listed(r.text) == []


def test_a_cursor_of_another_sort_or_list_is_refused(lite: Api) -> None:
    lite.web_sign_in("approver", "JA")
    page = lite.client.get("/ui/unions?sort=code&limit=2").text
    cursor = re.search(r"cursor=([^&\"]+)", page).group(1)  # type: ignore[union-attr]
    assert lite.client.get(f"/ui/unions?sort=name&cursor={cursor}").status_code == 400
    assert lite.client.get(f"/ui/procedures?cursor={cursor}").status_code == 400
    for query in ("kind=coronation", "state=asleep", "waiting=someone", "sort=height"):
        assert lite.client.get(f"/ui/procedures?{query}").status_code == 400, query


# --------------------------------------------------------------------------- procedures, a county's page


def test_procedures_by_kind_state_whom_they_wait_on_and_union(lite: Api) -> None:
    lite.web_sign_in("approver", "JA")
    every = listed_procedures(lite.client.get("/ui/procedures").text)
    assert every == ["F1:founding-1", "R1:founding-1"]  # tree order
    assert listed_procedures(lite.client.get("/ui/procedures?waiting=approver").text) == ["R1:founding-1"]
    assert listed_procedures(lite.client.get("/ui/procedures?waiting=union").text) == ["F1:founding-1"]
    assert listed_procedures(lite.client.get("/ui/procedures?waiting=closed").text) == []
    assert listed_procedures(lite.client.get("/ui/procedures?kind=founding&state=requested").text) == ["R1:founding-1"]
    assert listed_procedures(lite.client.get("/ui/procedures?union=F1").text) == ["F1:founding-1"]
    assert listed_procedures(lite.client.get("/ui/procedures?sort=recent").text) == every
    assert listed_procedures(lite.client.get("/ui/procedures?sort=moved").text) == every[::-1]
    r = lite.client.get("/ui/procedures")
    assert count_text(r.text) == "共 2 个程序" and "江岸区一元街道总工会" in r.text  # who must decide, by name


def test_a_county_and_a_street_page_list_the_unions_below_them(lite: Api) -> None:
    lite.web_sign_in("approver", "JA")
    county = lite.client.get("/ui/unions/JA").text
    assert 'id="unions-below"' in county and count_text(county) == f"共 {len(BELOW_JA)} 个工会"
    assert len(listed(county)) == 20 and set(listed(county)) <= BELOW_JA
    assert 'href="/ui/unions?org=JA" id="below-all"' in county
    street = lite.client.get("/ui/unions/S1").text
    assert set(listed(street)) == BELOW_S1
    assert 'id="unions-below"' not in lite.client.get("/ui/unions/A1").text


# --------------------------------------------------------------------------- the same lists over the API


def _body(api: Api, url: str, headers: dict[str, str]) -> Any:
    r = api.client.get(url, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_api_answers_the_same_lists(site: Api) -> None:
    ja = site.approver("JA")
    body = _body(site, "/organisations?org=JA&q=江岸机", ja)
    assert [o["org_id"] for o in body["items"]] == ["A1"] and (body["total"], body["total_exact"]) == (1, True)
    assert [o["org_id"] for o in _body(site, "/organisations?org=JA&state=term_expired", ja)["items"]] == ["F1"]
    assert [o["org_id"] for o in _body(site, "/organisations?org=JA&overdue=true&sort=code", ja)["items"]] == [
        "F1",
        "R1",
    ]
    first = _body(site, "/organisations?org=JA&sort=name&limit=10", ja)
    assert first["total"] == len(BELOW_JA) + 1  # the API's register lists the subtree's root too
    then = _body(site, f"/organisations?org=JA&sort=name&limit=10&cursor={first['next_cursor']}", ja)
    assert then["total"] is None and not {o["org_id"] for o in then["items"]} & {o["org_id"] for o in first["items"]}
    procs = _body(site, "/procedures?org=JA&waiting=approver", ja)
    assert [p["procedure_id"] for p in procs["items"]] == ["R1:founding-1"] and procs["total"] == 1
    assert site.client.get("/organisations?org=JA&state=asleep", headers=ja).status_code == 422
    bad = site.client.get("/organisations?org=JA&procedure_state=nowhere", headers=ja)
    assert bad.status_code == 422 and "query.procedure_state" in bad.json()["fields"]
    s1 = site.approver("S1")
    assert site.client.get("/organisations?org=S2", headers=s1).status_code == 404
    assert {o["org_id"] for o in _body(site, "/organisations?q=二七", s1)["items"]} == set()
