"""Writing a checked plan (`write_import`): its rows as commands, parents first (then in tree
order), a batch of whole rows per transaction; and the commands a batch of rows becomes (which the
check decides too)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import NoReturn

from pydantic import ValidationError

from api.importer.collector import collector_paused
from api.importer.commands import checked_commands, register_command, term_command
from api.importer.plan import ImportInterrupted, ImportPlan, ImportReport, PlannedRow
from api.importer.rows import COLUMNS, RowIssue, field_issues
from api.runtime import Runtime
from events import ConcurrencyError
from events.catalogue import org_stream
from workflow import commands as c
from workflow.service import BatchRefusal

# Rows per write transaction (each row: one or two commands, one or two events). A transaction's
# tallies are written once per key it touches (ancestor, day, figure: `projections.models.tallies`),
# and the registry's rows share those keys, so fewer, larger transactions write far fewer of them.
DEFAULT_BATCH_ROWS = 5000

ProgressFn = Callable[[str, int, int], None]  # (phase, done, total)

# Which column a workflow refusal points at, by command and rule.
_REGISTER_COLUMNS = {
    "R-APPROVER": "level",
    "ORG-PARENT": "parent_id",
    "ORG-EXISTS": "org_id",
    "R-FORM-25": "unit_name",
    "DATE-FUTURE": "org_id",
}
_TERM_COLUMNS = {"R-TERM": "term_years", "ORG-LEVEL": "level", "AUTH-ORG": "org_id", "AUTH-ROLE": "org_id"}


def refusal_issue(row: PlannedRow, kind: str, refusal: BatchRefusal) -> RowIssue:
    """The workflow's refusal of a row's command (`kind`: register or term), as an issue of the row:
    the column is the field the refusal names (the command's fields are the columns), else the
    one the rule is about."""
    err = refusal.error
    field = err.evidence.get("field")
    if isinstance(field, str) and field in COLUMNS:
        column = field
    elif kind == "register":
        column = _REGISTER_COLUMNS.get(err.rule_id, "org_id")
    else:
        column = _TERM_COLUMNS.get(err.rule_id, "term_start")
    return RowIssue(row.line, row.data.org_id, column, err.message, err.rule_id)


def row_commands(rows: Sequence[PlannedRow], on: dt.date) -> tuple[list[c.Command], list[tuple[PlannedRow, str]]]:
    """The commands of these rows (registering the organisation, importing its term), and for each
    command the row and kind it came from: those built when the row was read, else built now."""
    cmds: list[c.Command] = []
    owners: list[tuple[PlannedRow, str]] = []
    for r in rows:
        d = r.data
        if r.register:
            cmds.append(r.commands.get("register") or register_command(d, on))
            owners.append((r, "register"))
        if r.import_term:
            assert d.term_start is not None and d.term_years is not None
            cmds.append(r.commands.get("term") or term_command(d, on))
            owners.append((r, "term"))
    return cmds, owners


def command_issues(row: PlannedRow, on: dt.date) -> list[RowIssue]:
    """The row's commands built as the write builds them, and kept on the row: a field the row's
    own checks let pass but a command refuses (`workflow.bounds`) is reported on its column, never
    a traceback later."""
    d = row.data
    try:
        built = checked_commands(d, on)
    except ValidationError as exc:
        values = {f: "" if (v := getattr(d, f, None)) is None else str(v) for f in type(d).model_fields}
        return field_issues(exc, row.line, values)
    row.commands = built
    return []


def write_import(
    rt: Runtime,
    plan: ImportPlan,
    *,
    batch_rows: int | None = None,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """Write the plan's valid rows, parents first, `batch_rows` (default DEFAULT_BATCH_ROWS) rows
    per transaction. Raises ImportInterrupted (with what was written) if a batch fails; nothing of
    that batch is written.

    Each batch appends what the check decided for its rows (`ImportPlan.rows[].parts`) through the
    store's batched append, with the read models updated in the same transaction. Those decisions
    stand while every stream they read is as it was: a row's own stream is checked by the append
    (its expected version), the others (parents already in the database and their ancestors)
    here before each batch. Once one has moved on, the remaining batches are decided again on the
    database as it is, as `execute_many` decides any batch."""
    report = ImportReport(plan)
    started = time.perf_counter()
    total = len(plan.rows)
    targets = {r.data.org_id for r in plan.rows}
    others = {o: v for o, v in plan.read_versions.items() if o not in targets}
    decided = True
    with collector_paused():
        step = batch_rows or DEFAULT_BATCH_ROWS
        for start in range(0, total, step):
            batch = plan.rows[start : start + step]
            decided = decided and _unchanged(rt, others, report, started)
            events = _append_decided(rt, batch, report, started) if decided else None
            if events is None:
                decided = False
                events = _decide_and_write(rt, plan, batch, report, started)
            report.batches += 1
            report.rows_written += len(batch)
            report.events_written += events
            report.last_line_written = batch[-1].line
            if progress:
                progress("writing", report.rows_written, total)
    report.write_seconds = time.perf_counter() - started
    return report


def _unchanged(rt: Runtime, read: dict[str, int], report: ImportReport, started: float) -> bool:
    """Every stream in `read` (org_id -> version) is still at that version."""
    if not read:
        return True
    try:
        stored = rt.store.stream_versions([org_stream(o) for o in read])
    except Exception as exc:
        _stop(report, started, f"{exc.__class__.__name__}: {exc}", exc)
    return all(stored.get(org_stream(o), 0) == v for o, v in read.items())


def _append_decided(rt: Runtime, batch: Sequence[PlannedRow], report: ImportReport, started: float) -> int | None:
    """The batch's decided parts in one transaction: how many events were written, or None when
    a row has none or one of its streams was written since the check (nothing of it written)."""
    if any(not r.parts for r in batch):
        return None
    parts = [p for r in batch for p in r.parts]
    try:
        rt.service.append_decided(parts)
    except ConcurrencyError:
        return None
    except Exception as exc:
        _stop(report, started, f"{exc.__class__.__name__}: {exc}", exc)
    return sum(len(p.events) for p in parts)


def _decide_and_write(
    rt: Runtime, plan: ImportPlan, batch: Sequence[PlannedRow], report: ImportReport, started: float
) -> int:
    """The batch decided again on the database as it is, and written: how many events."""
    cmds, owners = row_commands(batch, plan.on)
    try:
        outcome = rt.service.execute_many(cmds, plan.actor, correlation_id=plan.correlation_id)
    except Exception as exc:
        _stop(report, started, f"{exc.__class__.__name__}: {exc}", exc)
    if outcome.refusals:
        first = outcome.refusals[0]
        row, kind = owners[first.index]
        _stop(report, started, f"the database changed since the check: {refusal_issue(row, kind, first)}")
    return sum(len(r.events) for r in outcome.results)


def _stop(report: ImportReport, started: float, why: str, cause: BaseException | None = None) -> NoReturn:
    report.write_seconds = time.perf_counter() - started
    raise ImportInterrupted(_interrupted(report, why), report) from cause


def _interrupted(report: ImportReport, why: str) -> str:
    done = report.rows_written
    total = len(report.plan.rows)
    return (
        f"the import stopped after writing {done} of {total} rows ({report.batches} complete batches; "
        f"a union and its term are always written together): {why}. Run the same import again to "
        "resume: rows already written are recognised and skipped"
    )
