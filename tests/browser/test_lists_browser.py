"""The unions list in Chromium (issue 19): a county's approver searches the unions below it by the
beginning of a name with a state filter applied, sees the matches and their count, exports them
to Excel, and the workbook holds exactly the rows shown; a full-page screenshot of the filtered
list is kept (tests/browser/screenshots/unions-list-filtered-desktop.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Site, shot, sign_in
from tests.browser.pages import exported_table, filter_unions
from tests.e2e.lists_support import BELOW_JA, populate


def test_the_unions_list_with_a_filter_applied(browser: Any, site: Site, new_page: Any, tmp_path: Path) -> None:
    populate(site.rt)
    page = new_page()
    sign_in(page, site, site.token("approver", "JA"), then="/ui/unions")
    assert page.locator("#union-rows tr").count() == len(BELOW_JA)  # every union below the county

    rows, codes = filter_unions(page, "江岸", "not_founded")
    # By name (code point order: 机 U+673A, 某 U+67D0, 纺 U+7EBA); the streets' federations, also
    # named 江岸..., found no union of their own and have no such state.
    assert codes == ["A1", "U1", "A2"]
    assert page.locator("#count").inner_text() == "共 3 个工会"
    assert page.locator("#f-state").input_value() == "not_founded"  # the filter stays applied
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "unions-list-filtered-desktop")

    table = exported_table(page, "#export-unions-xlsx", tmp_path)
    assert table[0][:2] == ["名称", "编号"]
    shown_names = [rows.nth(i).locator("td a").first.inner_text() for i in range(rows.count())]
    assert [r[:2] for r in table[1:]] == [list(pair) for pair in zip(shown_names, codes, strict=True)]
