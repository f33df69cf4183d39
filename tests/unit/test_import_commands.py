"""A validated row's commands are built without validating them again (`api.importer.commands`):
they must be the very commands the validating constructors build, and a row the commands refuse
must be refused with the same errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from api.importer.commands import checked_commands, register_command, term_command
from api.importer.rows import ImportRow, row_values
from bench.bench_import import registry_rows

ON = dt.date(2026, 11, 21)

UNIT = {
    "unit_name": "某科技有限公司",
    "unit_type": "企业",
    "employees": "120",
    "members": "80",
    "female_members": "12",
    "has_party_org": "是",
}
FACTS = {
    "term_start": "2022/6/30",
    "term_years": "5",
    "chair": "王芳",
    "founded_on": "2013年5月20日",
    "founding_document_no": "江工发〔2013〕12号",
    "congress_type": "会员代表大会",
    "representatives": "40",
    "committee": "王芳、李强，张敏 刘洋;陈静",
    "committee_size": "5",
    "vice_chairs": "李强",
    "chair_elected_by": "committee",
    "chair_full_time": "否",
    "last_congress_on": "2025-12-20",
    "extension_deadline": "2027-12-30",
    "extension_document_no": "江工发〔2027〕3号",
    "legal_person_no": "工法证字第420102000123号",
    "legal_person_on": "2013-07-01",
}


def row(**values: str) -> ImportRow:
    return ImportRow.model_validate(row_values({"org_id": "U1", "name": "某工会", "parent_id": "T1"} | values))


def validated(d: ImportRow, on: dt.date = ON) -> dict[str, Any]:
    built: dict[str, Any] = {"register": register_command(d, on)}
    if d.has_term and d.term_years is not None:
        built["term"] = term_command(d, on)
    return built


def assert_same(d: ImportRow, on: dt.date = ON) -> None:
    fast, slow = checked_commands(d, on), validated(d, on)
    assert fast == slow
    for kind, cmd in slow.items():
        # Same fields, same values, same types, same JSON: what every later step reads.
        assert fast[kind].model_dump() == cmd.model_dump()
        assert fast[kind].model_dump_json() == cmd.model_dump_json()
        assert {k: type(v) for k, v in vars(fast[kind]).items()} == {k: type(v) for k, v in vars(cmd).items()}


def test_the_registry_rows_commands_are_those_the_validating_constructors_build() -> None:
    for values in registry_rows(600, seed=3):
        assert_same(ImportRow.model_validate(row_values(values)))


@pytest.mark.parametrize(
    "values",
    [
        {"level": "grassroots", **UNIT},
        {"level": "federation", **UNIT, **FACTS},
        {"level": "joint", **UNIT, "term_start": "2024-01-01", "term_years": "3"},
        {"level": "grassroots", **UNIT, **FACTS, "congress_type": "会员大会", "representatives": ""},
        {"level": "township", "parent_id": ""},
        {"level": "grassroots", **UNIT, "term_start": "2024-01-01", "term_years": "3", "committee": "甲 乙"},
    ],
)
def test_rows_with_every_fact_build_the_same_commands(values: dict[str, str]) -> None:
    assert_same(row(**values))


def errors(call: Any) -> list[Any]:
    with pytest.raises(ValidationError) as caught:
        call()
    return [(e["loc"], e["msg"], e["type"]) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("values", "on"),
    [
        ({"level": "grassroots", **UNIT, "term_start": "2024-01-01", "term_years": "0"}, ON),  # R-TERM: >= 1
        ({"level": "grassroots"}, ON),  # R-FORM-25: a grassroots union's unit
        ({"level": "grassroots", **UNIT}, dt.date(1900, 1, 1)),  # the import's date out of bounds
    ],
)
def test_what_the_commands_refuse_is_refused_with_the_same_errors(values: dict[str, str], on: dt.date) -> None:
    d = row(**values)
    assert errors(lambda: checked_commands(d, on)) == errors(lambda: validated(d, on))
