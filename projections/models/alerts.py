"""Alerts (read model 4, RULES.md §6) as periods of business dates, so that "what fired on date D"
is one indexed query for any D, past or future, at the same cost as today.

For each union the projection keeps the dated facts the alerts depend on (`proj_alert_facts`):
its terms with the dates their deadlines changed (R-TERM-END, R-EXTENSION), its re-elections'
open periods (R-ON-TIME), its congresses (R-ANNUAL), every filing's wait on the higher-level union
(R-APPROVER), vacancies (R-VACANCY), the preparatory group (R-PREP-GROUP) and the founding's
legal-person registration. From these it renders, for every alert kind, the periods in which the
alert fires, with the deadline in force during each period (`proj_alerts`: fires_from ..
fires_until, inclusive; 9999-12-31 while nothing has ended it).

Why periods and not today's deadline: a union re-elected in May 2024 was overdue in April 2024,
and an extension approved in April 2024 did not make it on time in March (R-EXTENSION: until the
approval nothing changes). Each deadline is kept with the business dates it was in force, and the
periods are recomputed from the facts (sorted by business date) whenever a fact changes, so
backdated entries land where their dates put them.

Windows come from the rule profile pinned by the procedure each fact belongs to (the first event's
`profile`, read by field name): the term's from the procedure whose approval started it, the
congress's from its procedure, and so on. Terms imported from a registry use RULES.md §6 defaults.
Month arithmetic follows R-TERM-END (`projections.calendar`).

The days an alert is overdue on date D are D - deadline (negative for A-TERM-DUE: days left)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events import flows
from events.flows import DECISION_EVENTS, FILING_EVENTS
from projections.base import Handler, Projection, Rows, dumps, rows_by_org
from projections.calendar import OPEN, add_days_iso, add_months_iso, day_after, day_before
from projections.errors import CorruptHistory
from projections.feed import Ev

TERM_DUE = "A-TERM-DUE"
TERM_OVERDUE = "A-TERM-OVERDUE"
APPROVAL_PENDING = "A-APPROVAL-PENDING"
VACANCY_OVERDUE = "A-VACANCY-OVERDUE"
NO_ANNUAL_CONGRESS = "A-NO-ANNUAL-CONGRESS"
PREP_STALLED = "A-PREP-STALLED"
LEGAL_PERSON = "A-LEGAL-PERSON"
KINDS = (TERM_DUE, TERM_OVERDUE, APPROVAL_PENDING, VACANCY_OVERDUE, NO_ANNUAL_CONGRESS, PREP_STALLED, LEGAL_PERSON)

# The rule profile's alert windows (workflow/profile.py, RULES.md §6), read by name, in this order.
WINDOW_FIELDS = (
    "term_due_reminder_months",
    "approval_reply_days",
    "vacancy_months",
    "annual_congress_months",
    "prep_stalled_months",
    "legal_person_days",
)
DUE, REPLY, VACANCY, ANNUAL, PREP, LEGAL = range(6)
# RULES.md §6 defaults, for imported terms (no procedure, no pinned profile) and missing fields.
DEFAULT_WINDOWS = (2, 15, 3, 12, 6, 60)


def windows_of(profile: Mapping[str, Any] | None) -> list[int]:
    p = profile or {}
    return [int(p.get(name, default)) for name, default in zip(WINDOW_FIELDS, DEFAULT_WINDOWS, strict=True)]


class UnionAlerts:
    __slots__ = ("facts", "org_id", "path")

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.path: str | None = None
        self.facts: dict[str, Any] = _empty()


def _empty() -> dict[str, Any]:
    # t: terms [became current on, term end, [[approved on, new deadline]], due months, started by]
    # r: re-elections [procedure, opened, closed]        c: congresses [date, annual months]
    # w: waits on the approver [procedure, filed, decided, reply days, filing]
    # v: vacancies [procedure, since, by-election due, window, filled]
    # p: preparatory groups [procedure, approved, congress due, window, ended]
    # l: legal person [procedure, founded, registration due, window, registered]
    # k: procedures {procedure: [kind, windows of its pinned profile]}
    return {"t": [], "r": [], "c": [], "w": [], "v": [], "p": [], "l": [], "k": {}}


def _last_open(items: list[list[Any]], pid: str, end: int) -> list[Any] | None:
    for item in reversed(items):
        if item[0] == pid and item[end] is None:
            return item
    return None


def _end(items: list[list[Any]], pid: str, on: str) -> None:
    """Close the procedure's open item (its last element is when it ended)."""
    for item in reversed(items):
        if item[0] == pid and item[-1] is None:
            item[-1] = on
            return


# Events that put a filing before the higher-level union after the procedure's first event.
_FILED = frozenset(
    {"FoundingRequestResubmitted", "CandidatesFiled", "ResultsFiled", "ByElectionRequested", "ByElectionHeld"}
)


class Alerts(Projection[UnionAlerts]):
    name = "alerts"
    table_names = ("proj_alert_facts", "proj_alerts")
    # Steps that change no alert fact (the procedures projection follows every step).
    ignores = frozenset(
        {
            "UnitFactsUpdated",
            "ViceChairRemoved",
            "MembersRecruited",
            "CongressTypeDecided",
            "RepresentativesElected",
            "CandidatesProposed",
            "CandidatesPosted",
            "RunoffHeld",
            "ChairElected",
        }
    )

    def _handlers(self) -> dict[str, Handler]:
        out: dict[str, Handler] = {t: self._opened for t in flows.OPENED_BY}
        out.update({t: self._filed for t in _FILED})
        out.update({t: self._decided for t in DECISION_EVENTS})
        out.update(
            OrganisationRegistered=self._registered,
            ExistingTermImported=self._imported,
            CongressHeld=self._congress,
            AnnualCongressHeld=self._annual_congress,
            ProcedureWithdrawn=self._withdrawn,
            LegalPersonRegistered=self._legal_person,
        )
        return out

    def new(self, org_id: str) -> UnionAlerts:
        return UnionAlerts(org_id)

    # ------------------------------------------------------------------ facts

    def _registered(self, s: UnionAlerts, ev: Ev) -> None:
        d = ev.data
        s.path = self.tree.learn(s.org_id, d.get("parent_id"), d["level"]).path

    def _imported(self, s: UnionAlerts, ev: Ev) -> None:
        d, f = ev.data, s.facts
        start = d["term_start"]
        f["t"].append([start, d["term_end"], [], DEFAULT_WINDOWS[DUE], None])
        f["c"].append([start, DEFAULT_WINDOWS[ANNUAL]])  # R-FOUNDED: a term starts at a congress

    def _opened(self, s: UnionAlerts, ev: Ev) -> None:
        d, f = ev.data, s.facts
        kind = flows.OPENED_BY[ev.type].kind
        pid = d["procedure_id"]
        win = windows_of(d.get("profile"))
        f["k"][pid] = [kind, win]
        if kind == flows.BY_ELECTION:
            # R-VACANCY: the by-election is due within `vacancy_months` of the chair leaving.
            f["v"].append([pid, ev.on, add_months_iso(ev.on, win[VACANCY]), f"{win[VACANCY]} months", None])
            return
        if kind == flows.REELECTION:
            f["r"].append([pid, ev.on, None])  # a re-election under way (A-TERM-DUE stops)
        f["w"].append([pid, ev.on, None, win[REPLY], FILING_EVENTS[ev.type]])

    def _procedure(self, s: UnionAlerts, ev: Ev) -> tuple[str, str, list[int]]:
        pid = ev.pid
        k = s.facts["k"].get(pid)
        if k is None:
            raise CorruptHistory(f"{ev.stream_id} v{ev.version}: {ev.type} for unknown procedure {pid}")
        return pid, k[0], k[1]

    def _filed(self, s: UnionAlerts, ev: Ev) -> None:
        # A filing now waits on the higher-level union (R-APPROVER); a by-election that elected
        # nobody files nothing.
        if ev.type == "ByElectionHeld" and not ev.data["outcome"]["elected"]:
            return
        pid, _, win = self._procedure(s, ev)
        s.facts["w"].append([pid, ev.on, None, win[REPLY], FILING_EVENTS[ev.type]])

    def _decided(self, s: UnionAlerts, ev: Ev) -> None:
        f, on, t = s.facts, ev.on, ev.type
        pid, kind, win = self._procedure(s, ev)
        wait = _last_open(f["w"], pid, 2)
        if wait is not None:
            wait[2] = on
        if t == "PreparatoryGroupApproved":
            f["p"].append([pid, on, add_months_iso(on, win[PREP]), f"{win[PREP]} months", None])
        elif t == "ResultsApproved":
            f["t"].append([on, ev.data["term_end"], [], win[DUE], pid])
            if kind == flows.FOUNDING:
                f["l"].append([pid, on, add_days_iso(on, win[LEGAL]), f"{win[LEGAL]} days", None])
            else:
                _end(f["r"], pid, on)
            for v in f["v"]:  # the approved results install a chair: no vacancy any more
                if v[4] is None and v[1] <= on:
                    v[4] = on
        elif t == "ReelectionPlanRejected":
            _end(f["r"], pid, on)
        elif t == "ExtensionApproved":
            if f["t"]:  # R-EXTENSION: the deadline moves on the day of the approval, not before
                f["t"][-1][2].append([on, ev.data["new_deadline"]])
        elif t == "ByElectionApproved":
            _end(f["v"], pid, on)

    def _congress(self, s: UnionAlerts, ev: Ev) -> None:
        pid, _, win = self._procedure(s, ev)
        s.facts["c"].append([ev.on, win[ANNUAL]])
        _end(s.facts["p"], pid, ev.on)

    def _annual_congress(self, s: UnionAlerts, ev: Ev) -> None:
        # R-ANNUAL: a congress outside an election counts like any other; it keeps the window of
        # the term's own rule profile (that of the last congress known), else the national default.
        congresses = s.facts["c"]
        congresses.append([ev.on, congresses[-1][1] if congresses else DEFAULT_WINDOWS[ANNUAL]])

    def _withdrawn(self, s: UnionAlerts, ev: Ev) -> None:
        f, on = s.facts, ev.on
        pid, _, _ = self._procedure(s, ev)
        wait = _last_open(f["w"], pid, 2)
        if wait is not None:
            wait[2] = on
        _end(f["p"], pid, on)
        _end(f["r"], pid, on)

    def _legal_person(self, s: UnionAlerts, ev: Ev) -> None:
        _end(s.facts["l"], ev.pid, ev.on)

    # ------------------------------------------------------------------ periods

    def render(self, s: UnionAlerts) -> Rows:
        if s.path is None:
            return {}
        return {
            "proj_alert_facts": [(s.org_id, s.path, dumps(s.facts))],
            "proj_alerts": periods(s.org_id, s.path, s.facts),
        }

    def owner(self, s: UnionAlerts, table: str) -> str | None:
        return s.path if table == "proj_alerts" else s.org_id

    def load(self, conn: Connection, tables: Mapping[str, sa.Table], org_ids: Sequence[str]) -> dict[str, UnionAlerts]:
        out: dict[str, UnionAlerts] = {}
        for org_id, rows in rows_by_org(conn, tables["proj_alert_facts"], org_ids).items():
            s = out[org_id] = UnionAlerts(org_id)
            s.path = rows[0]["path"]
            s.facts = orjson.loads(rows[0]["facts"])
        return out


def _subtract(a: str, b: str, cuts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parts of [a, b] outside every [start, end] of `cuts` (sorted by start)."""
    out: list[tuple[str, str]] = []
    cur = a
    for cs, ce in cuts:
        if ce < cur or cs > b:
            continue
        if cs > cur:
            out.append((cur, day_before(cs)))
        cur = max(cur, day_after(ce))
        if cur > b:
            return out
    if cur <= b:
        out.append((cur, b))
    return out


Row = tuple[Any, ...]


def periods(org_id: str, path: str, f: Mapping[str, Any]) -> list[Row]:
    """Every period in which an alert fires for this union, as `proj_alerts` rows
    (org_id, kind, seq, path, fires_from, fires_until, deadline, rule, procedure_id, window, basis)."""
    rows = _term_periods(org_id, path, f) if f["t"] else []
    # A-APPROVAL-PENDING (R-APPROVER): waited longer than the reply window.
    waits = (
        (pid, add_days_iso(filed, days), decided, f"{days} days", f"{filing} filed {filed}")
        for pid, filed, decided, days, filing in f["w"]
    )
    rows += _overdue(org_id, path, APPROVAL_PENDING, "R-APPROVER", waits)
    # A-VACANCY-OVERDUE (R-VACANCY): no chair after the by-election's due date.
    vacancies = (
        (pid, due, filled, window, f"chair vacant since {since}") for pid, since, due, window, filled in f["v"]
    )
    rows += _overdue(org_id, path, VACANCY_OVERDUE, "R-VACANCY", vacancies)
    if f["t"]:
        rows += _annual_periods(org_id, path, f)
    # A-PREP-STALLED (R-PREP-GROUP): no congress within the window of the group's approval.
    stalls = ((pid, due, ended, window, f"preparatory group approved {on}") for pid, on, due, window, ended in f["p"])
    rows += _overdue(org_id, path, PREP_STALLED, "R-PREP-GROUP", stalls)
    # A-LEGAL-PERSON (RULES.md §3 step 9, after R-FOUNDED): not registered within the window.
    unregistered = ((pid, due, done, window, f"founded {on}") for pid, on, due, window, done in f["l"])
    rows += _overdue(org_id, path, LEGAL_PERSON, "R-FOUNDED", unregistered)
    return rows


def _overdue(org_id: str, path: str, kind: str, rule: str, items: Iterable[tuple[Any, ...]]) -> list[Row]:
    """The periods from the day after each deadline to the day before it was met (open while it
    is not): `items` are (procedure id, deadline, met on or None, window, basis)."""
    rows: list[Row] = []
    n = 0
    for pid, deadline, met, window, basis in items:
        frm, until = day_after(deadline), day_before(met) if met else OPEN
        if frm <= until:
            n += 1
            rows.append((org_id, kind, n, path, frm, until, deadline, rule, pid, window, basis))
    return rows


def _term_periods(org_id: str, path: str, f: Mapping[str, Any]) -> list[Row]:
    """A-TERM-DUE / A-TERM-OVERDUE (R-ON-TIME, R-EXTENSION). A term is current from the day its
    approval (or import) made it so until the day before the next one's; within it, the deadline
    is the term end until an extension's approval, then the extension's end. The reminder stops
    while a re-election is under way (opened, not yet approved, rejected or withdrawn)."""
    rows: list[Row] = []
    add, before, after = rows.append, day_before, day_after
    terms = f["t"]
    started = sorted((opened, before(closed) if closed else OPEN) for _, opened, closed in f["r"])
    due = over = 0
    last = len(terms) - 1
    for i, (became, end, extensions, due_months, by) in enumerate(terms):
        term_until = before(terms[i + 1][0]) if i < last else OPEN
        segments = [(became, end, False)]
        segments += [(max(on, became), new, True) for on, new in extensions]
        for j, (start, deadline, extended) in enumerate(segments):
            until = min(term_until, before(segments[j + 1][0])) if j < len(segments) - 1 else term_until
            if start > until:
                continue
            basis = f"term {i + 1} {'extended to' if extended else 'ends'} {deadline}"
            frm = max(start, after(deadline))
            if frm <= until:
                over += 1
                rule = "R-EXTENSION" if extended else "R-ON-TIME"
                add((org_id, TERM_OVERDUE, over, path, frm, until, deadline, rule, by, "", basis))
            opens = max(start, add_months_iso(deadline, -due_months))
            closes = min(until, deadline)
            if opens <= closes:
                window = f"{due_months} months"
                for a, b in _subtract(opens, closes, started) if started else ((opens, closes),):
                    due += 1
                    add((org_id, TERM_DUE, due, path, a, b, deadline, "R-ON-TIME", by, window, basis))
    return rows


def _annual_periods(org_id: str, path: str, f: Mapping[str, Any]) -> list[Row]:
    """A-NO-ANNUAL-CONGRESS (R-ANNUAL): once founded, no congress within the window of the last one."""
    founded = min(t[0] for t in f["t"])
    congresses = sorted(f["c"])
    # the next congress held on a later day, for each (one pass from the end)
    later: list[str | None] = [None] * len(congresses)
    nxt: str | None = None
    for i in range(len(congresses) - 1, -1, -1):
        later[i] = nxt
        if i and congresses[i - 1][0] < congresses[i][0]:
            nxt = congresses[i][0]
    rows: list[Row] = []
    for i, (held, months) in enumerate(congresses):
        deadline = add_months_iso(held, months)
        following = later[i]
        frm, until = max(day_after(deadline), founded), day_before(following) if following else OPEN
        if frm <= until:
            basis = f"last congress {held}"
            row = (org_id, NO_ANNUAL_CONGRESS, len(rows) + 1, path, frm, until, deadline, "R-ANNUAL", None)
            rows.append((*row, f"{months} months", basis))
    return rows
