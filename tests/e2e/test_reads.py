"""The read endpoints of issue 5 through HTTP, on real data written by commands: the register,
procedure lists, an approver's inbox, alerts and counts, coverage (RULES.md §7), terms and the
audit history; their filters, keyset pages (every item once, none missing) and subtree scoping
(outside the caller's subtree is 404, exactly like a missing organisation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.e2e.conftest import Api
from tests.e2e.reads_support import JA_UNIONS, PROBLEM, all_pages, assert_404_like_missing, fields_of, get
from tests.unit.workflow_world import TODAY

# --------------------------------------------------------------------------- GET /organisations


def test_register_pages_a_subtree_in_tree_order_every_item_once(seeded: Api) -> None:
    api = seeded
    admin_wh = api.auth("admin", "WH")
    items, pages = all_pages(api, "/organisations", admin_wh, org="JA", limit=4)
    ids = [i["org_id"] for i in items]
    assert sorted(ids) == sorted(["JA", *JA_UNIONS])
    assert len(set(ids)) == len(ids)
    assert [i["path"] for i in items] == sorted(i["path"] for i in items)
    assert ids[0] == "JA"  # a parent before its children
    assert pages == 4  # 14 items, 4 a page
    u1 = next(i for i in items if i["org_id"] == "U1")
    assert (u1["chair"], u1["term_start"], u1["deadline"], u1["members"]) == ("赵", "2019-03-01", "2024-03-01", 80)
    assert u1["href"] == "/unions/U1"

    everything, _ = all_pages(api, "/organisations", admin_wh, limit=500)
    assert {i["org_id"] for i in everything} == {"WH", "JA", "QS", "Q1", *JA_UNIONS}  # default: the caller's
    counties = get(api, "/organisations", admin_wh, level="county").json()["items"]
    assert [i["org_id"] for i in counties] == ["JA", "QS"]


def test_register_scoping(seeded: Api) -> None:
    api = seeded
    assert [i["org_id"] for i in get(api, "/organisations", api.staff("U1")).json()["items"]] == ["U1"]
    assert_404_like_missing(api, "/organisations", api.staff("U1"), "U2")
    assert_404_like_missing(api, "/organisations", api.auth("auditor", "JA"), "QS")
    assert_404_like_missing(api, "/organisations", api.auth("admin", "WH"), "GD")
    assert get(api, "/organisations", api.auth("auditor", "ACFTU"), org="GD").json()["items"][1]["org_id"] == "G1"


def test_register_bad_input_is_422_naming_the_field(seeded: Api) -> None:
    api, admin = seeded, seeded.auth("admin", "ACFTU")
    assert fields_of(get(api, "/organisations", admin, cursor="not a cursor")) == ["query.cursor"]
    procedures_cursor = get(api, "/procedures", admin, limit=1).json()["next_cursor"]
    assert fields_of(get(api, "/organisations", admin, cursor=procedures_cursor)) == ["query.cursor"]
    assert fields_of(get(api, "/organisations", admin, limit=0)) == ["query.limit"]
    assert fields_of(get(api, "/organisations", admin, limit=501)) == ["query.limit"]
    assert fields_of(get(api, "/organisations", admin, level="village")) == ["query.level"]
    assert fields_of(get(api, "/organisations", admin, org="a/b")) == ["query.org"]


# --------------------------------------------------------------------------- GET /procedures


def test_procedures_filters_and_pages(seeded: Api) -> None:
    api = seeded
    auditor = api.auth("auditor", "ACFTU")
    items, _ = all_pages(api, "/procedures", auditor, limit=2)
    keys = [(p["path"], p["procedure_id"]) for p in items]
    assert keys == sorted(keys)  # tree order
    assert {p["procedure_id"] for p in items} == {f"{u}:founding-1" for u in ("U1", "U2", "U3", "Q1", "G1")}
    assert len(items) == 5

    def ids(**params: Any) -> set[str]:
        r = get(api, "/procedures", auditor, **params)
        assert r.status_code == 200, r.text
        return {p["procedure_id"] for p in r.json()["items"]}

    assert ids(org="JA") == {"U1:founding-1", "U2:founding-1", "U3:founding-1"}
    assert ids(org="JA", state="requested") == {"U2:founding-1"}
    assert ids(state="requested") == {"U2:founding-1", "Q1:founding-1", "G1:founding-1"}
    assert ids(kind="founding", org="QS") == {"Q1:founding-1"}
    assert ids(kind="reelection") == set()
    assert ids(waiting_on="JA") == {"U2:founding-1", "U3:founding-1"}
    assert ids(waiting_on="U1") == {"U1:founding-1"}  # founded: the union registers as a legal person next
    assert ids(moved_since="2019-02-05") == {"U1:founding-1", "U3:founding-1"}
    assert ids(moved_since="2019-02-05", moved_until="2019-02-05") == {"U3:founding-1"}
    assert ids(moved_until="2019-01-05") == {"U2:founding-1", "Q1:founding-1", "G1:founding-1"}

    u3 = get(api, "/procedures", auditor, org="U3").json()["items"][0]
    assert (u3["state"], u3["awaiting_approval"], u3["approver_org"], u3["filed_on"]) == (
        "candidates_filed",
        True,
        "JA",
        "2019-02-05",
    )
    assert u3["href"] == "/procedures/U3:founding-1"


def test_procedures_scoping_and_bad_input(seeded: Api) -> None:
    api = seeded
    staff = api.staff("U2")
    assert [p["procedure_id"] for p in get(api, "/procedures", staff).json()["items"]] == ["U2:founding-1"]
    assert_404_like_missing(api, "/procedures", staff, "JA")
    assert_404_like_missing(api, "/procedures", api.approver("JA"), "Q1")
    admin = api.auth("admin", "ACFTU")
    assert fields_of(get(api, "/procedures", admin, kind="coronation")) == ["query.kind"]
    assert fields_of(get(api, "/procedures", admin, state="asleep")) == ["query.state"]
    assert fields_of(get(api, "/procedures", admin, moved_since="2020-01-02", moved_until="2020-01-01")) == [
        "query.moved_until"
    ]
    assert fields_of(get(api, "/procedures", admin, moved_since="yesterday")) == ["query.moved_since"]
    assert fields_of(get(api, "/procedures", admin, cursor="W10=")) == ["query.cursor"]  # "[]"


# --------------------------------------------------------------------------- GET /inbox


def test_inbox_oldest_first_with_content_and_days_waited(seeded: Api) -> None:
    api = seeded
    items, pages = all_pages(api, "/inbox", api.approver("JA"), limit=1)
    assert pages == 2
    assert [(i["procedure_id"], i["filing"], i["filed_on"]) for i in items] == [
        ("U2:founding-1", "founding_request", "2019-01-05"),
        ("U3:founding-1", "candidates", "2019-02-05"),
    ]
    first = items[0]
    assert first["waited_days"] == (TODAY - dt.date(2019, 1, 5)).days
    assert first["overdue"] is True and first["reply_days"] == 15
    assert first["content"]["initiators"] == ["张三"]
    assert (first["filed_by"]["actor_id"], first["filed_by"]["role"]) == ("staff-U2", "staff")
    assert items[1]["content"]["party_org"] == "公司党支部"


def test_inbox_who_may_read_which(seeded: Api) -> None:
    api = seeded
    assert get(api, "/inbox", api.approver("QS")).json()["items"][0]["procedure_id"] == "Q1:founding-1"
    assert get(api, "/inbox", api.auth("auditor", "WH"), org="JA").status_code == 200
    assert len(get(api, "/inbox", api.auth("admin", "ACFTU"), org="JA").json()["items"]) == 2
    other = get(api, "/inbox", api.approver("WH"), org="JA")  # in the subtree, but not their inbox
    assert other.status_code == 403 and other.json()["rule"] == "R-APPROVER"
    staff = get(api, "/inbox", api.staff("U1"))
    assert staff.status_code == 403 and staff.json()["rule"] == "AUTH-ROLE"
    assert_404_like_missing(api, "/inbox", api.auth("auditor", "JA"), "QS")
    assert fields_of(get(api, "/inbox", api.approver("JA"), cursor="WyJub3QgYSBkYXRlIiwgIngiXQ==")) == ["query.cursor"]


# --------------------------------------------------------------------------- GET /alerts, /alerts/counts


def test_alerts_on_a_date_filtered_by_kind_and_counted(seeded: Api) -> None:
    api = seeded
    auditor = api.auth("auditor", "JA")
    # RULES.md §8 example 1: term ends 2024-03-01; overdue from the next day.
    on = "2024-05-01"
    items, _ = all_pages(api, "/alerts", auditor, as_of=on, limit=2)
    kinds = {(a["org_id"], a["kind"]) for a in items}
    assert ("U1", "A-TERM-OVERDUE") in kinds
    assert ("U2", "A-APPROVAL-PENDING") in kinds and ("U3", "A-APPROVAL-PENDING") in kinds
    assert not any(a["org_id"] == "Q1" for a in items)
    overdue = next(a for a in items if a["kind"] == "A-TERM-OVERDUE")
    assert (overdue["deadline"], overdue["days_overdue"]) == ("2024-03-01", 61)
    assert len({(a["org_id"], a["kind"], a["fires_from"]) for a in items}) == len(items)

    only = get(api, "/alerts", auditor, as_of=on, kind=["A-TERM-OVERDUE", "A-APPROVAL-PENDING"]).json()
    assert {a["kind"] for a in only["items"]} == {"A-TERM-OVERDUE", "A-APPROVAL-PENDING"}
    assert only["as_of"] == on

    counts = get(api, "/alerts/counts", auditor, as_of=on).json()
    expected: dict[str, int] = {}
    for a in items:
        expected[a["kind"]] = expected.get(a["kind"], 0) + 1
    assert {k: n for k, n in counts["counts"].items() if n} == expected
    assert counts["total"] == len(items) and counts["org"] == "JA"
    assert set(counts["counts"]) >= {"A-TERM-DUE", "A-LEGAL-PERSON"}

    before_term_end = get(api, "/alerts", auditor, as_of="2024-02-01", kind="A-TERM-DUE").json()["items"]
    assert [(a["org_id"], a["days_overdue"]) for a in before_term_end] == [("U1", -29)]


def test_alerts_default_to_the_runtimes_today(seeded: Api) -> None:
    api = seeded
    body = get(api, "/alerts", api.auth("auditor", "JA")).json()
    assert body["as_of"] == TODAY.isoformat()
    assert get(api, "/alerts/counts", api.auth("auditor", "JA")).json()["as_of"] == TODAY.isoformat()


def test_alerts_as_recorded_for_one_union(seeded: Api) -> None:
    api = seeded
    auditor = api.auth("auditor", "JA")
    live = get(api, "/alerts", auditor, org="U1", as_of="2024-05-01").json()["items"]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    replayed = get(api, "/alerts", auditor, org="U1", as_of="2024-05-01", recorded_at=later).json()
    assert {(a["kind"], a["deadline"]) for a in replayed["items"]} == {(a["kind"], a["deadline"]) for a in live}
    assert replayed["recorded_at"] is not None
    nothing_yet = get(api, "/alerts", auditor, org="U1", as_of="2024-05-01", recorded_at="2000-01-01T00:00:00Z")
    assert nothing_yet.json()["items"] == []
    counts = get(api, "/alerts/counts", auditor, org="U1", as_of="2024-05-01", recorded_at=later).json()
    assert counts["total"] == len(live)
    # A subtree as recorded would replay the whole log: refused, naming the parameter.
    assert fields_of(get(api, "/alerts", auditor, org="JA", recorded_at=later)) == ["query.recorded_at"]


def test_alerts_scoping_and_bad_input(seeded: Api) -> None:
    api = seeded
    staff = get(api, "/alerts", api.staff("U2"), as_of="2024-05-01").json()["items"]
    assert staff and {a["org_id"] for a in staff} == {"U2"}
    assert_404_like_missing(api, "/alerts", api.staff("U2"), "U1")
    assert_404_like_missing(api, "/alerts/counts", api.auth("auditor", "JA"), "Q1")
    auditor = api.auth("auditor", "JA")
    assert fields_of(get(api, "/alerts", auditor, kind="A-NOPE")) == ["query.kind.0"]
    assert fields_of(get(api, "/alerts", auditor, as_of="2024-13-01")) == ["query.as_of"]
    assert fields_of(get(api, "/alerts", auditor, cursor="WyJhIiwgImIiLCAiYyJd")) == ["query.cursor"]  # seq "c"
    assert fields_of(get(api, "/alerts/counts", auditor, recorded_at="0001-01-01T00:00:00+05:00")) == [
        "query.recorded_at"
    ]


def test_a_query_parameter_the_endpoint_does_not_take_is_422_not_ignored(seeded: Api) -> None:
    """`/alerts?on=...` used to answer for today, silently: an auditor could read those alerts as
    the ones of the date asked for. Every unknown name is listed, with the ones the route takes."""
    api = seeded
    auditor = api.auth("auditor", "JA")
    r = get(api, "/alerts", auditor, on="2024-05-01")
    assert (r.status_code, r.headers["content-type"]) == (422, PROBLEM)
    assert r.json()["detail"] == (
        "query.on: not a parameter of GET /alerts; it takes: as_of, cursor, kind, limit, org, recorded_at"
    )
    r = get(api, "/unions/U1", auditor, as_of="2024-05-01", date="2024-05-01", org="JA")
    assert fields_of(r) == ["query.date", "query.org"]
    assert get(api, "/health", {}, verbose="1").status_code == 422  # an endpoint open to all
    # without a valid token, the answer is 401 whatever the query: the check comes after it
    assert get(api, "/alerts", {}, on="2024-05-01").status_code == 401
    assert get(api, "/alerts", {"Authorization": "Bearer uf_nope"}, on="2024-05-01").status_code == 401
    # what the route takes still works, and the same date asked for properly answers for it
    on_date = get(api, "/alerts", auditor, as_of="2024-05-01")
    assert on_date.status_code == 200 and {a["on"] for a in on_date.json()["items"]} == {"2024-05-01"}
