"""A row of the registry: its fields as a pydantic model (Chinese values and dates accepted as
registries write them), the checks of one row that need more than one field, and what is wrong
with a row (`RowIssue`). The columns themselves are `api.importer.columns`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from api.importer.columns import COLUMNS, REQUIRED_COLUMNS, TERM_COLUMNS, UNIT_COLUMNS, VALUES
from events.catalogue import CongressType, OrgLevel, UnitFacts, UnitType
from workflow import bounds
from workflow.organisations import GRASSROOTS_LEVELS

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "TERM_COLUMNS", "UNIT_COLUMNS", "ImportRow", "RowIssue"]

_TRUE = {"true", "1", "yes", "y", "是", "有"}
_FALSE = {"false", "0", "no", "n", "否", "无"}


def _empty_is_none(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _yes_no(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return value


# 2019-03-01 as well as 2019/3/1, 2019.3.1 and 2019年3月1日.
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# Names in one cell: separated by 、 , ， ; ； or white space.
_NAMES = re.compile(r"[、,，;；\s]+")


def _date(value: Any) -> Any:
    value = _empty_is_none(value)
    if isinstance(value, str):
        m = _DATE.match(value)
        if m:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return value


def _names(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(n for n in _NAMES.split(value.strip()) if n)
    return () if value is None else value


def _choice(column: str) -> BeforeValidator:
    """A choice written in Chinese (`columns.VALUES`) read as the value it stands for."""
    aliases = VALUES[column]

    def read(value: Any) -> Any:
        value = _empty_is_none(value)
        return aliases.get(value, value) if isinstance(value, str) else value

    return BeforeValidator(read)


# The commands' own bounds (`workflow.bounds`), so a row the check passes is a row the commands
# take: names and document numbers as `Name`, the unit's name as any text a command holds, counts
# within the database integer, strict dates from 1925, lists of names bounded.
Text = Annotated[bounds.Name | None, BeforeValidator(_empty_is_none)]
LongText = Annotated[bounds.RequiredText | None, BeforeValidator(_empty_is_none)]
Count = Annotated[bounds.Count | None, BeforeValidator(_empty_is_none)]
Positive = Annotated[bounds.PositiveCount | None, BeforeValidator(_empty_is_none)]
Day = Annotated[bounds.Date | None, BeforeValidator(_date)]
Names = Annotated[tuple[bounds.Name, ...], Field(max_length=bounds.ITEMS_MAX), BeforeValidator(_names)]
YesNo = Annotated[bool | None, BeforeValidator(_empty_is_none), BeforeValidator(_yes_no)]


# The registry's facts beside the term: most registries leave most of them empty.
FACT_COLUMNS = frozenset(TERM_COLUMNS[3:])


def row_values(values: dict[str, str]) -> dict[str, str]:
    """A row's values as ImportRow reads them: an empty fact is left out (its default, unknown),
    so a registry with few facts costs little more to read than one with none."""
    return {k: v for k, v in values.items() if v or k not in FACT_COLUMNS}


class ImportRow(BaseModel):
    """One row of the file, its fields checked one by one (the rows together are checked later)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org_id: Annotated[
        str,
        BeforeValidator(_empty_is_none),
        Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
    ]
    name: Annotated[bounds.Name, BeforeValidator(_empty_is_none)]
    level: Annotated[OrgLevel, _choice("level")]
    parent_id: Text = None
    unit_name: LongText = None
    unit_type: Annotated[UnitType | None, _choice("unit_type")] = None
    employees: Count = None
    members: Count = None
    female_members: Count = None
    has_party_org: YesNo = None
    term_start: Day = None
    term_years: Annotated[bounds.Count | None, BeforeValidator(_empty_is_none)] = None
    chair: Text = None
    # What the registry knows of the union beside its term (workflow.imported checks each).
    founded_on: Day = None
    founding_document_no: Text = None
    congress_type: Annotated[CongressType | None, _choice("congress_type")] = None
    representatives: Positive = None
    committee: Names = ()
    committee_size: Positive = None
    vice_chairs: Names = ()
    chair_elected_by: Annotated[Literal["congress", "committee"] | None, _choice("chair_elected_by")] = None
    chair_full_time: YesNo = None
    last_congress_on: Day = None
    extension_deadline: Day = None
    extension_document_no: Text = None
    legal_person_no: Text = None
    legal_person_on: Day = None

    @property
    def has_unit(self) -> bool:
        return any(getattr(self, col) is not None for col in UNIT_COLUMNS)

    @property
    def has_term(self) -> bool:
        return self.term_start is not None

    def unit(self) -> UnitFacts | None:
        if self.unit_name is None:
            return None
        # The unit's columns are UnitFacts' fields, by the same names.
        return UnitFacts.model_validate({col: getattr(self, col) for col in UNIT_COLUMNS})


@dataclass(frozen=True)
class RowIssue:
    """What is wrong with one row (or why it was skipped): where, and which rule."""

    line: int
    org_id: str | None
    column: str
    reason: str
    rule: str | None = None

    def __str__(self) -> str:
        rule = f"{self.rule}: " if self.rule else ""
        org = f" ({self.org_id})" if self.org_id else ""
        return f"line {self.line}{org}, column {self.column}: {rule}{self.reason}"


# --------------------------------------------------------------------------- one row's checks


def _given(row: ImportRow, column: str) -> bool:
    value = getattr(row, column)
    return value is not None and value != ()


Bad = Callable[[str, str, str | None], None]

# The dates of what has happened (the extension's deadline may be to come).
_PAST_DATES = ("term_start", "founded_on", "last_congress_on", "legal_person_on")


def row_rules(row: ImportRow, line: int, today: dt.date, on: dt.date) -> list[RowIssue]:
    """The checks of one row that need more than one field (or the date); the workflow checks
    the rest when it decides the row's commands, under the rule profile of the row's region
    (R-TERM: the term's length among them)."""
    issues: list[RowIssue] = []

    def bad(column: str, reason: str, rule: str | None) -> None:
        issues.append(RowIssue(line, row.org_id, column, reason, rule))

    if row.level not in GRASSROOTS_LEVELS:
        for col in (*UNIT_COLUMNS, *TERM_COLUMNS):
            if _given(row, col):
                bad(col, f"a {row.level} organisation has no unit facts and no term: leave {col} empty", "ORG-LEVEL")
                break
        return issues
    for col in UNIT_COLUMNS:
        if getattr(row, col) is None:
            bad(col, f"a {row.level} union needs its unit facts: {col} is empty", "R-FORM-25")
    if row.members is not None and row.female_members is not None and row.female_members > row.members:
        bad("female_members", f"{row.female_members} female members but only {row.members} members", "UNIT-COUNTS")
    if row.members is not None and row.employees is not None and row.members > row.employees:
        bad("members", f"{row.members} members but only {row.employees} employees", "UNIT-COUNTS")
    _term_rules(row, bad)
    _date_rules(row, bad, today, on)
    return issues


def _term_rules(row: ImportRow, bad: Bad) -> None:
    """R-TERM: the term's start and length go together, and every other fact of the registry
    describes the union in its current term, so it comes with the term."""
    if row.term_start is None and row.term_years is not None:
        bad("term_start", "term_years is given without term_start", "R-TERM")
    if row.term_start is not None and row.term_years is None:
        bad("term_years", "term_start is given without term_years", "R-TERM")
    if row.term_start is None:
        for col in TERM_COLUMNS[2:]:
            if _given(row, col):
                bad(col, f"{col} is given without the term (term_start, term_years)", "R-TERM")


def _date_rules(row: ImportRow, bad: Bad, today: dt.date, on: dt.date) -> None:
    """DATE-FUTURE and DATE-ORDER: what the registry records has happened, by the import's date."""
    for col in _PAST_DATES:
        day = getattr(row, col)
        if day is None:
            continue
        if day > today:
            bad(col, f"{day} is in the future (today is {today})", "DATE-FUTURE")
        elif day > on:
            bad(col, f"{day} is after the import's date {on}", "DATE-ORDER")


def field_issues(exc: ValidationError, line: int, values: dict[str, str]) -> list[RowIssue]:
    """A row whose fields did not validate: one issue per field, with the text it had."""
    out = []
    for e in exc.errors():
        column = str(e["loc"][0]) if e["loc"] else "row"
        given = values.get(column)
        shown = f" (got {given!r})" if given not in (None, "") else ""
        out.append(RowIssue(line, (values.get("org_id") or "").strip() or None, column, f"{e['msg']}{shown}"))
    return out
