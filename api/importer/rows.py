"""Reading the file: its columns, each row's fields as a pydantic model, the checks of one row
that need more than one field, and what is wrong with a row (`RowIssue`)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from events.catalogue import OrgLevel, UnitFacts, UnitType
from workflow.organisations import GRASSROOTS_LEVELS

COLUMNS = (
    "org_id",
    "name",
    "level",
    "parent_id",
    "unit_name",
    "unit_type",
    "employees",
    "members",
    "female_members",
    "has_party_org",
    "term_start",
    "term_years",
    "chair",
)
REQUIRED_COLUMNS = ("org_id", "name", "level", "parent_id")
UNIT_COLUMNS = ("unit_name", "unit_type", "employees", "members", "female_members", "has_party_org")
TERM_COLUMNS = ("term_start", "term_years", "chair")

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


Text = Annotated[str | None, BeforeValidator(_empty_is_none)]
Count = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(_empty_is_none)]


class ImportRow(BaseModel):
    """One row of the file, its fields checked one by one (the rows together are checked later)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org_id: Annotated[
        str,
        BeforeValidator(_empty_is_none),
        Field(min_length=1, max_length=120, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
    ]
    name: Annotated[str, BeforeValidator(_empty_is_none), Field(min_length=1)]
    level: Annotated[OrgLevel, BeforeValidator(_empty_is_none)]
    parent_id: Text = None
    unit_name: Text = None
    unit_type: Annotated[UnitType | None, BeforeValidator(_empty_is_none)] = None
    employees: Count = None
    members: Count = None
    female_members: Count = None
    has_party_org: Annotated[bool | None, BeforeValidator(_empty_is_none), BeforeValidator(_yes_no)] = None
    term_start: Annotated[dt.date | None, BeforeValidator(_empty_is_none)] = None
    term_years: Annotated[int | None, BeforeValidator(_empty_is_none)] = None
    chair: Text = None

    @property
    def has_unit(self) -> bool:
        return any(getattr(self, col) is not None for col in UNIT_COLUMNS)

    @property
    def has_term(self) -> bool:
        return self.term_start is not None

    def unit(self) -> UnitFacts | None:
        if self.unit_name is None:
            return None
        return UnitFacts(
            unit_name=self.unit_name,
            unit_type=self.unit_type,
            employees=self.employees,
            members=self.members,
            female_members=self.female_members,
            has_party_org=self.has_party_org,
        )


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


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, header): nothing row by row to report."""


# --------------------------------------------------------------------------- reading the file


def open_source(source: str | Path | BinaryIO) -> tuple[str, bytes]:
    if isinstance(source, str | Path):
        raw = Path(source).read_bytes()
        name = str(source)
    else:
        raw = source.read()
        name = getattr(source, "name", "<stream>")
    return name, raw


def decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"the file is not UTF-8: invalid byte at line {line} (save it as UTF-8 CSV)") from exc
    return text.removeprefix(codecs.BOM_UTF8.decode())


def _header(reader: Any) -> list[str]:
    """The column names of the header row, refused when unknown, missing or named twice."""
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty: expected a header row naming the columns") from None
    except csv.Error as exc:
        raise ImportFileError(f"line 1: not valid CSV: {exc}") from exc
    names = [h.strip() for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise ImportFileError(
            f"line 1: unknown column(s) {', '.join(map(repr, unknown))}; the columns are {', '.join(COLUMNS)}"
        )
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise ImportFileError(f"line 1: missing column(s) {', '.join(missing)}; the columns are {', '.join(COLUMNS)}")
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ImportFileError(f"line 1: column(s) named twice: {', '.join(duplicated)}")
    return names


def records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank row with its line number, as column -> text; a row of the wrong width as
    {"__width__": why}."""
    reader = csv.reader(io.StringIO(text, newline=""))
    names = _header(reader)
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"line {reader.line_num}: not valid CSV: {exc}") from exc
        if not any(v.strip() for v in values):
            continue  # a blank line
        line = reader.line_num
        if len(values) != len(names):
            yield line, {"__width__": f"{len(values)} fields, the header has {len(names)}"}
            continue
        yield line, dict(zip(names, values, strict=True))


# --------------------------------------------------------------------------- one row's checks


def row_rules(row: ImportRow, line: int, allowed_years: frozenset[int], today: dt.date, on: dt.date) -> list[RowIssue]:
    """The checks of one row that need more than one field (or the rule profile, or the date)."""
    issues: list[RowIssue] = []

    def bad(column: str, reason: str, rule: str | None) -> None:
        issues.append(RowIssue(line, row.org_id, column, reason, rule))

    if row.level not in GRASSROOTS_LEVELS:
        for col in (*UNIT_COLUMNS, *TERM_COLUMNS):
            if getattr(row, col) is not None:
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
    if row.term_start is None and row.term_years is not None:
        bad("term_start", "term_years is given without term_start", "R-TERM")
    if row.term_start is not None and row.term_years is None:
        bad("term_years", "term_start is given without term_years", "R-TERM")
    if row.chair is not None and row.term_start is None:
        bad("chair", "a chair is given without the term (term_start, term_years)", "R-TERM")
    if row.term_years is not None and row.term_years not in allowed_years:
        allowed = ", ".join(map(str, sorted(allowed_years)))
        bad("term_years", f"a term of {row.term_years} years is not allowed; allowed: {allowed} years", "R-TERM")
    if row.term_start is not None:
        if row.term_start > today:
            bad("term_start", f"{row.term_start} is in the future (today is {today})", "DATE-FUTURE")
        elif row.term_start > on:
            bad("term_start", f"{row.term_start} is after the import's date {on}", "DATE-ORDER")
    return issues


def field_issues(exc: ValidationError, line: int, values: dict[str, str]) -> list[RowIssue]:
    """A row whose fields did not validate: one issue per field, with the text it had."""
    out = []
    for e in exc.errors():
        column = str(e["loc"][0]) if e["loc"] else "row"
        given = values.get(column)
        shown = f" (got {given!r})" if given not in (None, "") else ""
        out.append(RowIssue(line, (values.get("org_id") or "").strip() or None, column, f"{e['msg']}{shown}"))
    return out
