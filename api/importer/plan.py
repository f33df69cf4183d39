"""What the check produces and the write reports: the plan (the valid rows in writing order, and
every problem found), and how far a write got."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from api.importer.rows import ImportRow, RowIssue
from events.store import StreamAppend
from workflow import commands as c
from workflow.authority import Actor


@dataclass
class PlannedRow:
    line: int
    data: ImportRow
    register: bool = True  # False: already in the database with the same facts
    import_term: bool = False  # True: the term still has to be imported
    # The row's commands by kind ("register", "term"), built once when the row is read.
    commands: dict[str, c.Command] = field(default_factory=dict)
    # What the check's decisions would append for the row, in order: the write appends these.
    parts: list[StreamAppend] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The file checked: what would be written, in writing order, and every problem found."""

    source: str
    digest: str
    actor: Actor
    on: dt.date
    rows_total: int = 0
    rows: list[PlannedRow] = field(default_factory=list)  # valid, parents first, then in tree order
    errors: list[RowIssue] = field(default_factory=list)
    skipped: list[RowIssue] = field(default_factory=list)  # valid themselves, but an ancestor is not
    already_imported: int = 0  # rows whose organisation and term are already in the database
    # The version of every stream the check's decisions read from the database (org_id ->
    # version): if one has moved on by the write, the rows are decided again as they are written.
    read_versions: dict[str, int] = field(default_factory=dict)
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


class ImportInterrupted(Exception):
    """Writing stopped part-way: the batches before it are committed; running the same import
    again resumes (what was written is recognised and skipped)."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report
