"""The pages' coverage chart with each figure's target beside it (RULES.md §7: targets are
settings of a region), on SQLite and PostgreSQL through the ASGI test client (no browser needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import Api, make_api, open_founding
from tests.unit.workflow_world import CITY, COUNTY, TREE_ON, admin
from workflow import commands as c


@pytest.fixture
def site(db_url: str) -> Iterator[Api]:
    yield from make_api(db_url)


def test_the_dashboard_and_the_audit_show_each_figure_beside_its_target(site: Api) -> None:
    """WH sets a 91 % founding rate; JA's dashboard (U1 registered, its founding under way: 0 of 1
    unit founded) draws the target's mark on the bar and says it is not met."""
    open_founding(site)
    site.rt.service.execute(
        c.SetCoverageTargets(union_id=CITY, targets={"founding_rate": 0.91}, occurred_on=TREE_ON), admin()
    )
    site.web_sign_in("approver", COUNTY)
    page = site.client.get("/ui/").text
    assert 'class="bar-target"' in page and "0.0% / ≥ 91.0%" in page
    assert "建会率: 0.0% (0/1), 目标 ≥ 91.0%, 未达标." in page
    assert page.count('class="bar-target"') == 1  # the other figures have no target
    site.web_sign_in("auditor", COUNTY)
    audit = site.client.get("/ui/audit?org=JA&scope=subtree&as_of=2025-01-01").text
    assert "0.0% / ≥ 91.0%" in audit
