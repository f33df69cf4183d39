"""Bringing an existing registry of unions in from CSV (`unionflow import`).

The file
--------
UTF-8 (a byte-order mark is allowed), comma-separated, with a header row naming the columns; a
column may be left out of the header when no row uses it, and a column the importer does not know
is refused. One organisation per row:

==================  =========================================================================
column              meaning
==================  =========================================================================
org_id              the organisation's id (letters, digits, ``.``, ``_``, ``-``; unique)
name                its name
level               national, province, city, county, township, grassroots, federation, joint
parent_id           its direct higher-level union: in the database or anywhere in the file
                    (rows may come in any order); empty only for the root (national)
unit_name           the employing unit (grassroots, federation, joint only)
unit_type           enterprise, public_institution, government, social_organisation, other
employees           employees of the unit (integer >= 0)
members             union members (<= employees)
female_members      female members (<= members)
has_party_org       true/false (also 1/0, yes/no, 是/否): the unit has a Party organisation
term_start          the current term's start (the congress date), YYYY-MM-DD, not in the future
term_years          its length in years: one the rule profile allows (R-TERM; 3 or 5 nationally)
chair               the chair elected for that term (optional)
==================  =========================================================================

Tree rows (national, province, city, county, township) have no unit and no term. Grassroots-level
rows (grassroots, federation, joint) need the six unit columns, because the workflow requires a
grassroots-level body's unit facts (R-FORM-25); their term is optional (a union not founded yet has
none), but ``term_start`` and ``term_years`` go together.

How it is checked
-----------------
Every row is checked before anything is written, and every bad row is reported with its line, the
column and the reason (the rule ID where a rule is the reason): the row's own fields (a pydantic
model), then the rows together (duplicate ids, parents in the file or the database, which level may
sit below which: R-APPROVER as `workflow.organisations.PARENT_LEVELS` says, cycles), then the
workflow itself decides every command without writing (`WorkflowService.execute_many(dry_run=True)`:
the administrator's authority over each row's place, R-FORM-25, R-TERM, dates, a term already
there). A row whose parent is invalid is reported as skipped, with that reason.

How it is written
-----------------
Each row becomes a `RegisterOrganisation` command, and its term an `ImportExistingTerm` command,
through the workflow, so the read models (and the alerts: the imported deadlines) are updated in the
same transactions (read-your-writes). Rows are written parents first, in batches of whole rows,
each batch one transaction decided against in-memory state (`execute_many`): a few thousand events
per commit instead of one.

Atomicity: resumable, not one transaction. A failure while writing leaves the batches committed
before it (each complete: a union and its term are always in the same batch) and is reported with
the rows written so far; running the same import again resumes, because a row already in the
database with the same facts (and the same term) is recognised and skipped, while one with
different facts is refused (ORG-EXISTS). Why not one transaction: every append holds the log's lock
(events/store.py) until commit, so a 100,000-row import in one transaction would stop every other
command for its whole duration (on SQLite they give up after 30 s with "store busy"), and its events
and read-model rows would all be held at once. Every event of one import carries the same
correlation id (``import-`` and the start of the file's SHA-256), so an auditor finds them together.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from api.runtime import Runtime
from events.catalogue import OrgLevel, UnitFacts, UnitType
from workflow import commands as c
from workflow.authority import Actor
from workflow.organisations import GRASSROOTS_LEVELS, PARENT_LEVELS
from workflow.service import BatchRefusal
from workflow.state import UnionState

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

# Rows per write transaction (each row: one or two commands, one or two events).
DEFAULT_BATCH_ROWS = 2000
# Rows per dry-run batch of the workflow's decisions (memory: the states of one batch, plus the
# organisations that still have children to come).
_DRY_RUN_ROWS = 5000

ProgressFn = Callable[[str, int, int], None]  # (phase, done, total)

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


class ImportInterrupted(Exception):
    """Writing stopped part-way: the batches before it are committed; running the same import
    again resumes (what was written is recognised and skipped)."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class _Row:
    line: int
    data: ImportRow
    register: bool = True  # False: already in the database with the same facts
    import_term: bool = False  # True: the term still has to be imported


@dataclass
class ImportPlan:
    """The file checked: what would be written, in writing order, and every problem found."""

    source: str
    digest: str
    actor: Actor
    on: dt.date
    rows_total: int = 0
    rows: list[_Row] = field(default_factory=list)  # valid, parents first
    errors: list[RowIssue] = field(default_factory=list)
    skipped: list[RowIssue] = field(default_factory=list)  # valid themselves, but an ancestor is not
    already_imported: int = 0  # rows whose organisation and term are already in the database
    checked_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.skipped

    @property
    def correlation_id(self) -> str:
        return f"import-{self.digest[:16]}"

    @property
    def commands(self) -> int:
        return sum(int(r.register) + int(r.import_term) for r in self.rows)


@dataclass
class ImportReport:
    plan: ImportPlan
    rows_written: int = 0
    events_written: int = 0
    batches: int = 0
    write_seconds: float = 0.0
    last_line_written: int | None = None


# --------------------------------------------------------------------------- reading the file


def _open_text(source: str | Path | BinaryIO) -> tuple[str, bytes]:
    if isinstance(source, str | Path):
        raw = Path(source).read_bytes()
        name = str(source)
    else:
        raw = source.read()
        name = getattr(source, "name", "<stream>")
    return name, raw


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(f"the file is not UTF-8: invalid byte at line {line} (save it as UTF-8 CSV)") from exc
    return text.removeprefix(codecs.BOM_UTF8.decode())


def _records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
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


# --------------------------------------------------------------------------- checking


def _row_rules(row: ImportRow, line: int, allowed_years: frozenset[int], today: dt.date, on: dt.date) -> list[RowIssue]:
    """The checks of one row that need more than one field (or the rule profile, or the date)."""
    issues: list[RowIssue] = []

    def bad(column: str, reason: str, rule: str | None) -> None:
        issues.append(RowIssue(line, row.org_id, column, reason, rule))

    grassroots = row.level in GRASSROOTS_LEVELS
    if not grassroots:
        for col in (*UNIT_COLUMNS, *TERM_COLUMNS):
            if getattr(row, col) is not None:
                bad(
                    col,
                    f"a {row.level} organisation has no unit facts and no term: leave {col} empty",
                    "ORG-LEVEL",
                )
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
        bad(
            "term_years",
            f"a term of {row.term_years} years is not allowed; allowed: "
            f"{', '.join(map(str, sorted(allowed_years)))} years",
            "R-TERM",
        )
    if row.term_start is not None:
        if row.term_start > today:
            bad("term_start", f"{row.term_start} is in the future (today is {today})", "DATE-FUTURE")
        elif row.term_start > on:
            bad("term_start", f"{row.term_start} is after the import's date {on}", "DATE-ORDER")
    return issues


def _field_issues(exc: ValidationError, line: int, values: dict[str, str]) -> list[RowIssue]:
    out = []
    for e in exc.errors():
        column = str(e["loc"][0]) if e["loc"] else "row"
        given = values.get(column)
        shown = f" (got {given!r})" if given not in (None, "") else ""
        out.append(RowIssue(line, (values.get("org_id") or "").strip() or None, column, f"{e['msg']}{shown}"))
    return out


# Which column a workflow refusal points at, by command and rule.
_REGISTER_COLUMNS = {
    "R-APPROVER": "level",
    "ORG-PARENT": "parent_id",
    "ORG-EXISTS": "org_id",
    "R-FORM-25": "unit_name",
    "DATE-FUTURE": "org_id",
}
_TERM_COLUMNS = {"R-TERM": "term_years", "ORG-LEVEL": "level", "AUTH-ORG": "org_id", "AUTH-ROLE": "org_id"}


def _refusal_issue(row: _Row, kind: str, refusal: BatchRefusal) -> RowIssue:
    err = refusal.error
    if kind == "register":
        column = _REGISTER_COLUMNS.get(err.rule_id, "org_id")
    else:
        column = _TERM_COLUMNS.get(err.rule_id, "term_start")
    return RowIssue(row.line, row.data.org_id, column, err.message, err.rule_id)


def _root_of_tree(rt: Runtime) -> str | None:
    """The organisation registered first, when it is a root (no parent): the tree's root."""
    for r in rt.store.read_all(0, page_size=1):
        parent = getattr(r.event, "parent_id", "?")
        return r.stream_id.removeprefix("org-") if parent is None else None
    return None


def default_actor_org(rt: Runtime, source: str | Path | BinaryIO) -> str | None:
    """`--org` when not given: the tree's root in the database, else the root row of the file."""
    root = _root_of_tree(rt)
    if root is not None:
        return root
    _, raw = _open_text(source)
    for _, values in _records(_decode(raw)):
        if (values.get("parent_id") or "").strip() == "" and (values.get("org_id") or "").strip():
            return values["org_id"].strip()
    return None


def _same_facts(state: UnionState, row: ImportRow) -> bool:
    return (
        state.name == row.name
        and state.level == row.level
        and state.parent_id == row.parent_id
        and state.unit == row.unit()
    )


def plan_import(
    rt: Runtime,
    source: str | Path | BinaryIO,
    actor: Actor,
    *,
    on: dt.date | None = None,
    progress: ProgressFn | None = None,
) -> ImportPlan:
    """Read and check the whole file; write nothing. Raises ImportFileError when the file as a
    whole is unreadable; every row's problems are in the plan."""
    started = time.perf_counter()
    service = rt.service
    today = service.clock()
    on = on or today
    name, raw = _open_text(source)
    plan = ImportPlan(source=name, digest=hashlib.sha256(raw).hexdigest(), actor=actor, on=on)
    text = _decode(raw)
    del raw
    allowed_years = service.profiles.latest(service.default_profile).term_years_allowed

    # 1. Each row by itself.
    rows: list[_Row] = []
    unreadable: dict[str, int] = {}  # org_id -> line of rows whose fields did not validate
    for line, values in _records(text):
        plan.rows_total += 1
        if "__width__" in values:
            plan.errors.append(RowIssue(line, None, "row", f"wrong number of fields: {values['__width__']}"))
            continue
        try:
            data = ImportRow.model_validate(values)
        except ValidationError as exc:
            plan.errors.extend(_field_issues(exc, line, values))
            unreadable.setdefault((values.get("org_id") or "").strip(), line)
            continue
        issues = _row_rules(data, line, allowed_years, today, on)
        if issues:
            plan.errors.extend(issues)
            # Still placed in the tree (below), so its children are reported as skipped, not orphaned.
        rows.append(_Row(line, data))
        if issues:
            rows[-1].register = False
    del text
    bad_lines = {i.line for i in plan.errors}
    if progress:
        progress("reading", plan.rows_total, plan.rows_total)

    # 2. The rows together: duplicates, parents (in the file or the database), levels, cycles.
    by_id: dict[str, _Row] = {}
    for row in rows:
        first = by_id.get(row.data.org_id)
        if first is not None:
            plan.errors.append(
                RowIssue(
                    row.line,
                    row.data.org_id,
                    "org_id",
                    f"{row.data.org_id} is already on line {first.line}",
                    "ORG-DUPLICATE",
                )
            )
            bad_lines.add(row.line)
            continue
        by_id[row.data.org_id] = row
    rows = [r for r in rows if by_id.get(r.data.org_id) is r]
    outside = {r.data.parent_id for r in rows if r.data.parent_id and r.data.parent_id not in by_id}
    stored = rt.store.stream_versions([f"org-{i}" for i in [*by_id, *outside]])
    db_states: dict[str, UnionState] = {}
    for org_id in outside:
        if f"org-{org_id}" in stored:
            db_states[org_id] = service.load(org_id)

    def level_of(org_id: str) -> str | None:
        if org_id in by_id:
            return by_id[org_id].data.level
        state = db_states.get(org_id)
        return state.level if state is not None else None

    for row in rows:
        d = row.data
        if row.line in bad_lines:
            continue
        if d.parent_id is not None and d.parent_id not in by_id and d.parent_id in unreadable:
            plan.skipped.append(
                RowIssue(
                    row.line,
                    d.org_id,
                    "parent_id",
                    f"skipped: its higher-level union {d.parent_id} (line {unreadable[d.parent_id]}) is invalid",
                    "ORG-PARENT",
                )
            )
            bad_lines.add(row.line)
            continue
        if d.parent_id is not None and d.parent_id not in by_id and d.parent_id not in db_states:
            plan.errors.append(
                RowIssue(
                    row.line,
                    d.org_id,
                    "parent_id",
                    f"parent organisation {d.parent_id} is neither in the database nor in the file",
                    "ORG-PARENT",
                )
            )
            bad_lines.add(row.line)
            continue
        parent_level = level_of(d.parent_id) if d.parent_id is not None else None
        if parent_level not in PARENT_LEVELS[d.level]:
            allowed = ", ".join(sorted(x or "none (the root)" for x in PARENT_LEVELS[d.level]))
            below = "nothing" if d.parent_id is None else f"a {parent_level} organisation ({d.parent_id})"
            plan.errors.append(
                RowIssue(
                    row.line,
                    d.org_id,
                    "level",
                    f"a {d.level} organisation cannot sit directly below {below}; allowed parents: {allowed}",
                    "R-APPROVER",
                )
            )
            bad_lines.add(row.line)

    # Depth in the file (0: parent in the database or none), which also finds cycles.
    depth: dict[str, int] = {}
    for row in rows:
        chain: list[str] = []
        walk: str | None = row.data.org_id
        while walk is not None and walk in by_id and walk not in depth:
            if walk in chain:
                cycle = chain[chain.index(walk) :]
                for member in cycle:
                    r = by_id[member]
                    if r.line not in bad_lines:
                        plan.errors.append(
                            RowIssue(
                                r.line,
                                member,
                                "parent_id",
                                f"the parents form a cycle: {' -> '.join([*cycle, walk])}",
                                "ORG-PARENT",
                            )
                        )
                        bad_lines.add(r.line)
                    depth[member] = 0
                break
            chain.append(walk)
            walk = by_id[walk].data.parent_id
        base = depth.get(walk, -1) if walk is not None and walk in by_id else -1
        for i, member in enumerate(reversed(chain)):
            depth.setdefault(member, base + 1 + i)

    # Rows already in the database: the same facts are an earlier run of this import (skip them);
    # different facts are a conflict.
    for row in rows:
        d = row.data
        if row.line in bad_lines:
            continue
        if f"org-{d.org_id}" not in stored:
            row.register = True
            row.import_term = d.has_term
            continue
        state = service.load(d.org_id)
        if not _same_facts(state, d):
            plan.errors.append(
                RowIssue(
                    row.line,
                    d.org_id,
                    "org_id",
                    f"organisation {d.org_id} is already registered with other facts "
                    f"({state.name}, {state.level}, below {state.parent_id})",
                    "ORG-EXISTS",
                )
            )
            bad_lines.add(row.line)
            continue
        row.register = False
        same_term = (
            state.term is not None
            and state.term.start == d.term_start
            and state.term.years == d.term_years
            and state.chair == d.chair
        )
        row.import_term = d.has_term and not same_term
        if not row.import_term:
            plan.already_imported += 1

    # 3. The workflow decides every command, writing nothing (parents first).
    ordered = sorted((r for r in rows if r.line not in bad_lines), key=lambda r: (depth[r.data.org_id], r.line))
    children: dict[str, int] = {}
    for r in ordered:
        if r.data.parent_id is not None:
            children[r.data.parent_id] = children.get(r.data.parent_id, 0) + 1
    states: dict[str, UnionState] = {}
    refused: dict[int, RowIssue] = {}
    for start in range(0, len(ordered), _DRY_RUN_ROWS):
        batch = ordered[start : start + _DRY_RUN_ROWS]
        cmds, owners = _commands(batch, on)
        outcome = service.execute_many(cmds, actor, dry_run=True, states=states)
        for refusal in outcome.refusals:
            row, kind = owners[refusal.index]
            refused.setdefault(row.line, _refusal_issue(row, kind, refusal))
        for r in batch:
            # Nothing later in the file refers to a union without children: free its state.
            if r.data.org_id not in children:
                states.pop(r.data.org_id, None)
        if progress:
            progress("checking", min(start + _DRY_RUN_ROWS, len(ordered)), len(ordered))

    # A row below an invalid row cannot be written: skipped (its own refusal, "no such parent", is
    # a consequence, not a second problem). Parents come first in `ordered`, so one pass does.
    invalid_ids = {r.data.org_id for r in rows if r.line in bad_lines and by_id.get(r.data.org_id) is r}
    valid: list[_Row] = []
    for r in ordered:
        own = refused.get(r.line)
        parent = r.data.parent_id
        if parent is not None and parent in invalid_ids:
            if own is not None and own.rule not in ("ORG-PARENT", "NOT-FOUND"):
                plan.errors.append(own)
            plan.skipped.append(
                RowIssue(
                    r.line,
                    r.data.org_id,
                    "parent_id",
                    f"skipped: its higher-level union {parent} (line {by_id[parent].line}) is invalid or skipped",
                    "ORG-PARENT",
                )
            )
            invalid_ids.add(r.data.org_id)
        elif own is not None:
            plan.errors.append(own)
            invalid_ids.add(r.data.org_id)
        elif r.register or r.import_term:
            valid.append(r)
    plan.rows = valid
    plan.errors.sort(key=lambda i: (i.line, COLUMNS.index(i.column) if i.column in COLUMNS else -1))
    plan.skipped.sort(key=lambda i: i.line)
    plan.checked_seconds = time.perf_counter() - started
    return plan


def _commands(rows: Sequence[_Row], on: dt.date) -> tuple[list[c.Command], list[tuple[_Row, str]]]:
    cmds: list[c.Command] = []
    owners: list[tuple[_Row, str]] = []
    for r in rows:
        d = r.data
        if r.register:
            cmds.append(
                c.RegisterOrganisation(
                    org_id=d.org_id, name=d.name, level=d.level, parent_id=d.parent_id, unit=d.unit(), occurred_on=on
                )
            )
            owners.append((r, "register"))
        if r.import_term:
            assert d.term_start is not None and d.term_years is not None
            cmds.append(
                c.ImportExistingTerm(
                    union_id=d.org_id,
                    occurred_on=on,
                    term_start=d.term_start,
                    term_years=d.term_years,
                    chair=d.chair,
                    source="import",
                )
            )
            owners.append((r, "term"))
    return cmds, owners


# --------------------------------------------------------------------------- writing


def write_import(
    rt: Runtime,
    plan: ImportPlan,
    *,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Write the plan's valid rows, parents first, `batch_rows` rows per transaction. Raises
    ImportInterrupted (with what was written) if a batch fails; nothing of that batch is written."""
    report = ImportReport(plan)
    started = time.perf_counter()
    total = len(plan.rows)
    for start in range(0, total, batch_rows):
        batch = plan.rows[start : start + batch_rows]
        cmds, owners = _commands(batch, plan.on)
        try:
            outcome = rt.service.execute_many(cmds, plan.actor, correlation_id=plan.correlation_id)
        except Exception as exc:
            report.write_seconds = time.perf_counter() - started
            raise ImportInterrupted(_interrupted(report, f"{exc.__class__.__name__}: {exc}"), report) from exc
        if outcome.refusals:
            first = outcome.refusals[0]
            row, kind = owners[first.index]
            issue = _refusal_issue(row, kind, first)
            report.write_seconds = time.perf_counter() - started
            raise ImportInterrupted(
                _interrupted(report, f"the database changed since the check: {issue}"),
                report,
            )
        report.batches += 1
        report.rows_written += len(batch)
        report.events_written += sum(len(r.events) for r in outcome.results)
        report.last_line_written = batch[-1].line
        if progress:
            progress("writing", report.rows_written, total)
    report.write_seconds = time.perf_counter() - started
    return report


def _interrupted(report: ImportReport, why: str) -> str:
    done = report.rows_written
    total = len(report.plan.rows)
    return (
        f"the import stopped after writing {done} of {total} rows ({report.batches} complete batches; "
        f"a union and its term are always written together): {why}. Run the same import again to "
        "resume: rows already written are recognised and skipped"
    )
