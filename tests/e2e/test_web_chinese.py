"""The Chinese pages say everything in Chinese: on the demo's data (every situation the engine
knows), the dashboard, the alerts, the unions, a procedure in each state it reaches, the inbox, the
audit pages and refusals show no event type, no state code and no evidence key as visible text
(an organisation's or a procedure's id may stand small beside its name; a code on hover is no text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.demo import CITY, MIN_UNIONS, load_demo
from api.main import create_app
from api.runtime import Runtime
from events.catalogue import CATALOGUE
from events.flows import FLOWS
from projections import queries
from tests.e2e.conftest import Api


class _Visible(HTMLParser):
    """The text a person reads: the page's text and the labels read out, not the attributes that
    hold codes for the links and for hover."""

    SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        self.parts += [value for name, value in attrs if name in ("aria-label", "placeholder", "alt") and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def _ascii_keys(value: Any) -> Iterator[str]:
    """Every key of a payload or an evidence item, nested ones too (a vote's tallies are keyed by
    the candidates' names: not codes)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.isascii():
                yield key
                yield from _ascii_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _ascii_keys(inner)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    url = f"sqlite:///{tmp_path_factory.mktemp('zh') / 'demo.db'}"
    rt = Runtime.open(url)
    rt.upgrade()
    load_demo(rt, unions=MIN_UNIONS)
    with TestClient(create_app(rt)) as client:
        yield Api(rt, client)
    rt.engine.dispose()


@pytest.fixture(scope="module")
def codes(demo: Api) -> set[str]:
    """The catalogue's event types, the flows' state codes and every key the demo's events hold."""
    keys = {key for recorded in demo.rt.store.read_all() for key in _ascii_keys(recorded.event.model_dump(mode="json"))}
    states = {state.name for flow in FLOWS.values() for state in flow.states}
    return set(CATALOGUE.event_types) | states | keys


def _shown_codes(html: str, codes: set[str]) -> set[str]:
    text = visible_text(html)
    # a code as a word of its own, not a part of an id (DL-GJZ-01-001:reelection-1) or of a name
    words = set(re.findall(r"(?<![\w:./@-])[A-Za-z][A-Za-z_]*(?![\w:./@-])", text))
    return words & codes


def _pages_in_states(rt: Runtime) -> list[str]:
    """One procedure in each (kind, state) the demo's procedures are in."""
    seen: dict[tuple[str, str], str] = {}
    for p in queries.procedures(rt.engine, subtree=CITY, limit=None).items:
        seen.setdefault((p.kind, p.state), p.procedure_id)
    return sorted(seen.values())


def _check(demo: Api, codes: set[str], paths: list[str]) -> None:
    shown = {}
    for path in paths:
        page = demo.client.get(path)
        assert page.status_code in (200, 403, 422), (path, page.status_code)
        assert '<html lang="zh-CN">' in page.text
        found = _shown_codes(page.text, codes)
        if found:
            shown[path] = sorted(found)
    assert shown == {}


def test_the_auditors_pages_show_no_code(demo: Api, codes: set[str]) -> None:
    rt = demo.rt
    demo.web_sign_in("auditor", CITY)
    procedures = _pages_in_states(rt)
    assert len(procedures) > 20  # the demo reaches every state: the test looks at many
    unions = sorted({pid.split(":")[0] for pid in procedures})
    paths = ["/ui/", f"/ui/alerts?org={CITY}", f"/ui/alerts?org={CITY}&as_of=2020-06-01"]
    paths += [f"/ui/audit?org={CITY}&scope=subtree&as_of={rt.service.clock()}"]
    paths += [f"/ui/audit?org={u}&as_of={rt.service.clock()}" for u in unions[:6]]
    paths += [f"/ui/unions/{u}" for u in unions]
    paths += [f"/ui/procedures/{pid}" for pid in procedures]
    _check(demo, codes, paths)


def test_the_approvers_inbox_and_a_refusal_show_no_code(demo: Api, codes: set[str]) -> None:
    """The approver of the street with filings waiting reads the inbox; the city's approver, who
    is not the union's direct higher-level union, is refused a decision (R-APPROVER): the refusal
    page names the rule's title and the unions, in Chinese."""
    rt = demo.rt
    waiting = [p for p in queries.procedures(rt.engine, subtree=CITY, limit=None).items if p.waiting_on]
    street = next(p.waiting_on for p in waiting if p.waiting_on != p.org_id)
    pid = next(p.procedure_id for p in waiting if p.waiting_on == street)
    demo.web_sign_in("approver", street)
    _check(demo, codes, ["/ui/inbox", f"/ui/procedures/{pid}"])
    demo.web_sign_in("approver", CITY)
    page = demo.client.get(f"/ui/procedures/{pid}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf is not None
    form = {
        "csrf": csrf.group(1),
        "occurred_on": str(rt.service.clock()),
        "document_no": "大工发〔2026〕1号",
        "confirm": "yes",  # an approval is confirmed before it is sent
    }
    refused = demo.client.post(f"/ui/procedures/{pid}/steps/approve", data=form)
    assert refused.status_code == 403 and 'id="refusal"' in refused.text
    assert "由直接上一级工会审批" in refused.text and "的报批事项由其直接上一级工会" in refused.text
    assert _shown_codes(refused.text, codes) == set()
    assert "filings of" not in visible_text(refused.text)


def test_a_refusal_with_numbers_says_them_in_chinese(demo: Api, codes: set[str]) -> None:
    """R-QUORUM on the yearly congress of a union with a term: too few present is refused, and the
    page says how many were present, due and needed, in Chinese."""
    rt = demo.rt
    union = next(
        r
        for r in queries.register(rt.engine, CITY, level="grassroots", limit=None).items
        if r.term_number and r.congress_type and not r.dissolved_on and (r.members or 0) > 30
    )
    demo.web_sign_in("staff", union.org_id)
    page = demo.client.get(f"/ui/unions/{union.org_id}/record/congresses").text
    values = dict(re.findall(r'<input[^>]*name="([^"]+)" value="([^"]*)"', page))
    refused = demo.client.post(
        f"/ui/unions/{union.org_id}/record/congresses",
        data=values | {"occurred_on": str(rt.service.clock()), "present": "1", "agenda": "工作报告"},
    )
    assert refused.status_code == 422, visible_text(refused.text)[-500:]
    shown = visible_text(refused.text)
    assert re.search(r"到会 1 人，应到 \d+ 人；至少需要 \d+ 人（三分之二）", shown), shown[-800:]
    assert _shown_codes(refused.text, codes) == set()


def test_a_bad_date_in_the_alerts_url_is_an_error_naming_it(demo: Api) -> None:
    demo.web_sign_in("auditor", CITY)
    bad = demo.client.get(f"/ui/alerts?org={CITY}&as_of=garbage")
    assert bad.status_code == 422
    assert "“garbage”不是日期" in visible_text(bad.text)
    past = visible_text(demo.client.get(f"/ui/alerts?org={CITY}&as_of=1990-01-01").text)
    assert "截至 1990-01-01 没有预警" in past and "今天没有预警" not in past
