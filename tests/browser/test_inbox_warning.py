"""R-ON-TIME on the approver's view (issue 18): a re-election plan whose congress falls after the
deadline, without an approved extension, is flagged in the approval inbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Api, drive, make_api, open_founding
from tests.unit.workflow_world import COUNTY


@pytest.fixture
def site(db_url: str) -> Iterator[Api]:
    yield from make_api(db_url)


@pytest.mark.parametrize(("planned", "flagged"), [("2024-03-01", False), ("2024-03-02", True)])
def test_a_plan_with_its_congress_after_the_deadline_is_flagged_in_the_inbox_r_on_time(
    site: Api, planned: str, flagged: bool
) -> None:
    """U1's first term (worked example 1) ends on 2024-03-01, its deadline: a plan for a congress on
    that day is not flagged, one for the day after is."""
    drive(site, open_founding(site))
    body = {"plan": "第二届换届方案", "planned_congress_on": planned, "occurred_on": "2024-01-05"}
    r = site.post("/unions/U1/procedures/reelection", body, site.staff("U1"))
    assert r.status_code == 201, r.text
    site.web_sign_in("approver", COUNTY)
    page = site.client.get("/ui/inbox").text
    assert r.json()["procedure_id"] in page
    warning = "晚于换届期限 2024-03-01（R-ON-TIME），且未批准延期换届。"
    assert (warning in page) is flagged
