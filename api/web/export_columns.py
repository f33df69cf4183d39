"""The columns of each list's export: its key (the header is `col.<key>` of the catalogue, in the
reader's language: `api.web.i18n.columns`) and the cell each row gives, with codes said in words
(levels, kinds, states, alerts: as the pages say them) and the code itself beside a name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from api.web.lists import ProcedureRow, UnionRow, state_words


@dataclass(frozen=True)
class Words:
    """The reader's words: `t` of the catalogue, and a procedure's state as its kind names it."""

    t: Callable[..., str]
    lang: str

    def __call__(self, key: str, default: str | None = None, **values: object) -> str:
        return self.t(key, default, **values)

    def state(self, kind: str, state: str) -> str:
        return state_words(self.lang, kind, state)


Translate = Words


@dataclass(frozen=True)
class Col:
    key: str
    cell: Callable[[Any, Translate], Any]
    percent: bool = False  # a share, shown as a percentage in .xlsx


def _attr(name: str) -> Callable[[Any, Translate], Any]:
    return lambda row, t: getattr(row, name)


def _rec(name: str, prefix: str = "") -> Callable[[UnionRow, Translate], Any]:
    """A field of the union's record; with `prefix`, a code said in words (`prefix` + code)."""

    def cell(row: UnionRow, t: Translate) -> Any:
        value = getattr(row.record, name)
        if isinstance(value, bool):
            return t("yes") if value else t("no")
        if isinstance(value, list):
            return "、".join(value) or None
        return t(prefix + value, value) if prefix and value is not None else value

    return cell


def _alert_names(kinds: list[str], t: Translate) -> str:
    return "、".join(t(k, k) for k in kinds)


UNION_COLUMNS: tuple[Col, ...] = (
    Col("name", _rec("name")),
    Col("org_id", _rec("org_id")),
    Col("level", _rec("level", "choice.")),
    Col("parent", lambda r, t: r.parent_name),
    Col("parent_id", _rec("parent_id")),
    Col("union_state", lambda r, t: t(f"list.ustate.{r.state}") if r.state else None),
    Col("unit_type", _rec("unit_type", "choice.")),
    Col("employees", _rec("employees")),
    Col("members", _rec("members")),
    Col("founded_on", _rec("founded_on")),
    Col("chair", _rec("chair")),
    Col("term_deadline", _rec("deadline")),
    Col("alerts", lambda r, t: _alert_names(r.alerts, t)),
)

# The register: every fact it holds of each union (not the read model's own bookkeeping).
_REGISTER_FACTS: tuple[tuple[str, str], ...] = (
    ("registered_on", ""),
    ("unit_name", ""),
    ("unit_type", "choice."),
    ("employees", ""),
    ("members", ""),
    ("female_members", ""),
    ("has_party_org", ""),
    ("form", "choice."),
    ("congress_type", "choice."),
    ("representatives", ""),
    ("committee", ""),
    ("committee_size", ""),
    ("chair", ""),
    ("chair_elected_by", "choice."),
    ("chair_full_time", ""),
    ("vice_chairs", ""),
    ("acting_chair", ""),
    ("funds_review", ""),
    ("funds_review_director", ""),
    ("women_director", ""),
    ("term_number", ""),
    ("term_start", ""),
    ("term_years", ""),
    ("term_end", ""),
    ("extension_until", ""),
    ("founded_on", ""),
    ("founding_document_no", ""),
    ("legal_person_no", ""),
    ("legal_person_on", ""),
    ("last_congress_on", ""),
    ("dissolved_on", ""),
    ("dissolution_reason", "choice."),
)
REGISTER_COLUMNS: tuple[Col, ...] = (
    *UNION_COLUMNS[:6],
    *(Col(name, _rec(name, prefix)) for name, prefix in _REGISTER_FACTS),
    Col("term_deadline", _rec("deadline")),
)


def _waiting_on(row: ProcedureRow, t: Translate) -> str | None:
    p = row.status
    if p.closed:
        return t("list.closed")
    if p.waiting_on == p.org_id:
        return t("list.waiting.union")
    return row.waiting_on_name or p.waiting_on


PROCEDURE_COLUMNS: tuple[Col, ...] = (
    Col("procedure_id", lambda r, t: r.status.procedure_id),
    Col("kind", lambda r, t: t(f"kind.{r.status.kind}", r.status.kind)),
    Col("name", lambda r, t: r.union_name),
    Col("org_id", lambda r, t: r.status.org_id),
    Col("state", lambda r, t: t.state(r.status.kind, r.status.state)),
    Col("opened_on", lambda r, t: r.status.opened_on),
    Col("last_moved_on", lambda r, t: r.status.last_moved_on),
    Col("waiting_on", _waiting_on),
    Col("waiting_for", lambda r, t: t(f"waiting.{w}", w) if (w := r.status.waiting_for) else None),
    Col("filed_on", lambda r, t: r.status.filed_on),
)


@dataclass(frozen=True)
class Named:
    """A row of another read model with the name of the union it is about."""

    item: Any
    name: str | None


ALERT_COLUMNS: tuple[Col, ...] = (
    Col("name", _attr("name")),
    Col("org_id", lambda r, t: r.item.org_id),
    Col("kind", lambda r, t: t(r.item.kind, r.item.kind)),
    Col("deadline", lambda r, t: r.item.deadline),
    Col("days_overdue", lambda r, t: r.item.days_overdue),
    Col("rule", lambda r, t: r.item.rule),
    Col("basis", lambda r, t: r.item.basis),
    Col("procedure_id", lambda r, t: r.item.procedure_id),
)

INBOX_COLUMNS: tuple[Col, ...] = (
    Col("filed_on", lambda r, t: r.item.filed_on),
    Col("waited_days", lambda r, t: r.item.waited_days),
    Col("overdue", lambda r, t: t("yes") if r.item.overdue else t("no")),
    Col("name", _attr("name")),
    Col("org_id", lambda r, t: r.item.org_id),
    Col("kind", lambda r, t: t(f"kind.{r.item.kind}", r.item.kind)),
    Col("waiting_for", lambda r, t: t(f"waiting.{r.item.waiting_for}", r.item.waiting_for)),
    Col("procedure_id", lambda r, t: r.item.procedure_id),
    Col("filed_by", lambda r, t: r.item.filed_by.get("actor_id")),
)


def _figure(name: str) -> Col:
    def cell(row: Named, t: Translate) -> float | None:
        value = row.item.figures()[name]
        return None if value is None else round(value, 4)

    return Col(name, cell, percent=True)


COVERAGE_COLUMNS: tuple[Col, ...] = (
    Col("name", _attr("name")),
    Col("org_id", lambda r, t: r.item.subtree),
    Col("on", lambda r, t: r.item.on),
    Col("units", lambda r, t: r.item.units),
    Col("founded", lambda r, t: r.item.founded),
    _figure("founding_rate"),
    _figure("founding_rate_25plus"),
    _figure("founding_rate_enterprises"),
    Col("members", lambda r, t: r.item.members),
    _figure("membership_rate"),
    Col("terms_ended", lambda r, t: r.item.terms_ended),
    _figure("on_time_rate"),
    _figure("direct_election_share"),
    Col("unions_200", lambda r, t: r.item.unions_200),
    Col("without_full_time_chair", lambda r, t: r.item.without_full_time_chair),
)
