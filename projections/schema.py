"""The read models' tables (SQLAlchemy Core). An Alembic branch (projections/migrations) creates
them; a rebuild creates its shadow copies from the same specs, without secondary indexes until the
swap.

Every table has the organisation (`org_id`) first in its primary key: a projection's state for one
union is read, and replaced, by one primary-key range, which is also all a shadow table needs while
it is being built. Subtree filters use the materialised `path` (see `projections.tree`), compared
byte-wise (collation "C" on PostgreSQL) so that a prefix is an index range.

Dates are SQL dates; the code keeps them as ISO text, which both databases accept as a date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.schema import SchemaItem

metadata = sa.MetaData()

ID = sa.String(200)
PATH = sa.String(1000).with_variant(postgresql.VARCHAR(1000, collation="C"), "postgresql")
# A union's name, compared byte-wise too (collation "C", as SQLite compares text), so that a name's
# beginning is an index range and the lists sort alike on both databases (code point order).
NAME = sa.Text().with_variant(postgresql.TEXT(collation="C"), "postgresql")
JSON_TEXT = sa.Text


@dataclass(frozen=True)
class IndexSpec:
    name: str
    columns: tuple[str, ...]
    unique: bool = False


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: Callable[[], list[sa.Column[object]]]
    primary_key: tuple[str, ...]
    indexes: tuple[IndexSpec, ...] = ()
    # SQLite: keep small rows in the primary-key b-tree itself (one b-tree to write, not two).
    without_rowid: bool = False
    # The column that names the union a row belongs to: the rows a union's update replaces.
    owner: str = "org_id"
    # PostgreSQL: columns carried in the primary key's index (INCLUDE) without being part of the key.
    key_includes: tuple[str, ...] = ()

    def build(self, md: sa.MetaData, name: str | None = None, *, indexes: bool = True) -> sa.Table:
        kwargs: dict[str, Any] = {"sqlite_with_rowid": False} if self.without_rowid else {}
        key = sa.PrimaryKeyConstraint(*self.primary_key)
        if self.key_includes:
            key.dialect_options["postgresql"]["include"] = list(self.key_includes)
        items: list[SchemaItem] = [*self.columns(), key]
        table = sa.Table(name or self.name, md, *items, **kwargs)
        if indexes:
            for ix in self.indexes:
                sa.Index(ix.name, *(table.c[c] for c in ix.columns), unique=ix.unique)
        return table


def _c(name: str, type_: object, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, type_, nullable=nullable)  # type: ignore[arg-type]


def _checkpoint_columns() -> list[sa.Column[object]]:
    return [
        _c("name", sa.String(50), False),
        _c("position", sa.BigInteger, False),
        _c("logic_version", sa.Integer, False),
    ]


def _unit_fact_columns(nullable: bool) -> list[sa.Column[object]]:
    # the employing unit's facts (R-FORM-25, R-WOMEN, R-FULLTIME; RULES.md §7 coverage): on a union,
    # where they may be unknown, and on each unit a joint union covers
    return [
        _c("unit_name", sa.Text, nullable),
        _c("unit_type", sa.String(30), nullable),
        _c("employees", sa.Integer, nullable),
        _c("members", sa.Integer, nullable),
        _c("female_members", sa.Integer, nullable),
        _c("has_party_org", sa.Boolean, nullable),
    ]


def _org_columns() -> list[sa.Column[object]]:
    return [
        _c("org_id", ID, False),
        _c("parent_id", ID),
        _c("path", PATH, False),
        _c("depth", sa.Integer, False),
        _c("name", NAME, False),
        _c("level", sa.String(20), False),
        _c("registered_on", sa.Date, False),
        *_unit_fact_columns(nullable=True),
        # the bodies elected, as approved (R-FORM-25, R-CONGRESS-TYPE, R-FUNDS-REVIEW, R-WOMEN)
        _c("form", sa.String(20)),
        _c("congress_type", sa.String(30)),
        _c("committee", JSON_TEXT),
        _c("chair", sa.Text),
        _c("vice_chairs", JSON_TEXT),
        _c("acting_chair", sa.Text),
        _c("funds_review", JSON_TEXT),
        _c("funds_review_director", sa.Text),
        _c("women_director", sa.Text),
        # the current term (R-TERM, R-TERM-END, R-EXTENSION)
        _c("term_number", sa.Integer, False),
        _c("term_start", sa.Date),
        _c("term_years", sa.Integer),
        _c("term_end", sa.Date),
        _c("extension_until", sa.Date),
        _c("deadline", sa.Date),
        _c("founded_on", sa.Date),
        _c("legal_person_no", sa.Text),
        _c("legal_person_on", sa.Date),
        _c("last_congress_on", sa.Date),
        # what a founding approval or a registry import says of the union (0007): the founding
        # approval's document; the date from which it is surely founded (the founding date, else an
        # imported term's start: coverage counts it from then); the representatives
        # (R-CONGRESS-TYPE) and the committee's size (its names may be unknown)
        _c("founding_document_no", sa.Text),
        _c("founded_at_latest", sa.Date),
        _c("representatives", sa.Integer),
        _c("committee_size", sa.Integer),
        _c("internal", JSON_TEXT, False),  # elections under way: what their approval will install
        _c("stream_version", sa.Integer, False),
        # RULES.md §7: who elected the current chair ("congress": 直选, or "committee") and whether the
        # chair is full-time (R-FULLTIME); NULL when unknown (an import that did not say)
        _c("chair_elected_by", sa.String(20)),
        _c("chair_full_time", sa.Boolean),
        # R-DISSOLVE: the day the higher-level union approved the dissolution, and why
        _c("dissolved_on", sa.Date),
        _c("dissolution_reason", sa.String(20)),
    ]


def _term_columns() -> list[sa.Column[object]]:
    return [
        _c("org_id", ID, False),
        _c("term_no", sa.Integer, False),
        _c("path", PATH, False),
        _c("start", sa.Date, False),
        _c("years", sa.Integer, False),
        _c("end", sa.Date, False),
        _c("deadline", sa.Date, False),
        _c("extended", sa.Boolean, False),
        _c("started_by", ID, False),  # the procedure whose approval started it, or "import"
        _c("started_on", sa.Date, False),  # business date it became the current term
        _c("succeeded_on", sa.Date),  # the next term's start (its congress date, R-FOUNDED)
        _c("succeeded_approved_on", sa.Date),  # the next term's approval (its re-election's)
        _c("on_time", sa.Boolean),  # R-ON-TIME: re-elected by the deadline (projections.on_time); null while current
        _c("chair_elected_by", sa.String(20)),  # as proj_orgs's, for this term (RULES.md §7 as of a date)
        _c("chair_full_time", sa.Boolean),
    ]


def _region_settings_columns() -> list[sa.Column[object]]:
    # Settings of a region (RULES.md §5, §7), for the organisations that have any.
    return [
        _c("org_id", ID, False),
        _c("path", PATH, False),
        _c("profile_name", sa.String(100)),  # the rule profile assigned here, if any
        _c("profile_version", sa.Integer),  # NULL: the latest version when a procedure opens
        _c("targets", JSON_TEXT, False),  # coverage figure -> target share set here
    ]


def _covered_unit_columns() -> list[sa.Column[object]]:
    # A unit a joint grassroots union covers, one row per stint (RULES.md §7); the joint union's
    # founding and dissolution dates are repeated on its rows, so that coverage reads one table.
    return [
        _c("org_id", ID, False),  # the joint union
        _c("unit_id", ID, False),
        _c("stint", sa.Integer, False),  # 1, 2, ...: a unit that left and joined again
        _c("path", PATH, False),  # the joint union's
        _c("since", sa.Date, False),
        _c("until", sa.Date),  # the day it left (no longer covered that day); NULL while covered
        *_unit_fact_columns(nullable=False),
        _c("union_founded_on", sa.Date),
        _c("union_dissolved_on", sa.Date),
    ]


def _procedure_columns() -> list[sa.Column[object]]:
    return [
        _c("org_id", ID, False),
        _c("procedure_id", ID, False),
        _c("path", PATH, False),
        _c("approver_org", ID),  # the direct higher-level union (R-APPROVER)
        _c("kind", sa.String(30), False),
        _c("state", sa.String(40), False),
        _c("closed", sa.Boolean, False),
        _c("opened_on", sa.Date, False),
        _c("last_moved_on", sa.Date, False),
        _c("last_event", sa.String(60), False),
        _c("waiting_on", ID),  # the organisation that must act next; NULL when closed
        _c("waiting_for", sa.Text),
        _c("inbox_org", ID),  # = approver_org while a filing waits on it, else NULL
        _c("filed_on", sa.Date),
        _c("filing", sa.String(40)),
        _c("filing_event", sa.String(60)),
        _c("filing_content", JSON_TEXT),  # the filing event's payload as stored
        _c("filed_by", JSON_TEXT),
        _c("profile_name", sa.String(100), False),
        _c("profile_version", sa.Integer, False),
        _c("reply_days", sa.Integer, False),  # A-APPROVAL-PENDING window of the pinned profile
        _c("internal", JSON_TEXT, False),
        _c("last_version", sa.Integer, False),
    ]


def _alert_fact_columns() -> list[sa.Column[object]]:
    return [
        _c("org_id", ID, False),
        _c("path", PATH, False),
        _c("facts", JSON_TEXT, False),
    ]


def _alert_columns() -> list[sa.Column[object]]:
    return [
        _c("org_id", ID, False),
        _c("kind", sa.String(30), False),
        _c("seq", sa.Integer, False),
        _c("path", PATH, False),
        _c("fires_from", sa.Date, False),
        _c("fires_until", sa.Date, False),  # 9999-12-31 while nothing has ended it
        _c("deadline", sa.Date, False),
        _c("rule", sa.String(30), False),
        _c("procedure_id", ID),
        _c("window", sa.String(30), False),
        _c("basis", sa.Text, False),
    ]


def _coverage_mark_columns() -> list[sa.Column[object]]:
    # A union's dated share of a coverage figure (projections.models.coverage_marks)
    return [
        _c("path", PATH, False),
        _c("figure", sa.String(40), False),
        _c("day", sa.Date, False),
        _c("n", sa.BigInteger, False),
    ]


def _tally_columns() -> list[sa.Column[object]]:
    # The marks of the unions strictly below `ancestor` ("" for all), summed by figure and day
    # (span 0) and by figure and month (span 1, on the month's first day; projections.models.tallies)
    return [
        _c("ancestor", PATH, False),
        _c("span", sa.SmallInteger, False),
        _c("day", sa.Date, False),
        _c("figure", sa.String(40), False),
        _c("n", sa.BigInteger, False),
    ]


CHECKPOINTS = TableSpec("proj_checkpoints", _checkpoint_columns, ("name",))
ORGS = TableSpec(
    "proj_orgs",
    _org_columns,
    ("org_id",),
    (
        IndexSpec("ix_proj_orgs_path", ("path",), unique=True),
        IndexSpec("ix_proj_orgs_parent", ("parent_id", "org_id")),
        # the unions list (projections.queries.lists): a name's beginning, and its sorts
        IndexSpec("ix_proj_orgs_name", ("name", "org_id")),
        IndexSpec("ix_proj_orgs_deadline", ("deadline", "org_id")),
    ),
)
TERMS = TableSpec(
    "proj_terms",
    _term_columns,
    ("org_id", "term_no"),
    (IndexSpec("ix_proj_terms_path", ("path",)),),
    without_rowid=True,
)
REGION_SETTINGS = TableSpec("proj_region_settings", _region_settings_columns, ("org_id",))
PROCEDURES = TableSpec(
    "proj_procedures",
    _procedure_columns,
    ("org_id", "procedure_id"),
    (
        IndexSpec("ux_proj_procedures_id", ("procedure_id",), unique=True),
        IndexSpec("ix_proj_procedures_path", ("path", "procedure_id")),
        IndexSpec("ix_proj_procedures_inbox", ("inbox_org", "filed_on", "procedure_id")),
        # the procedures list sorted by its last step (projections.queries.lists)
        IndexSpec("ix_proj_procedures_moved", ("last_moved_on", "procedure_id")),
    ),
)
COVERED_UNITS = TableSpec(
    "proj_covered_units",
    _covered_unit_columns,
    ("org_id", "unit_id", "stint"),
    (IndexSpec("ix_proj_covered_units_path", ("path",)),),
    without_rowid=True,
)
ALERT_FACTS = TableSpec("proj_alert_facts", _alert_fact_columns, ("org_id",))
ALERTS = TableSpec(
    "proj_alerts",
    _alert_columns,
    # Keyed by path (a union's path is unique and never changes): on SQLite the rows are stored in
    # tree order, so "what fires on date D under this organisation" reads one contiguous range,
    # and a page of it stops as soon as it is full. No secondary index to build or maintain.
    ("path", "kind", "seq"),
    # The worst alerts (projections.queries.alert_reads.worst_alerts) of a large subtree: walked in
    # deadline order, the firing test and the subtree's range checked in the index, stopping at
    # the first `limit` that fire; a small subtree reads its own range of the primary key instead.
    (IndexSpec("ix_proj_alerts_deadline", ("deadline", "path", "kind", "seq", "fires_from", "fires_until")),),
    without_rowid=True,
    owner="path",
)
# Keyed by path, as proj_alerts: a union's marks are one range, the tallies' source in tree order.
COVERAGE_MARKS = TableSpec(
    "proj_coverage_marks", _coverage_mark_columns, ("path", "figure", "day"), without_rowid=True, owner="path"
)


# Tallies belong to no one union: never replaced by owner, only added to (projections.models.tallies).
# Every read is a range of the key summing `n`, so `n` lives in the key's b-tree and nowhere else:
# SQLite keeps a WITHOUT ROWID row in it; PostgreSQL keeps rows apart from their key, so its key's
# index INCLUDEs `n` and a sum reads index pages only (one heap page per row otherwise, when cold).
# One b-tree per table: each of the many upserts an import or a command makes updates one.
def _tally_spec(name: str) -> TableSpec:
    key = ("ancestor", "span", "day", "figure")
    return TableSpec(name, _tally_columns, key, without_rowid=True, owner="ancestor", key_includes=("n",))


COVERAGE_TALLIES = _tally_spec("proj_coverage_tallies")
ALERT_TALLIES = _tally_spec("proj_alert_tallies")

SPECS: dict[str, TableSpec] = {
    s.name: s
    for s in (
        ORGS,
        TERMS,
        REGION_SETTINGS,
        COVERED_UNITS,
        PROCEDURES,
        ALERT_FACTS,
        ALERTS,
        COVERAGE_MARKS,
        COVERAGE_TALLIES,
        ALERT_TALLIES,
    )
}

checkpoints = CHECKPOINTS.build(metadata)
orgs = ORGS.build(metadata)
terms = TERMS.build(metadata)
region_settings = REGION_SETTINGS.build(metadata)
covered_units = COVERED_UNITS.build(metadata)
procedures = PROCEDURES.build(metadata)
alert_facts = ALERT_FACTS.build(metadata)
alerts = ALERTS.build(metadata)
coverage_marks = COVERAGE_MARKS.build(metadata)
coverage_tallies = COVERAGE_TALLIES.build(metadata)
alert_tallies = ALERT_TALLIES.build(metadata)

LIVE: dict[str, sa.Table] = {
    t.name: t
    for t in (
        orgs,
        terms,
        region_settings,
        covered_units,
        procedures,
        alert_facts,
        alerts,
        coverage_marks,
        coverage_tallies,
        alert_tallies,
    )
}
