"""Every command's input within the bounds declared once (`workflow.bounds`): counts within the
read models' integer columns, text at sensible lengths and without NUL or lone surrogates, lists
bounded, dates strict ISO dates (never numbers) from 1925. The bounds sit on the commands, so the
API, the web forms and the registry import refuse alike (issue 20, points 1 to 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import pytest
from pydantic import ValidationError

from tests.unit.workflow_world import COUNTY, TREE_ON, admin, unit
from workflow import bounds
from workflow import commands as c
from workflow.authority import Actor
from workflow.command import COMMANDS

GOOD_UNIT = unit().model_dump()


def register(**changes: Any) -> c.RegisterOrganisation:
    fields: dict[str, Any] = {
        "org_id": "U9",
        "name": "U9 工会",
        "level": "grassroots",
        "parent_id": COUNTY,
        "unit": GOOD_UNIT,
        "occurred_on": TREE_ON,
    }
    return c.RegisterOrganisation.model_validate(fields | changes)


def test_the_bounds_hold_a_valid_command_and_their_edges() -> None:
    edge = GOOD_UNIT | {"employees": bounds.COUNT_MAX, "members": bounds.COUNT_MAX}
    cmd = register(unit=edge, name="名" * bounds.NAME_MAX, occurred_on="1925-01-01")
    assert cmd.unit is not None and cmd.unit.employees == 2**31 - 1
    assert cmd.occurred_on == dt.date(1925, 1, 1)


@pytest.mark.parametrize(
    "counts",
    [{"employees": 2**31}, {"employees": 2**70}, {"members": 2**63}, {"female_members": 10**400}],
)
def test_counts_beyond_the_database_integer_are_refused(counts: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="2147483647"):
        register(unit=GOOD_UNIT | counts)


@pytest.mark.parametrize(
    ("command", "fields"),
    [
        (c.RecordMembersRecruited, {"members": 2**31, "female_members": 0, "employees": 2**31}),
        (c.ElectRepresentatives, {"representatives": 2**31}),
        (c.DecideCongressType, {"congress_type": "members_meeting", "committee_seats": 2**40}),
    ],
)
def test_a_procedures_counts_are_bounded_too(command: type[c.Command], fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="2147483647"):
        command.model_validate({"union_id": "U1", "procedure_id": "U1:founding-1", "occurred_on": TREE_ON} | fields)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "名" * (bounds.NAME_MAX + 1)}, "at most 200 characters"),
        ({"name": "x" * 50_000_000}, "at most 200 characters"),
        ({"name": "a\x00b"}, "NUL"),
        ({"name": "a\ud800b"}, "unicode"),
        ({"unit": GOOD_UNIT | {"unit_name": "x" * (bounds.TEXT_MAX + 1)}}, "longer than 2000"),
        ({"unit": GOOD_UNIT | {"unit_name": "\udfff"}}, "lone surrogate"),
    ],
)
def test_text_is_bounded_and_clean(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        register(**changes)


def test_lists_are_bounded() -> None:
    many = [f"发起人{i}" for i in range(bounds.ITEMS_MAX + 1)]
    with pytest.raises(ValidationError, match="at most 1000"):
        c.RequestFounding(union_id="U1", unit=unit(), initiators=many, prep_group=[], occurred_on=TREE_ON)


@pytest.mark.parametrize("value", [0, "0", 1_700_000_000, "1700000000", 20240101, "2024-1-1", "2024-02-30", 1.5])
def test_numbers_are_never_dates(value: Any) -> None:
    with pytest.raises(ValidationError, match="occurred_on"):
        register(occurred_on=value)


@pytest.mark.parametrize("value", ["0001-01-01", "1924-12-31", "2100-01-01", "9999-12-31"])
def test_dates_outside_the_plausible_range_are_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="a date from 1925-01-01 to 2099-12-31"):
        register(occurred_on=value)


def test_every_date_field_of_every_command_is_strict() -> None:
    loose = []
    for name, command in COMMANDS.items():
        for field, info in command.model_fields.items():
            dated = info.annotation is dt.date or dt.date in get_args(info.annotation)
            if dated and "strict_date" not in repr(info.metadata) + repr(get_args(info.annotation)):
                loose.append(f"{name}.{field}")
    assert loose == []


def test_person_ids_are_bounded() -> None:
    with pytest.raises(ValidationError, match="at most 200 characters"):
        Actor(person_id="p" * 201, role="staff", org_id="U1")
    assert admin().person_id
