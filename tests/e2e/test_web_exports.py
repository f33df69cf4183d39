"""Every list exported (issue 19): .xlsx that openpyxl opens holding the rows the list shows with
its filters, CSV with a UTF-8 byte-order mark, headers in the page's language, text a spreadsheet
would compute neutralised; exports scoped like the lists; and the print views of a filing and of a
decision (批复), linked from the procedure page."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest

from api.web.pages import exports
from tests.e2e.conftest import Api
from tests.e2e.lists_support import BELOW_S1, FORMULA, listed, populated
from tests.unit.workflow_support import given_union
from tests.unit.workflow_world import World

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def site(sqlite_url: str) -> Iterator[Api]:
    yield from populated(sqlite_url)


def workbook_rows(api: Api, url: str) -> list[tuple[Any, ...]]:
    r = api.client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX and "attachment" in r.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def csv_rows(api: Api, url: str) -> list[list[str]]:
    r = api.client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads UTF-8
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_the_unions_export_holds_the_rows_the_filtered_list_shows(site: Api) -> None:
    site.web_sign_in("approver", "JA")
    query = "org=S1&state=not_founded&sort=name"
    page = site.client.get(f"/ui/unions?{query}").text
    shown = listed(page)
    assert set(shown) == BELOW_S1 - {"F1"} and f'href="/ui/export/unions.xlsx?{query.replace("&", "&amp;")}"' in page
    rows = workbook_rows(site, f"/ui/export/unions.xlsx?{query}")
    assert rows[0][:3] == ("名称", "编号", "层级")
    assert [r[1] for r in rows[1:]] == shown  # the same unions, in the same order
    assert {r[5] for r in rows[1:]} == {"未建会"} and {r[3] for r in rows[1:]} == {"江岸区一元街道总工会"}
    lines = csv_rows(site, f"/ui/export/unions.csv?{query}")
    assert lines[0][:3] == ["名称", "编号", "层级"] and [r[1] for r in lines[1:]] == shown


def test_headers_are_english_when_the_page_is(site: Api) -> None:
    site.web_sign_in("approver", "JA")
    site.client.cookies.set("uf_lang", "en")
    assert csv_rows(site, "/ui/export/unions.csv?org=S1")[0][:3] == ["Name", "Code", "Level"]
    rows = workbook_rows(site, "/ui/export/procedures.xlsx?org=S1")
    # The kind in words, as the English pages say it.
    assert rows[0][:2] == ("Procedure", "Kind") and rows[1][1] == "founding"


def test_text_a_spreadsheet_would_compute_is_neutralised(site: Api) -> None:
    site.web_sign_in("approver", "S1")
    lines = csv_rows(site, "/ui/export/unions.csv?q=%3DHYPER")
    assert [r[0] for r in lines[1:]] == ["'" + FORMULA]
    r = site.client.get("/ui/export/register.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[1].value == "A3")
    assert (cell.value, cell.data_type, cell.quotePrefix) == (FORMULA, "s", True)  # text, never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_every_list_exports(site: Api) -> None:
    site.web_sign_in("approver", "S1")
    register = workbook_rows(site, "/ui/export/register.xlsx")
    header = register[0]
    founded = next(r for r in register if r[1] == "F1")
    assert founded[header.index("委员会委员")] == "赵、钱、孙、李、周、吴、郑" and founded[header.index("主席")] == "赵"
    procedures = csv_rows(site, "/ui/export/procedures.csv")
    assert [r[0] for r in procedures[1:]] == ["F1:founding-1", "R1:founding-1"]
    assert procedures[2][4] == "已申请" and procedures[2][7] == "江岸区一元街道总工会"  # R1 waits on S1
    alerts_page = site.client.get("/ui/alerts").text
    alerts = workbook_rows(site, "/ui/export/alerts.xlsx?org=S1")
    assert len(alerts) - 1 == alerts_page.count("<tr>") - 1  # every alert the page shows
    assert {r[1] for r in alerts[1:]} == {"F1", "R1"} and "逾期未换届" in {r[2] for r in alerts[1:]}
    inbox = workbook_rows(site, "/ui/export/inbox.xlsx")
    assert [(r[4], r[7]) for r in inbox[1:]] == [("R1", "R1:founding-1")]
    site.web_sign_in("auditor", "JA")
    coverage = workbook_rows(site, "/ui/export/coverage.xlsx")
    assert [r[1] for r in coverage[1:]] == ["JA", "S1", "S2"]  # the county, then the streets below it
    assert isinstance(coverage[1][5], float) and 0 < coverage[1][5] < 1  # the founding rate, a share


def test_exports_are_scoped_like_the_lists(site: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    site.web_sign_in("approver", "S1")
    for url in ("/ui/export/unions.csv?org=S2", "/ui/export/register.xlsx?org=JA", "/ui/export/alerts.csv?org=S2"):
        assert site.client.get(url).status_code == 404, url
    assert site.client.get("/ui/export/everything.xlsx").status_code == 404
    assert site.client.get("/ui/export/unions.pdf").status_code == 404
    bad = site.client.get("/ui/export/unions.xlsx?level=bogus")
    assert bad.status_code == 400 and "层级" in bad.text
    assert site.client.get("/ui/export/alerts.csv?on=2024-13-01").status_code == 400
    # A workbook holds so many cells (S1's five unions, 13 columns: 4 rows here), a CSV file more.
    monkeypatch.setattr(exports, "XLSX_MAX_CELLS", 4 * len(exports.EXPORTS["unions"][0]))
    too_many = site.client.get("/ui/export/unions.xlsx")
    assert too_many.status_code == 400 and "超过 4 行" in too_many.text and "CSV 文件最多 100,000 行" in too_many.text
    assert len(csv_rows(site, "/ui/export/unions.csv")) == 1 + len(BELOW_S1)
    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 3)
    assert site.client.get("/ui/export/unions.csv").status_code == 400
    site.web_sign_in("staff", "A1")
    assert [r[1] for r in csv_rows(site, "/ui/export/unions.csv")[1:]] == ["A1"]
    assert site.client.get("/ui/export/coverage.xlsx").status_code == 403
    assert site.client.get("/ui/export/inbox.xlsx").status_code == 403


# --------------------------------------------------------------------------- print views


def _papers(api: Api, pid: str) -> dict[str, str]:
    """The procedure page's print links: the step each prints, by its link."""
    page = api.client.get(f"/ui/procedures/{pid}").text
    found = re.findall(rf'<a href="(/ui/procedures/{re.escape(pid)}/print/\d+)" id="print-\d+">([^<]+)</a>', page)
    return {label: url for url, label in found}


def test_print_views_of_a_filing_and_of_a_decision(site: Api) -> None:
    site.web_sign_in("approver", "S1")
    papers = _papers(site, "F1:founding-1")
    assert list(papers) == [
        "报批材料：建会申请及筹备组",
        "批复：批准建会申请和筹备组",
        "报批材料：候选人报审",
        "批复：批复候选人",
        "报批材料：选举结果报批",
        "批复：批准选举结果",
    ]
    candidates = site.client.get(papers["报批材料：候选人报审"])
    assert candidates.status_code == 200 and "候选人及资格审查" in candidates.text
    assert "委员候选人（8）" in candidates.text and candidates.text.count("未发现不宜担任的情形") == 8 + 2 + 3
    assert "公司党支部" in candidates.text  # the Party organisation's vetting
    results = site.client.get(papers["报批材料：选举结果报批"]).text
    assert "选举结果（得票）" in results and '<td>赵</td><td class="n">54</td><td>是</td>' in results
    assert "赵、钱、孙、李、周、吴、郑" in results  # the committee elected
    decision = site.client.get(papers["批复：批准选举结果"]).text
    assert "关于F1 工会选举结果的批复" in decision and "江工发〔2019〕1号" in decision
    assert "江岸区一元街道总工会" in decision and "经审查，同意" in decision
    assert 'href="/ui/static/print.css' in decision


def test_print_view_of_a_rejection_and_what_is_not_printable(site: Api) -> None:
    world = World(site.rt.engine, site.rt.store, site.rt.service.profiles, site.rt.service)
    union = given_union(world, "R2", parent="S1")
    union.request()
    union.reject(union.s.on("requested"), reasons="筹备组人数不足")
    site.web_sign_in("approver", "S1")
    papers = _papers(site, "R2:founding-1")
    rejection = site.client.get(papers[next(k for k in papers if k.startswith("批复"))]).text
    assert "不予批准" in rejection and "筹备组人数不足" in rejection
    assert site.client.get("/ui/procedures/R2:founding-1/print/1").status_code == 404  # the registration
    assert site.client.get("/ui/procedures/R2:founding-1/print/99").status_code == 404
    assert site.client.get("/ui/procedures/R2:nothing-1/print/2").status_code == 404
    site.web_sign_in("approver", "S2")  # another street: not there
    assert site.client.get("/ui/procedures/R2:founding-1/print/2").status_code == 404
