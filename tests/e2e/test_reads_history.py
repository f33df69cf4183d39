"""The read endpoints of issue 5 through HTTP, on real data written by commands (continued):
coverage (RULES.md §7), the audit history and terms, and the ids and filters no database can hold."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import Api
from tests.e2e.reads_support import all_pages, assert_404_like_missing, fields_of, get
from tests.unit.workflow_support import Scenario
from tests.unit.workflow_world import TODAY

# --------------------------------------------------------------------------- GET /coverage


def test_coverage_of_a_subtree_as_of_a_date(seeded: Api) -> None:
    api = seeded
    admin = api.auth("admin", "WH")
    now = get(api, "/coverage", admin, org="JA").json()
    assert (now["org"], now["as_of"]) == ("JA", TODAY.isoformat())
    assert (now["units"], now["founded"], now["units_25"], now["founded_25"]) == (13, 1, 13, 1)
    assert (now["members"], now["employees_unionised"]) == (80, 120)
    assert now["founding_rate"] == pytest.approx(1 / 13)
    assert now["membership_rate"] == pytest.approx(80 / 120)
    assert (now["terms_ended"], now["terms_on_time"], now["on_time_rate"]) == (1, 0, 0.0)  # never re-elected
    before = get(api, "/coverage", admin, org="JA", as_of="2019-03-01").json()
    assert (before["founded"], before["terms_ended"], before["on_time_rate"]) == (0, 0, None)
    wide = get(api, "/coverage", admin).json()
    assert (wide["org"], wide["units"]) == ("WH", 14)  # Q1 too


def test_coverage_scoping(seeded: Api) -> None:
    api = seeded
    staff = get(api, "/coverage", api.staff("U1"))
    assert staff.status_code == 403 and staff.json()["rule"] == "AUTH-ROLE"
    assert_404_like_missing(api, "/coverage", api.approver("JA"), "QS")
    assert fields_of(get(api, "/coverage", api.approver("JA"), as_of="soon")) == ["query.as_of"]


# --------------------------------------------------------------------------- history and terms


def test_union_history_every_event_with_who_and_evidence(seeded: Api) -> None:
    api = seeded
    auditor = api.auth("auditor", "WH")
    items, pages = all_pages(api, "/unions/U1/history", auditor, limit=5)
    records = list(api.rt.store.read_stream("org-U1"))
    assert [i["version"] for i in items] == [r.version for r in records] == list(range(1, len(records) + 1))
    assert pages == -(-len(records) // 5)
    assert [i["hash"] for i in items] == [r.hash for r in records]
    assert [i["position"] for i in items] == [r.position for r in records]
    approval = next(i for i in items if i["event_type"] == "PreparatoryGroupApproved")
    assert (approval["actor_id"], approval["role"], approval["acting_org"]) == ("approver-JA", "approver", "JA")
    assert approval["occurred_on"] == "2019-01-10" and approval["recorded_at"]
    assert approval["payload"]["document_no"] == "江工发〔2019〕1号"
    congress = next(i for i in items if i["event_type"] == "CongressHeld")
    assert any(e.get("rule") == "R-QUORUM" for e in congress["evidence"])


def test_procedure_history_and_recording_time(seeded: Api) -> None:
    api = seeded
    staff = api.staff("U2")
    body = get(api, "/procedures/U2:founding-1/history", staff).json()
    assert [i["event_type"] for i in body["items"]] == ["FoundingRequested"]
    assert body["procedure_id"] == "U2:founding-1"
    early = get(api, "/unions/U2/history", staff, recorded_at="2000-01-01T00:00:00Z").json()
    assert early["items"] == []
    assert get(api, "/procedures/U2:founding-9/history", staff).status_code == 404
    assert get(api, "/procedures/U1:founding-1/history", staff).status_code == 404  # not their union
    assert get(api, "/unions/U1/history", api.auth("auditor", "QS")).status_code == 404
    assert get(api, "/unions/NOPE/history", api.auth("auditor", "ACFTU")).status_code == 404
    assert fields_of(get(api, "/unions/U2/history", staff, cursor="WyJ4Il0=")) == ["query.cursor"]
    assert fields_of(get(api, "/procedures/nonsense/history", staff)) == ["path.procedure_id"]


def test_terms_timeline_with_an_extension(seeded: Api) -> None:
    """Worked example 1's term (2019-03-01 + 5 years) extended to 2024-09-01 (R-EXTENSION)."""
    api = seeded
    pid = api.request_extension("2024-09-01")
    ok = api.step(pid, "approve", {"document_no": "江工发〔2024〕3号", "occurred_on": "2024-01-15"}, api.approver())
    assert ok.status_code == 200, ok.text
    body = get(api, "/unions/U1/terms", api.auth("auditor", "JA")).json()
    assert (body["org_id"], body["current_term"], body["deadline"], body["extension_until"]) == (
        "U1",
        1,
        "2024-09-01",
        "2024-09-01",
    )
    [term] = body["terms"]
    assert (term["start"], term["end"], term["deadline"], term["extended"]) == (
        "2019-03-01",
        "2024-03-01",
        "2024-09-01",
        True,
    )
    assert (term["started_by"], term["on_time"]) == ("U1:founding-1", None)
    assert get(api, "/unions/U2/terms", api.staff("U2")).json()["terms"] == []
    assert get(api, "/unions/U1/terms", api.staff("U2")).status_code == 404


def test_scenario_dates_match_the_worked_example() -> None:
    """The seed's filing dates above come from the shared scenario (congress 2019-03-01)."""
    s = Scenario()
    assert (s.on("requested"), s.on("candidates_filed")) == (dt.date(2019, 1, 5), dt.date(2019, 2, 5))


def test_ids_and_filters_the_database_cannot_hold_are_422_not_500(any_api: Api) -> None:
    """PostgreSQL text cannot hold NUL: such ids and filters are refused before any query."""
    api = any_api
    admin = api.auth("admin", "ACFTU")
    for path, params, field in [
        # A NUL in the path is refused by the app before routing (api.app), naming the path.
        ("/unions/a%00b/history", {}, "path"),
        ("/unions/a%00b/terms", {}, "path"),
        ("/procedures/U1:founding-1%00/history", {}, "path"),
        ("/organisations", {"org": "J\x00A"}, "query.org"),
        ("/procedures", {"waiting_on": "J\x00A"}, "query.waiting_on"),
        ("/procedures", {"state": "requested\x00"}, "query.state"),
        ("/inbox", {"org": "J\x00A"}, "query.org"),
        ("/alerts", {"cursor": "WyJcdTAwMDAiLCAiQSIsIDFd"}, "query.cursor"),  # ["\u0000", "A", 1]
    ]:
        assert fields_of(api.client.get(path, params=params, headers=admin)) == [field], path
