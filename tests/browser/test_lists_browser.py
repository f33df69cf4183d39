"""The unions list in Chromium (issue 19): a county's approver searches the unions below it by the
beginning of a name with a state filter applied, sees the matches and their count, exports them
to Excel, and the workbook holds exactly the rows shown; a full-page screenshot of the filtered
list is kept (tests/browser/screenshots/unions-list-filtered-desktop.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from tests.browser.conftest import Site, shot, sign_in
from tests.e2e.lists_support import BELOW_JA, populate


def test_the_unions_list_with_a_filter_applied(browser: Any, site: Site, new_page: Any, tmp_path: Path) -> None:
    populate(site.rt)
    page = new_page()
    sign_in(page, site, site.token("approver", "JA"), then="/ui/unions")
    assert page.locator("#union-rows tr").count() == len(BELOW_JA)  # every union below the county

    page.locator("#f-q").fill("江岸")
    page.locator("#f-state").select_option("not_founded")
    with page.expect_navigation():
        page.locator("#union-filters button[type=submit]").click()
    rows = page.locator("#union-rows tr")
    codes = [rows.nth(i).locator("td small.code").inner_text() for i in range(rows.count())]
    # By name (code point order: 机 U+673A, 某 U+67D0, 纺 U+7EBA); the streets' federations, also
    # named 江岸..., found no union of their own and have no such state.
    assert codes == ["A1", "U1", "A2"]
    assert page.locator("#count").inner_text() == "共 3 个工会"
    assert page.locator("#f-state").input_value() == "not_founded"  # the filter stays applied
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "unions-list-filtered-desktop")

    with page.expect_download() as download:
        page.locator("#export-unions-xlsx").click()
    saved = tmp_path / "unions.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet is not None
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    assert table[0][:2] == ["名称", "编号"]
    shown_names = [rows.nth(i).locator("td a").first.inner_text() for i in range(rows.count())]
    assert [r[:2] for r in table[1:]] == [list(pair) for pair in zip(shown_names, codes, strict=True)]
