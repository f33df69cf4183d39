"""A refusal and a form's errors, read in Chinese in a real browser: the rule's message with its
numbers (R-QUORUM), the numbers checked under their Chinese labels, the fields in error by their
labels, and no event type, state code or evidence key anywhere on the page a person reads."""

from __future__ import annotations

import re
from typing import Any

from events.catalogue import CATALOGUE
from events.flows import FLOWS
from tests.browser.conftest import Site, shot, sign_in
from tests.browser.pages import step
from tests.unit.workflow_support import COMMITTEE

PID = "U1:founding-1"
CODES = set(CATALOGUE.event_types) | {state.name for flow in FLOWS.values() for state in flow.states}
CONGRESS = {
    "occurred_on": "2019-03-01",
    "due": 80,
    "committee_vote.seats": 7,
    "committee_vote.ballots_issued": 53,
    "committee_vote.ballots_returned": 53,
    "funds_review_vote.seats": 3,
    "funds_review_vote.ballots_issued": 53,
    "funds_review_vote.ballots_returned": 53,
    "funds_review_vote.tallies": "冯: 53\n陈: 53\n褚: 53",
}


def _words(page: Any) -> set[str]:
    """The words of the text a person reads (ids such as U1:founding-1 stay whole)."""
    text = page.evaluate("() => document.body.innerText")
    return set(re.findall(r"(?<![\w:./@-])[A-Za-z][A-Za-z_]*(?![\w:./@-])", text))


def test_a_refusal_reads_in_chinese(site: Site, new_page: Any) -> None:
    site.driver().found(until="candidates_approved")
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then=f"/ui/procedures/{PID}")
    tallies = "\n".join(f"{name}: 53" for name in COMMITTEE[:7])
    step(staff, "hold-congress", CONGRESS | {"present": 53, "committee_vote.tallies": tallies})

    refusal = staff.locator("#refusal")
    assert "未执行：不符合规则「到会人数须达应到人数三分之二」" in refusal.locator("h2").inner_text()
    assert "到会 53 人，应到 80 人；至少需要 54 人（三分之二）。" in staff.locator("#refusal-message").inner_text()
    numbers = refusal.locator("dl.numbers").inner_text()
    assert re.search(r"应到人数\s*80", numbers) and re.search(r"需要\s*54", numbers)
    evidence_keys = {"due", "present", "needed", "rule"}
    shown = _words(staff) & (CODES | evidence_keys)
    assert shown == set()
    shot(staff, "30-refusal-zh")


def test_the_errors_of_a_form_name_its_fields_in_chinese(site: Site, new_page: Any) -> None:
    site.driver().found(until="candidates_approved")
    staff = new_page()
    sign_in(staff, site, site.token("staff", "U1"), then=f"/ui/procedures/{PID}")
    step(staff, "hold-congress", CONGRESS | {"present": 54, "committee_vote.tallies": "冯: 很多"})
    summary = staff.locator("#step-hold-congress .error-summary").inner_text()
    assert "委员会选举计票 › 得票" in summary
    assert "committee_vote" not in summary and "tallies" not in summary
    shot(staff, "31-form-errors-zh")
