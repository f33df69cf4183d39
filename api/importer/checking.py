"""Checking the whole file before anything is written (`plan_import`): each row by itself, then the
rows together (duplicates, parents in the file or the database, levels, cycles, rows already
imported), then the workflow's own decision on every command without writing."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError

from api.importer.collector import collector_paused
from api.importer.commands import term_command
from api.importer.plan import ImportPlan, PlannedRow
from api.importer.reading import open_source, records
from api.importer.rows import COLUMNS, ImportRow, RowIssue, field_issues, row_rules, row_values
from api.importer.writing import ProgressFn, command_issues, refusal_issue, row_commands
from api.runtime import Runtime
from events.catalogue import ExistingTermImported, org_stream
from workflow.authority import Actor
from workflow.organisations import PARENT_LEVELS
from workflow.state import UnionState

# Rows per dry-run batch of the workflow's decisions (memory: the states of one batch, plus the
# organisations that still have children to come).
_DRY_RUN_ROWS = 5000
# Rows whose decisions the plan keeps for the write (their events, about 5 KB a row): the write
# appends them as decided; later rows (a larger file) are decided again as they are written.
KEEP_DECIDED_ROWS = 200_000


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
    _, raw = open_source(source)
    for _, values in records(raw):
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
    name, raw = open_source(source)
    plan = ImportPlan(source=name, digest=hashlib.sha256(raw).hexdigest(), actor=actor, on=on)
    check = _Check(rt, plan)
    with collector_paused():
        # 1. Each row by itself.
        check.read(raw, today)
        del raw
        if progress:
            progress("reading", plan.rows_total, plan.rows_total)
        # 2. The rows together: duplicates, parents (in the file or the database), levels, cycles.
        check.drop_duplicates()
        check.check_parents()
        check.place_in_tree()
        check.match_database()
        # 3. The workflow decides every command, writing nothing (parents first).
        check.select_valid(check.decide(progress))
    plan.errors.sort(key=lambda i: (i.line, COLUMNS.index(i.column) if i.column in COLUMNS else -1))
    plan.skipped.sort(key=lambda i: i.line)
    plan.checked_seconds = time.perf_counter() - started
    return plan


class _Check:
    """One check of a file, stage by stage; `bad_lines` grows as rows are found invalid."""

    def __init__(self, rt: Runtime, plan: ImportPlan) -> None:
        self.rt = rt
        self.plan = plan
        self.rows: list[PlannedRow] = []
        self.unreadable: dict[str, int] = {}  # org_id -> line of rows whose fields did not validate
        self.bad_lines: set[int] = set()
        self.by_id: dict[str, PlannedRow] = {}
        self.stored: dict[str, int] = {}  # the rows' streams (and their parents') in the database
        self.db_states: dict[str, UnionState] = {}  # parents in the database, not in the file
        self.depth: dict[str, int] = {}  # in the file (0: parent in the database or none)
        # Where in the tree: the ids from the parent outside the file down to the row, "/"-joined
        self.place: dict[str, str] = {}
        self.ordered: list[PlannedRow] = []

    def read(self, raw: bytes, today: dt.date) -> None:
        plan = self.plan
        for line, values in records(raw):
            plan.rows_total += 1
            if "__width__" in values:
                plan.errors.append(RowIssue(line, None, "row", f"wrong number of fields: {values['__width__']}"))
                continue
            try:
                data = ImportRow.model_validate(row_values(values))
            except ValidationError as exc:
                plan.errors.extend(field_issues(exc, line, values))
                self.unreadable.setdefault((values.get("org_id") or "").strip(), line)
                continue
            row = PlannedRow(line, data)
            issues = row_rules(data, line, today, plan.on) or command_issues(row, plan.on)
            # Still placed in the tree (below), so its children are reported as skipped, not orphaned.
            plan.errors.extend(issues)
            row.register = not issues
            self.rows.append(row)
        self.bad_lines = {i.line for i in plan.errors}

    def drop_duplicates(self) -> None:
        """The first row of an id counts; later ones are errors. Then the parents outside the file."""
        for row in self.rows:
            first = self.by_id.get(row.data.org_id)
            if first is not None:
                reason = f"{row.data.org_id} is already on line {first.line}"
                self.plan.errors.append(RowIssue(row.line, row.data.org_id, "org_id", reason, "ORG-DUPLICATE"))
                self.bad_lines.add(row.line)
                continue
            self.by_id[row.data.org_id] = row
        self.rows = [r for r in self.rows if self.by_id.get(r.data.org_id) is r]
        outside = {r.data.parent_id for r in self.rows if r.data.parent_id and r.data.parent_id not in self.by_id}
        self.stored = self.rt.store.stream_versions([f"org-{i}" for i in [*self.by_id, *outside]])
        for org_id in outside:
            if f"org-{org_id}" in self.stored:
                self.db_states[org_id] = self.rt.service.load(org_id)

    def _level_of(self, org_id: str) -> str | None:
        if org_id in self.by_id:
            return self.by_id[org_id].data.level
        state = self.db_states.get(org_id)
        return state.level if state is not None else None

    def check_parents(self) -> None:
        for row in self.rows:
            if row.line in self.bad_lines:
                continue
            problem = self._parent_problem(row.line, row.data)
            if problem is not None:
                issue, skipped = problem
                (self.plan.skipped if skipped else self.plan.errors).append(issue)
                self.bad_lines.add(row.line)

    def _parent_problem(self, line: int, d: ImportRow) -> tuple[RowIssue, bool] | None:
        """What is wrong with the row's parent, and whether the row is only skipped because of it."""
        in_file = d.parent_id is not None and d.parent_id in self.by_id
        if d.parent_id is not None and not in_file and d.parent_id in self.unreadable:
            reason = f"skipped: its higher-level union {d.parent_id} (line {self.unreadable[d.parent_id]}) is invalid"
            return RowIssue(line, d.org_id, "parent_id", reason, "ORG-PARENT"), True
        if d.parent_id is not None and not in_file and d.parent_id not in self.db_states:
            reason = f"parent organisation {d.parent_id} is neither in the database nor in the file"
            return RowIssue(line, d.org_id, "parent_id", reason, "ORG-PARENT"), False
        parent_level = self._level_of(d.parent_id) if d.parent_id is not None else None
        if parent_level in PARENT_LEVELS[d.level]:
            return None
        allowed = ", ".join(sorted(x or "none (the root)" for x in PARENT_LEVELS[d.level]))
        below = "nothing" if d.parent_id is None else f"a {parent_level} organisation ({d.parent_id})"
        reason = f"a {d.level} organisation cannot sit directly below {below}; allowed parents: {allowed}"
        return RowIssue(line, d.org_id, "level", reason, "R-APPROVER"), False

    def place_in_tree(self) -> None:
        """Each row's depth in the file (0: parent in the database or none) and place in the tree,
        which also finds cycles."""
        by_id, depth, place = self.by_id, self.depth, self.place
        for row in self.rows:
            chain: list[str] = []
            walk: str | None = row.data.org_id
            while walk is not None and walk in by_id and walk not in depth:
                if walk in chain:
                    self._cycle(chain[chain.index(walk) :], walk)
                    break
                chain.append(walk)
                walk = by_id[walk].data.parent_id
            if walk is not None and walk in by_id:
                base, above = depth.get(walk, -1), place.get(walk, "")
            else:
                base, above = -1, f"{walk or ''}/"
            for i, member in enumerate(reversed(chain)):
                depth.setdefault(member, base + 1 + i)
                above = place.setdefault(member, f"{above}{member}/")

    def _cycle(self, cycle: list[str], back_to: str) -> None:
        for member in cycle:
            r = self.by_id[member]
            if r.line not in self.bad_lines:
                reason = f"the parents form a cycle: {' -> '.join([*cycle, back_to])}"
                self.plan.errors.append(RowIssue(r.line, member, "parent_id", reason, "ORG-PARENT"))
                self.bad_lines.add(r.line)
            self.depth[member] = 0

    def match_database(self) -> None:
        """Rows already in the database: the same facts are an earlier run of this import (skip
        them); different facts are a conflict."""
        for row in self.rows:
            d = row.data
            if row.line in self.bad_lines:
                continue
            if f"org-{d.org_id}" not in self.stored:
                row.register = True
                row.import_term = d.has_term
                continue
            state = self.rt.service.load(d.org_id)
            if not _same_facts(state, d):
                reason = (
                    f"organisation {d.org_id} is already registered with other facts "
                    f"({state.name}, {state.level}, below {state.parent_id})"
                )
                self.plan.errors.append(RowIssue(row.line, d.org_id, "org_id", reason, "ORG-EXISTS"))
                self.bad_lines.add(row.line)
                continue
            row.register = False
            row.import_term = d.has_term and not self._same_term(d)
            if not row.import_term:
                self.plan.already_imported += 1

    def _same_term(self, d: ImportRow) -> bool:
        """The union's imported term is this row's, every fact alike: an earlier run of this
        import. Another term, or other facts, is left to the workflow to refuse (TERM-EXISTS)."""
        stream = self.rt.store.read_stream(org_stream(d.org_id))
        imported = next((r.event for r in stream if isinstance(r.event, ExistingTermImported)), None)
        if imported is None:
            return False
        facts = term_command(d, self.plan.on).model_dump(exclude={"union_id", "occurred_on", "source"})
        if facts["committee_size"] is None:
            del facts["committee_size"]  # the event counts the names given
        return all(getattr(imported, k) == v for k, v in facts.items())

    def decide(self, progress: ProgressFn | None) -> dict[int, RowIssue]:
        """The workflow's decision on every command of the rows still valid, parents first, in
        dry-run batches; returns the first refusal of each row, by line.

        The rows of one depth go in tree order, as they are written: the read models keep a
        union's rows by its path, so a write batch of neighbours in the tree changes a few
        neighbouring pages of those tables, where a batch in the file's order (any order) would
        change pages all over them, and write each of them again at every batch."""
        self.ordered = sorted(
            (r for r in self.rows if r.line not in self.bad_lines),
            key=lambda r: (self.depth[r.data.org_id], self.place[r.data.org_id]),
        )
        ordered = self.ordered
        children: dict[str, int] = {}
        for r in ordered:
            if r.data.parent_id is not None:
                children[r.data.parent_id] = children.get(r.data.parent_id, 0) + 1
        states: dict[str, UnionState] = {}
        refused: dict[int, RowIssue] = {}
        for start in range(0, len(ordered), _DRY_RUN_ROWS):
            batch = ordered[start : start + _DRY_RUN_ROWS]
            self._start_new(batch, states)
            cmds, owners = row_commands(batch, self.plan.on)
            outcome = self.rt.service.execute_many(
                cmds, self.plan.actor, dry_run=True, states=states, correlation_id=self.plan.correlation_id
            )
            for refusal in outcome.refusals:
                row, kind = owners[refusal.index]
                refused.setdefault(row.line, refusal_issue(row, kind, refusal))
            # What each row would append, kept for the write (only a row with no refusal is written),
            # up to a bound on memory; the rows beyond it are decided again as they are written.
            if start < KEEP_DECIDED_ROWS:
                for index, part in outcome.decided:
                    owners[index][0].parts.append(part)
            for org_id, version in outcome.read.items():
                self.plan.read_versions.setdefault(org_id, version)
            for r in batch:
                # Decided: the commands are kept as their events (a write that must decide again
                # builds them anew).
                r.commands = {}
                # Nothing later in the file refers to a union without children: free its state.
                if r.data.org_id not in children:
                    states.pop(r.data.org_id, None)
            if progress:
                progress("checking", min(start + _DRY_RUN_ROWS, len(ordered)), len(ordered))
        return refused

    def _start_new(self, batch: list[PlannedRow], states: dict[str, UnionState]) -> None:
        """The rows whose stream the database did not have when the ids were looked up (all of
        them, read once, `drop_duplicates`) start empty, as the batch's decisions would start
        them after asking the database again (`workflow.batch`); a stream written since fails the
        write's append (expected version 0)."""
        for r in batch:
            org_id = r.data.org_id
            if org_stream(org_id) not in self.stored and org_id not in states:
                states[org_id] = UnionState(org_id=org_id)

    def select_valid(self, refused: dict[int, RowIssue]) -> None:
        """A row below an invalid row cannot be written: skipped (its own refusal, "no such
        parent", is a consequence, not a second problem). Parents come first in `ordered`, so one
        pass does."""
        plan, by_id = self.plan, self.by_id
        invalid_ids = {r.data.org_id for r in self.rows if r.line in self.bad_lines and by_id.get(r.data.org_id) is r}
        for r in self.ordered:
            own = refused.get(r.line)
            parent = r.data.parent_id
            if parent is not None and parent in invalid_ids:
                if own is not None and own.rule not in ("ORG-PARENT", "NOT-FOUND"):
                    plan.errors.append(own)
                reason = f"skipped: its higher-level union {parent} (line {by_id[parent].line}) is invalid or skipped"
                plan.skipped.append(RowIssue(r.line, r.data.org_id, "parent_id", reason, "ORG-PARENT"))
                invalid_ids.add(r.data.org_id)
            elif own is not None:
                plan.errors.append(own)
                invalid_ids.add(r.data.org_id)
            elif r.register or r.import_term:
                plan.rows.append(r)
