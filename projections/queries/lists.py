"""The lists a union office works from: the unions of a subtree (found by code or by the beginning
of the name; filtered by level, state, their procedures and their alerts) and the procedures of a
subtree (by kind, state, union, whom they wait on), sorted, a page at a time, with how many match.

Every page walks one index in its sort's order, from the last row of the page before (a keyset
cursor), inside the subtree's path range: the tree order is the path index, a name's beginning and
the name order `ix_proj_orgs_name`, the code order the primary key, the deadline order
`ix_proj_orgs_deadline`, the procedures' last-step order `ix_proj_procedures_moved`. Filters on a
union's procedures and alerts are probes of those tables' primary keys (by the union's id, by its
path) for each row walked, so a page stops as soon as it is full.

How many match is counted exactly up to `COUNT_CAP` rows and otherwise said as "more than
COUNT_CAP" (`total_exact` false): a count walks every match, and a national register holds
millions, so the count is bounded like the page is."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events.catalogue.base import OrgLevel
from events.flows import FLOWS
from projections import schema
from projections.models.alert_periods import KINDS as ALERT_KINDS
from projections.queries.alert_reads import fires_on
from projections.queries.paging import Bind, connect, decode_cursor, encode_cursor, subtree_bounds
from projections.queries.procedure_reads import ProcedureStatus, procedure_record
from projections.queries.register_reads import UnionRecord, union_record

T = TypeVar("T")
COUNT_CAP = 10_000

LEVELS: tuple[str, ...] = get_args(OrgLevel)
UNION_STATES = ("not_founded", "in_term", "term_expired", "dissolved")
UNION_SORTS = ("tree", "name", "code", "deadline")
PROCEDURE_KINDS: tuple[str, ...] = tuple(FLOWS)
PROCEDURE_STATES: tuple[str, ...] = tuple(sorted({s for f in FLOWS.values() for s in f.state_names}))
WAITING = ("approver", "union", "closed")  # a filing waits on the higher-level union; the union acts; done
PROCEDURE_SORTS = ("tree", "moved", "recent")  # tree order; longest since the last step first; latest first

_O, _P, _A = schema.orgs, schema.procedures, schema.alerts


class BadFilter(ValueError):
    """A filter, sort or cursor a list cannot take; `field` names it (as the query parameter) and
    `value` is what was given."""

    def __init__(self, field: str, message: str, value: object = None) -> None:
        super().__init__(message)
        self.field, self.value = field, value


def _one_of(field: str, value: str | None, known: Sequence[str]) -> None:
    if value is not None and value not in known:
        raise BadFilter(field, f"unknown {field} {value!r}; known: {', '.join(known)}", value)


@dataclass(frozen=True)
class Listing(Generic[T]):
    items: list[T]
    next_cursor: str | None  # pass back as `cursor` for the next page; None on the last page
    total: int | None  # how many match (None: not counted); at most COUNT_CAP
    total_exact: bool  # False: more than `total` match


# --------------------------------------------------------------------------- keysets


@dataclass(frozen=True)
class _Order:
    """One sort: its key columns (ascending, or all descending) and each key value's type."""

    columns: tuple[sa.ColumnElement[Any], ...]
    dates: tuple[bool, ...]  # which key values are dates (ISO text in a cursor)
    descending: bool = False

    def after(self, values: Sequence[Any]) -> sa.ColumnElement[bool]:
        bound = [sa.literal(v, c.type) for v, c in zip(values, self.columns, strict=True)]
        left, right = sa.tuple_(*self.columns), sa.tuple_(*bound)
        return left < right if self.descending else left > right

    def by(self) -> list[sa.ColumnElement[Any]]:
        return [c.desc() for c in self.columns] if self.descending else list(self.columns)

    def key(self, row: Any) -> list[Any]:
        return [getattr(row, c.name) for c in self.columns]


def _cursor_values(cursor: str | None, sort: str, dates: Sequence[bool | None]) -> list[Any] | None:
    """The key values a cursor of `sort` holds, checked one by one (`dates`: True an ISO date,
    False text, None a date or nothing), so that nothing malformed reaches the database."""
    if cursor is None:
        return None
    try:
        values = decode_cursor(cursor)
    except ValueError:
        values = []
    ok = len(values) == len(dates) + 1 and values[0] == sort
    for value, date in zip(values[1:], dates, strict=False):
        ok = ok and (date is None if value is None else _fits(value, date is not False))
    if not ok:
        raise BadFilter("cursor", "not a cursor from this list: pass back the `next_cursor` of the page before")
    return [
        dt.date.fromisoformat(v) if v is not None and date is not False else v
        for v, date in zip(values[1:], dates, strict=True)
    ]


def _fits(value: Any, date: bool) -> bool:
    if not isinstance(value, str) or "\x00" in value or len(value) > 2000:
        return False
    if date:
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
    return True


def _walk(conn: Connection, q: sa.Select[Any], order: _Order, after: list[Any] | None, limit: int) -> list[Any]:
    if after is not None:
        q = q.where(order.after(after))
    return list(conn.execute(q.order_by(*order.by()).limit(limit + 1)))


def _count(conn: Connection, table: sa.Table, conditions: list[sa.ColumnElement[bool]], cap: int) -> tuple[int, bool]:
    """How many rows meet `conditions`: exact up to `cap`, else (cap, False)."""
    matches = sa.select(sa.literal(1).label("one")).select_from(table).where(*conditions).limit(cap + 1)
    n = int(conn.execute(sa.select(sa.func.count()).select_from(matches.subquery())).scalar_one())
    return min(n, cap), n <= cap


# --------------------------------------------------------------------------- unions


@dataclass(frozen=True)
class UnionSearch:
    """What the unions list is asked for; `on` is the business date the states and alerts are
    read on. Unknown values are refused (`BadFilter`) when the search is made."""

    on: dt.date
    q: str | None = None  # the union's code (exactly), or the beginning of its name
    level: str | None = None
    state: str | None = None  # UNION_STATES
    procedure_kind: str | None = None  # has a procedure of this kind (in `procedure_state`, if given)
    procedure_state: str | None = None
    alert: str | None = None  # an alert of this kind fires on `on`
    overdue: bool = False  # an alert past its deadline fires on `on`
    sort: str = "tree"

    def __post_init__(self) -> None:
        if self.q is not None and (not self.q.strip() or len(self.q) > 200 or "\x00" in self.q):
            raise BadFilter("q", "a code, or the beginning of a name: 1 to 200 characters", self.q)
        _one_of("level", self.level, LEVELS)
        _one_of("state", self.state, UNION_STATES)
        _one_of("procedure_kind", self.procedure_kind, PROCEDURE_KINDS)
        _one_of("procedure_state", self.procedure_state, PROCEDURE_STATES)
        _one_of("alert", self.alert, ALERT_KINDS)
        _one_of("sort", self.sort, UNION_SORTS)


def _next_text(text: str) -> str | None:
    """The least text after every text that begins with `text` (None: there is none)."""
    code = ord(text[-1]) + 1
    if 0xD800 <= code <= 0xDFFF:  # no text holds a lone surrogate
        code = 0xE000
    return text[:-1] + chr(code) if code <= 0x10FFFF else None


def _name_or_code(q: str) -> sa.ColumnElement[bool]:
    """The code exactly, or a name beginning with `q`: both index ranges (the primary key; the
    name index, compared byte-wise: collation "C" on PostgreSQL, as SQLite compares)."""
    q = q.strip()
    upper = _next_text(q)
    begins = sa.and_(_O.c.name >= q, *([_O.c.name < upper] if upper is not None else []))
    return sa.or_(_O.c.org_id == q, begins)


def union_state(record: UnionRecord, on: dt.date) -> str | None:
    """The union's state on `on` as the list's `state` filter reads it (None: a body without a
    unit of its own that founds nothing here, such as a county federation)."""
    if record.dissolved_on is not None:
        return "dissolved"
    if record.deadline is not None:
        return "term_expired" if record.deadline < on else "in_term"
    return "not_founded" if record.unit_type is not None else None


def _state_condition(state: str, on: dt.date) -> sa.ColumnElement[bool]:
    # As `union_state` reads a record, in SQL.
    alive = _O.c.dissolved_on.is_(None)
    return {
        "dissolved": _O.c.dissolved_on.is_not(None),
        "term_expired": sa.and_(alive, _O.c.deadline < on),
        "in_term": sa.and_(alive, _O.c.deadline >= on),
        "not_founded": sa.and_(alive, _O.c.deadline.is_(None), _O.c.unit_type.is_not(None)),
    }[state]


def _union_conditions(search: UnionSearch) -> list[sa.ColumnElement[bool]]:
    """The search's conditions on the register's rows. A union's procedures and alerts are probed
    by its id and its path, their primary keys' first columns (no range of the subtree there: with
    a narrow subtree PostgreSQL would walk that range for every union rather than probe)."""
    on = search.on
    out: list[sa.ColumnElement[bool]] = []
    if search.q is not None:
        out.append(_name_or_code(search.q))
    if search.level is not None:
        out.append(_O.c.level == search.level)
    if search.state is not None:
        out.append(_state_condition(search.state, on))
    if search.procedure_kind is not None or search.procedure_state is not None:
        wanted = [(_P.c.kind, search.procedure_kind), (_P.c.state, search.procedure_state)]
        out.append(sa.exists().where(_P.c.org_id == _O.c.org_id, *(c == v for c, v in wanted if v is not None)))
    if search.alert is not None:
        out.append(sa.exists().where(_A.c.path == _O.c.path, _A.c.kind == search.alert, *fires_on(on)))
    if search.overdue:
        out.append(sa.exists().where(_A.c.path == _O.c.path, _A.c.deadline < on, *fires_on(on)))
    return out


def _within(column: sa.ColumnElement[str], low: str, high: str, below_only: bool = False) -> list[Any]:
    """`column` within the subtree [low, high) (`below_only`: without its root, whose path is `low`)."""
    return [column > low if below_only else column >= low, column < high]


_UNION_ORDERS: dict[str, _Order] = {
    "tree": _Order((_O.c.path,), (False,)),
    "name": _Order((_O.c.name, _O.c.org_id), (False, False)),
    "code": _Order((_O.c.org_id,), (False,)),
    "deadline": _Order((_O.c.deadline, _O.c.org_id), (True, False)),
}


def _deadline_rows(
    conn: Connection, q: sa.Select[Any], after: list[Any] | None, limit: int
) -> tuple[list[Any], list[Any] | None]:
    """Deadline order, unions without a deadline last (by code): two index ranges one after the
    other, so that both databases put them in the same place. Returns the rows and the last key."""
    rows: list[Any] = []
    if after is None or after[0] is not None:
        rows = _walk(conn, q.where(_O.c.deadline.is_not(None)), _UNION_ORDERS["deadline"], after, limit)
    if len(rows) <= limit:
        tail_after = [after[1]] if after is not None and after[0] is None else None
        rows += _walk(conn, q.where(_O.c.deadline.is_(None)), _UNION_ORDERS["code"], tail_after, limit - len(rows))
    last = rows[min(len(rows), limit) - 1] if rows else None
    return rows, None if last is None else [last.deadline, last.org_id]


def unions(
    bind: Bind,
    subtree: str,
    search: UnionSearch,
    *,
    only: str | None = None,
    below_only: bool = False,
    limit: int = 50,
    cursor: str | None = None,
    count: bool = True,
    count_cap: int = COUNT_CAP,
) -> Listing[UnionRecord]:
    """The unions of `subtree` that `search` asks for, a page in its sort's order (`only`: that
    organisation alone, for staff; `below_only`: without the subtree's root), and how many match
    (up to `count_cap`)."""
    order = _UNION_ORDERS[search.sort]
    dates: Sequence[bool | None] = (None, False) if search.sort == "deadline" else order.dates
    after = _cursor_values(cursor, search.sort, dates)
    with connect(bind) as conn:
        low, high = subtree_bounds(conn, subtree)
        conditions = [*_within(_O.c.path, low, high, below_only), *_union_conditions(search)]
        if only is not None:
            conditions.append(_O.c.org_id == only)
        q = sa.select(_O).where(*conditions)
        if search.sort == "deadline":
            rows, last = _deadline_rows(conn, q, after, limit)
        else:
            rows = _walk(conn, q, order, after, limit)
            last = order.key(rows[limit - 1]) if len(rows) > limit else None
        total, exact = _count(conn, _O, conditions, count_cap) if count else (None, False)
    nxt = encode_cursor([search.sort, *last]) if len(rows) > limit and last is not None else None
    return Listing([union_record(dict(r._mapping)) for r in rows[:limit]], nxt, total, exact)


# --------------------------------------------------------------------------- procedures


@dataclass(frozen=True)
class ProcedureSearch:
    """What the procedures list is asked for. Unknown values are refused (`BadFilter`)."""

    kind: str | None = None
    state: str | None = None
    union: str | None = None  # one union's procedures
    waiting: str | None = None  # WAITING
    waiting_on: str | None = None  # the organisation that must act next
    moved_since: dt.date | None = None  # last step on or after
    moved_until: dt.date | None = None
    sort: str = "tree"

    def __post_init__(self) -> None:
        _one_of("kind", self.kind, PROCEDURE_KINDS)
        _one_of("state", self.state, PROCEDURE_STATES)
        _one_of("waiting", self.waiting, WAITING)
        _one_of("sort", self.sort, PROCEDURE_SORTS)
        if self.moved_since is not None and self.moved_until is not None and self.moved_until < self.moved_since:
            raise BadFilter(
                "moved_until", f"{self.moved_until} is before moved_since {self.moved_since}", self.moved_until
            )


_WAITING: dict[str, Callable[[], sa.ColumnElement[bool]]] = {
    "approver": lambda: _P.c.inbox_org.is_not(None),
    "union": lambda: sa.and_(_P.c.closed == sa.false(), _P.c.waiting_on == _P.c.org_id),
    "closed": lambda: _P.c.closed == sa.true(),
}


def _procedure_conditions(search: ProcedureSearch) -> list[sa.ColumnElement[bool]]:
    wanted: tuple[tuple[sa.ColumnElement[Any], Callable[[Any, Any], Any], Any], ...] = (
        (_P.c.kind, operator.eq, search.kind),
        (_P.c.state, operator.eq, search.state),
        (_P.c.org_id, operator.eq, search.union),
        (_P.c.waiting_on, operator.eq, search.waiting_on),
        (_P.c.last_moved_on, operator.ge, search.moved_since),
        (_P.c.last_moved_on, operator.le, search.moved_until),
    )
    out = [compare(column, value) for column, compare, value in wanted if value is not None]
    if search.waiting is not None:
        out.append(_WAITING[search.waiting]())
    return out


_PROCEDURE_ORDERS: dict[str, _Order] = {
    "tree": _Order((_P.c.path, _P.c.procedure_id), (False, False)),
    "moved": _Order((_P.c.last_moved_on, _P.c.procedure_id), (True, False)),
    "recent": _Order((_P.c.last_moved_on, _P.c.procedure_id), (True, False), descending=True),
}


def procedure_list(
    bind: Bind,
    subtree: str,
    search: ProcedureSearch,
    *,
    only: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    count: bool = True,
    count_cap: int = COUNT_CAP,
) -> Listing[ProcedureStatus]:
    """The procedures of `subtree` that `search` asks for, a page in its sort's order (`only`:
    that organisation's alone, for staff), and how many match (up to `count_cap`)."""
    order = _PROCEDURE_ORDERS[search.sort]
    after = _cursor_values(cursor, search.sort, order.dates)
    with connect(bind) as conn:
        conditions = [*_within(_P.c.path, *subtree_bounds(conn, subtree)), *_procedure_conditions(search)]
        if only is not None:
            conditions.append(_P.c.org_id == only)
        rows = _walk(conn, sa.select(_P).where(*conditions), order, after, limit)
        total, exact = _count(conn, _P, conditions, count_cap) if count else (None, False)
    nxt = encode_cursor([search.sort, *order.key(rows[limit - 1])]) if len(rows) > limit else None
    return Listing([procedure_record(r._mapping) for r in rows[:limit]], nxt, total, exact)


def alert_kinds_of(bind: Bind, paths: Sequence[str], on: dt.date) -> dict[str, list[str]]:
    """The kinds of alert that fire on `on` for each of these unions (by path): a list page's
    column, one primary-key probe per union."""
    if not paths:
        return {}
    out: dict[str, list[str]] = {}
    with connect(bind) as conn:
        q = sa.select(_A.c.path, _A.c.kind).where(_A.c.path.in_(list(paths)), *fires_on(on))
        q = q.order_by(_A.c.path, _A.c.kind)
        for path, kind in conn.execute(q):
            kinds = out.setdefault(path, [])
            if kind not in kinds:
                kinds.append(kind)
    return out
