"""`unionflow import` with what a registry knows of each union (issue 18): the founding, the
congress type and representatives, the committee and its officers, how the chair was elected,
the full-time chair, the last congress, an extension in force, the legal person; from CSV or an
.xlsx workbook, with Chinese column headers and values beside the English ones. Every bad fact
is reported with its line (the sheet's row), its column and its rule; what a row leaves empty
stays unknown. On SQLite and PostgreSQL; and the HTTP route names the field it refuses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from api.importer import COLUMN_TABLE, COLUMNS, HEADERS
from api.runtime import Runtime
from events.catalogue import ExistingTermImported, org_stream
from projections import queries
from tests.e2e import test_import as base
from tests.e2e.conftest import Api
from tests.e2e.test_import import TREE_ROWS, run_import, runner, union_row, write_csv

rt = base.rt  # the fixture: a system holding only the national root, on SQLite and PostgreSQL

CHINESE = {c.name: c.chinese for c in COLUMN_TABLE}

# Every column a registry may fill, for a union of 600 members with a representative congress.
FULL = {
    "employees": "700",
    "members": "600",
    "female_members": "250",
    "term_start": "2022-06-30",
    "term_years": "5",
    "chair": "王芳",
    "founded_on": "2013-05-20",
    "founding_document_no": "江工发〔2013〕12号",
    "congress_type": "representative_congress",
    "representatives": "60",
    "committee": "王芳、李强、张敏、刘洋、陈静、赵磊、孙丽、周涛、吴军",
    "committee_size": "9",
    "vice_chairs": "李强",
    "chair_elected_by": "congress",
    "chair_full_time": "是",
    "last_congress_on": "2025-12-20",
    "extension_deadline": "2027-12-30",
    "extension_document_no": "江工发〔2027〕3号",
    "legal_person_no": "工法证字第420102000123号",
    "legal_person_on": "2013-07-01",
}


def test_every_fact_of_a_registry_row_is_imported_and_what_is_empty_stays_unknown(rt: Runtime, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "full.csv", [*TREE_ROWS, union_row("U1", **FULL), union_row("U2")])

    r = run_import(rt, path)

    assert r.exit_code == 0, r.output
    u1 = rt.service.load("U1")
    assert u1.founded_on == dt.date(2013, 5, 20) and u1.committee_size == 9 and u1.vice_chairs == ["李强"]
    assert u1.term is not None and (u1.term.deadline, u1.term.representatives) == (dt.date(2027, 12, 30), 60)
    with rt.engine.connect() as conn:
        r1, r2 = queries.union(conn, "U1"), queries.union(conn, "U2")
    assert r1 is not None and r2 is not None
    assert (r1.chair_elected_by, r1.chair_full_time, r1.legal_person_on) == ("congress", True, dt.date(2013, 7, 1))
    # U2's registry row gives only the term: the rest is unknown, not made up from it.
    assert (r2.founded_on, r2.last_congress_on, r2.chair_elected_by, r2.founded_at_latest) == (
        None,
        None,
        None,
        dt.date(2019, 3, 1),
    )
    # Run again: the same facts are recognised as imported already.
    again = run_import(rt, path)
    assert again.exit_code == 0 and "6 already imported" in again.stdout, again.output


BAD_FACTS: list[tuple[dict[str, str], str, str | None]] = [
    # (row's facts, column named, rule named): each checked like the same fact in the workflow
    ({"congress_type": "representative_congress", "representatives": "30"}, "congress_type", "R-CONGRESS-TYPE"),
    ({"representatives": "30"}, "representatives", "R-CONGRESS-TYPE"),
    ({"committee_size": "9"}, "committee_size", "R-COMMITTEE-SIZE"),
    ({"committee": "甲、乙、丙", "committee_size": "5"}, "committee_size", "R-COMMITTEE-SIZE"),
    ({"committee": "甲、乙、丙", "chair": "丁"}, "chair", "R-ELECTED"),
    ({"last_congress_on": "2019-02-28"}, "last_congress_on", "DATE-ORDER"),
    ({"founded_on": "2024-03-02"}, "founded_on", "DATE-ORDER"),
    ({"founded_on": "2027-01-01"}, "founded_on", "DATE-FUTURE"),
    ({"extension_deadline": "2024-11-01"}, "extension_deadline", "R-EXTENSION"),
    ({"extension_document_no": "江工发〔2024〕1号"}, "extension_document_no", "R-EXTENSION"),
    (
        {"founded_on": "2013-05-20", "legal_person_no": "x", "legal_person_on": "2013-05-19"},
        "legal_person_on",
        "DATE-ORDER",
    ),
    ({"legal_person_on": "2013-05-19"}, "legal_person_on", "R-FOUNDED"),
    ({"term_start": "", "term_years": "", "chair": "", "founded_on": "2013-05-20"}, "founded_on", "R-TERM"),
    ({"congress_type": "村民大会"}, "congress_type", None),
    ({"chair_elected_by": "抽签"}, "chair_elected_by", None),
    ({"last_congress_on": "2019-02-30"}, "last_congress_on", None),
]


def test_every_bad_fact_is_reported_with_its_line_column_and_rule(rt: Runtime, tmp_path: Path) -> None:
    """Worked examples 2 and 8 among them: an 8-month extension, 150 members with a committee of
    9 (here 80 members: 3 to 7), 80 members holding a representative congress."""
    rows = [*TREE_ROWS, *(union_row(f"B{i}", **facts) for i, (facts, _, _) in enumerate(BAD_FACTS))]
    path = write_csv(tmp_path / "bad.csv", rows)
    before = rt.store.last_position()

    r = run_import(rt, path)

    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    for i, (_, column, rule) in enumerate(BAD_FACTS):
        where = f"line {len(TREE_ROWS) + 2 + i} (B{i}), column {column}: {f'{rule}: ' if rule else ''}"
        assert any(where in ln for ln in lines), (where, [ln for ln in lines if f"(B{i})" in ln])
    assert rt.store.last_position() == before


def _workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工会组织台账"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_workbook_with_chinese_headers_and_values_is_imported(rt: Runtime, tmp_path: Path) -> None:
    header = [CHINESE[c] for c in COLUMNS]
    tree = [
        [*(t[c] for c in ("org_id", "name")), "省" if t["level"] == "province" else t["level"], t["parent_id"]]
        for t in TREE_ROWS
    ]
    u1 = {
        **union_row("U1", **FULL),
        "level": "基层工会",
        "unit_type": "企业",
        "congress_type": "会员代表大会",
        "chair_elected_by": "直选",
        "has_party_org": "有",
    }
    cells: dict[str, Any] = {
        "employees": 700,  # number cells
        "members": 600,
        "female_members": 250,
        "term_years": 5,
        "representatives": 60,
        "committee_size": 9,
        "term_start": dt.datetime(2022, 6, 30),  # date cells
        "founded_on": dt.date(2013, 5, 20),
        "last_congress_on": "2025年12月20日",  # as a registry writes it
    }
    row = [cells.get(c, u1.get(c, "")) for c in COLUMNS]
    bad = [*row]
    bad[0], bad[COLUMNS.index("extension_deadline")] = "U2", dt.date(2028, 1, 1)  # beyond R-EXTENSION's 6 months
    path = tmp_path / "台账.xlsx"
    path.write_bytes(_workbook([header, *(t + [""] * (len(COLUMNS) - 4) for t in tree), row, [], bad]))

    r = run_import(rt, path)

    assert r.exit_code == 1
    # The sheet's row number: header 1, four tree rows, U1 on row 6, a blank row 7, U2 on row 8.
    assert (
        "line 8 (U2), column extension_deadline: R-EXTENSION: new deadline 2028-01-01 is after 2027-12-30" in r.stderr
    )
    assert "(U1)" not in r.stderr

    r = run_import(rt, path, "--only-valid")

    assert r.exit_code == 0, r.output
    u = rt.service.load("U1")
    assert u.level == "grassroots" and u.unit is not None and u.unit.unit_type == "enterprise"
    assert u.term is not None and (u.term.start, u.term.congress_type, u.term.chair_elected_by) == (
        dt.date(2022, 6, 30),
        "representative_congress",
        "congress",
    )
    assert (u.founded_on, u.last_congress_on) == (dt.date(2013, 5, 20), dt.date(2025, 12, 20))
    event = list(rt.store.read_stream(org_stream("U1")))[-1].event
    assert isinstance(event, ExistingTermImported) and event.committee[:2] == ["王芳", "李强"]


def test_an_xlsx_header_unknown_is_one_clear_line(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(_workbook([["组织编号", "名称", "层级", "上级", "主席"]]))
    r = run_import(rt, path)
    assert r.exit_code == 2 and "unknown column(s) '上级'" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_help_lists_every_column_with_its_chinese_header() -> None:
    from api.cli import app as cli

    r = runner.invoke(cli, ["import", "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert r.exit_code == 0
    for column in COLUMN_TABLE:
        assert f"{column.name} {column.chinese}" in r.stdout, column.name
    assert {HEADERS[c.chinese] for c in COLUMN_TABLE} == set(COLUMNS)


def test_the_module_documents_every_column() -> None:
    import api.importer

    doc = api.importer.__doc__ or ""
    for column in COLUMN_TABLE:
        assert any(ln.split()[:2] == [column.name, column.chinese] for ln in doc.splitlines() if ln.strip()), column


# --------------------------------------------------------------------------- HTTP


@pytest.mark.parametrize(
    ("body", "status", "field", "rule"),
    [
        ({"representatives": 0}, 422, "representatives", None),
        ({"chair_elected_by": "抽签"}, 422, "chair_elected_by", None),
        ({"congress_type": "representative_congress", "representatives": 30}, 422, "congress_type", "R-CONGRESS-TYPE"),
        ({"extension_deadline": "2028-01-01"}, 422, "extension_deadline", "R-EXTENSION"),
        ({"last_congress_on": "2022-06-29"}, 422, "last_congress_on", "DATE-ORDER"),
        ({"committee_size": 9}, 422, "committee_size", "R-COMMITTEE-SIZE"),
    ],
)
def test_http_a_bad_fact_is_a_problem_naming_its_field(
    any_api: Api, body: dict[str, Any], status: int, field: str, rule: str | None
) -> None:
    api = any_api
    admin = api.auth("admin", "JA")
    base = {"term_start": "2022-06-30", "term_years": 5, "occurred_on": "2026-11-01"}
    r = api.post("/unions/U1/imported-term", base | body, admin)
    assert r.status_code == status, r.text
    problem = r.json()
    assert problem["fields"] == [f"body.{field}"], problem
    assert problem.get("rule") == rule
    assert api.version("U1") == 1


def test_http_an_import_with_every_fact_then_an_electorate_from_it(any_api: Api) -> None:
    api = any_api
    admin = api.auth("admin", "JA")
    facts = {"unit_name": "x", "unit_type": "enterprise", "employees": 120, "members": 80, "female_members": 12}
    r = api.post(
        "/unions/U1/facts", {"unit": facts | {"has_party_org": True}, "occurred_on": "2026-10-01"}, api.staff()
    )
    assert r.status_code in (200, 201), r.text
    body = {
        "term_start": "2022-06-30",
        "term_years": 5,
        "founded_on": "2013-05-20",
        "congress_type": "members_meeting",
        "committee": ["王芳", "李强", "张敏"],
        "chair": "王芳",
        "vice_chairs": ["李强"],
        "chair_elected_by": "congress",
        "occurred_on": "2026-11-01",
    }
    assert api.post("/unions/U1/imported-term", body, admin).status_code == 200
    union = api.client.get("/unions/U1", headers=api.staff()).json()
    assert (union["founded_on"], union["committee_size"], union["term"]["congress_type"]) == (
        "2013-05-20",
        3,
        "members_meeting",
    )
    # R-ANNUAL: those due at the yearly congress are the 80 members on record.
    congress = {"due": 60, "present": 54, "agenda": "年度会员大会", "occurred_on": "2026-11-10"}
    r = api.post("/unions/U1/congresses", congress, api.staff())
    assert r.status_code == 422 and r.json()["rule"] == "R-ANNUAL"
    r = api.post("/unions/U1/congresses", congress | {"due": None}, api.staff())
    assert r.status_code == 201, r.text
    orgs = api.client.get("/organisations", params={"org": "JA"}, headers=admin).json()["items"]
    u1 = next(o for o in orgs if o["org_id"] == "U1")
    assert (u1["founded_on"], u1["founded_at_latest"], u1["chair_elected_by"]) == (
        "2013-05-20",
        "2013-05-20",
        "congress",
    )
