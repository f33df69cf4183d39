"""What the browser tests do on a page: fill a step's form by its inputs' names, submit it and wait
for the next page, decide a filing from the inbox, and check the accessibility basics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def fill(form: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        field = form.locator(f'[name="{name}"]')
        tag = field.evaluate("e => e.tagName.toLowerCase()")
        kind = field.get_attribute("type")
        if tag == "select":
            field.select_option(str(value))
        elif kind == "checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def submit(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def step(page: Any, step_name: str, values: dict[str, Any]) -> None:
    """Fill and submit the form of `step_name` on a procedure page."""
    form = page.locator(f"#step-{step_name}")
    fill(form, values)
    submit(page, form)


def open_filing(page: Any, procedure_id: str) -> None:
    """From the inbox's list, open the page of the filing of `procedure_id` (its whole content)."""
    item = page.locator(f'[id="item-{procedure_id.replace(":", "-")}"]')
    with page.expect_navigation():
        item.locator(f'a[href="/ui/inbox/{procedure_id}"]').click()
    assert page.locator("#filing-content ol.filing > li").last.is_visible()


def approve_filing(page: Any, procedure_id: str, document_no: str, occurred_on: str) -> None:
    """On a filing's page, approve it with the document number, ticking the confirmation."""
    form = page.locator(f'form[id="approve-{procedure_id}"]')
    fill(form, {"document_no": document_no, "occurred_on": occurred_on, "confirm": True})
    submit(page, form)


def decide_from_inbox(page: Any, procedure_id: str, document_no: str, occurred_on: str) -> None:
    """Open the filing of `procedure_id` from the inbox, read its content, and approve it."""
    open_filing(page, procedure_id)
    approve_filing(page, procedure_id, document_no, occurred_on)


UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
    .map(e => e.name || e.id)"""


def assert_accessible(page: Any) -> None:
    """Every field has a label, the page says its language, has one h1, and the first Tab lands on a
    visibly focused skip link."""
    assert page.evaluate(UNLABELLED) == []
    assert page.locator("html").get_attribute("lang") in ("zh-CN", "en")
    assert page.locator("h1").count() == 1
    page.locator("body").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.className, s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused[0] == "skip", focused
    assert focused[1] != "none" and focused[2] != "0px", focused


# The elements that stick out past the right edge of the screen, outside any box that scrolls on
# its own (a wide table in its .table-wrap may scroll; the page itself may not).
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'auto' || s.overflowX === 'scroll') return true;
    }
    return false;
  };
  const named = e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`;
  return [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrolls(e))
    .slice(0, 8)
    .map(e => `${named(e)} right=${Math.round(e.getBoundingClientRect().right)}`);
}"""


def assert_fits(page: Any) -> None:
    """The page does not scroll sideways: nothing is wider than the screen (a phone's 390 px)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], (page.url, widths, page.evaluate(STICKING_OUT))


def exported_table(page: Any, button: str, folder: Path) -> list[list[Any]]:
    """The cells of the .xlsx file the page's `button` downloads, read back with openpyxl (its
    first row the headers)."""
    with page.expect_download() as download:
        page.locator(button).click()
    saved = folder / "export.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def filter_unions(page: Any, q: str, state: str) -> tuple[Any, list[str]]:
    """On /ui/unions: search `q` among the unions in `state`; the result's rows and their codes."""
    page.locator("#f-q").fill(q)
    page.locator("#f-state").select_option(state)
    with page.expect_navigation():
        page.locator("#union-filters button[type=submit]").click()
    rows = page.locator("#union-rows tr")
    return rows, [rows.nth(i).locator("td small.code").inner_text() for i in range(rows.count())]
