"""`unionflow demo`: a realistic dataset loaded through the workflow (every step a command by the
person whose step it is), in every situation, firing every alert kind of RULES.md §6 today, with
tokens that work against the HTTP API; only into an empty database; reproducible from its seed."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import projections
from api.cli import app as cli
from api.demo import MIN_UNIONS, SITUATIONS
from api.demo.scope import JOINT_UNITS_NOW
from api.main import create_app
from api.runtime import Runtime
from events import RecordedEvent
from events.catalogue import ExistingTermImported, OrganisationRegistered
from events.flows import DECISION_EVENTS, FILING_EVENTS
from projections.models.alerts import KINDS as ALERT_KINDS

runner = CliRunner()
BASE = "http://demo.test"


def load(url: str, *extra: str, unions: int = MIN_UNIONS) -> str:
    r = runner.invoke(cli, ["demo", "--unions", str(unions), "--base-url", BASE, "--database-url", url, *extra])
    assert r.exit_code == 0, r.output + r.stderr
    return r.stdout


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> str:
    """No schema at all: the demo creates it, as on a fresh machine."""
    return f"sqlite:///{tmp_path / 'demo.db'}"


def test_every_situation_and_every_alert_kind_on_sqlite(empty_sqlite: str) -> None:
    out = load(empty_sqlite)
    rt = Runtime.open(empty_sqlite)
    today = rt.service.clock()
    check_dataset(rt, today)
    check_tokens(rt, out)
    rt.engine.dispose()


@pytest.mark.postgres
def test_every_situation_and_every_alert_kind_on_postgres(pg_url: str) -> None:
    out = load(pg_url)
    rt = Runtime.open(pg_url)
    check_dataset(rt, rt.service.clock())
    check_tokens(rt, out)
    again = runner.invoke(cli, ["demo", "--unions", str(MIN_UNIONS), "--database-url", pg_url])
    assert again.exit_code == 1
    assert "only into an empty database" in again.stderr
    rt.engine.dispose()


def check_dataset(rt: Runtime, today: dt.date) -> None:
    procs = projections.procedures(rt.engine, limit=None).items
    states: dict[str, set[str]] = {}
    for p in procs:
        states.setdefault(p.kind, set()).add(p.state)
    # Foundings at every step, founded unions with and without their legal-person registration.
    assert {
        "requested",
        "preparing",
        "members_recruited",
        "candidates_filed",
        "candidates_approved",
        "congress_held",
        "results_filed",
        "founded",
        "registered",
    } <= states["founding"]
    assert {"plan_filed", "results_filed", "reelected"} <= states["reelection"]
    assert {"requested", "approved"} <= states["extension"]
    assert "approved" in states["early_reelection"]
    assert {"vacant", "consent_requested", "filled"} <= states["by_election"]
    # After an approved early re-election (R-EARLY) the union opened its re-election early.
    early = {q.org_id for q in procs if q.kind == "early_reelection" and q.state == "approved"}
    assert any(p.kind == "reelection" and p.org_id in early for p in procs)
    records = list(rt.store.read_all())
    types = Counter(r.event_type for r in records)
    for event_type in (
        "ExistingTermImported",  # unions founded before the system, imported by an administrator
        "AnnualCongressHeld",  # R-ANNUAL
        "UnitFactsUpdated",  # facts brought up to date before a re-election
        "FoundingRequestRejected",
        "FoundingRequestResubmitted",  # rejected filings filed again
        "CandidatesRejected",
        "ResultsRejected",
        "LegalPersonRegistered",
        "ExtensionApproved",
        "ByElectionApproved",
        "UnitCovered",  # a joint grassroots union's units (RULES.md §7)
        "CoveredUnitLeft",
        "DissolutionApproved",  # R-DISSOLVE
    ):
        assert types[event_type] > 0, event_type
    check_scope(rt, today)
    check_imports(records)
    # Dates spread over years before today, none after it.
    days = [r.occurred_on for r in records]
    assert max(days) <= today
    assert (today - min(days)).days > 6 * 365
    check_roles(records)
    # Every rule-checked step carries its evidence.
    congresses = [r for r in records if r.event_type == "CongressHeld"]
    assert congresses
    assert all({"R-NOTICE", "R-QUORUM"} <= {e["rule"] for e in r.event.evidence} for r in congresses)  # type: ignore[attr-defined]
    # Every alert kind of RULES.md §6 fires today.
    counts = projections.alert_counts(rt.engine, today)
    assert set(ALERT_KINDS) <= set(counts), counts
    # The read models agree with a rebuild from the log.
    assert projections.Projections(rt.engine).compare_with_rebuild().ok


def check_scope(rt: Runtime, today: dt.date) -> None:
    """A joint union's units count as covered, a dissolved union's unit no longer counts, and the
    figures the seed plans set targets for have something to show (RULES.md §7, R-DISSOLVE)."""
    cov = projections.coverage(rt.engine, "DL", today)
    assert cov.units_covered == JOINT_UNITS_NOW
    assert cov.chairs_direct > 0 and cov.chairs_by_committee > 0 and cov.unions_200 > 0
    dissolved = [u for u in projections.register(rt.engine, "DL", limit=None).items if u.dissolved_on]
    assert len(dissolved) == 1 and dissolved[0].dissolved_on is not None and dissolved[0].dissolved_on < today
    assert projections.alerts(rt.engine, today, dissolved[0].org_id, limit=None).items == []


def check_imports(records: list[RecordedEvent]) -> None:
    """Imported unions with every fact a registry may give, and some with their term alone."""
    imported = [r.event for r in records if isinstance(r.event, ExistingTermImported)]
    facts = set(ExistingTermImported.model_fields) - {"org_id", "source", "evidence", "representatives"}
    assert any(all(getattr(ev, f) not in (None, []) for f in facts) for ev in imported), "no import with every fact"
    assert any(ev.founded_on is None and ev.congress_type is None for ev in imported)


def check_roles(records: list[RecordedEvent]) -> None:
    """Every step was taken by the person whose step it is: decisions by an approver of the union's
    direct higher-level union (R-APPROVER), filings and the union's own steps by its staff, the tree
    and registry imports by administrators."""
    parents = {r.event.org_id: r.event.parent_id for r in records if isinstance(r.event, OrganisationRegistered)}
    for r in records:
        org = r.stream_id.removeprefix("org-")
        role, acting = r.metadata.role, r.metadata.acting_org
        if r.event_type in DECISION_EVENTS:
            assert (role, acting) == ("approver", parents[org]), r
        elif r.event_type in ("OrganisationRegistered", "ExistingTermImported"):
            assert role == "admin", r
        else:
            assert (role, acting) == ("staff", org), r
        if r.event_type in FILING_EVENTS:
            assert role == "staff"


def check_tokens(rt: Runtime, out: str) -> None:
    """Each token printed works for the URLs printed with it, and only as its role allows."""
    blocks = re.findall(r"^(staff|approver|auditor|admin) — (\S+) for (\S+) .*?\n((?:  .*\n)+)", out, re.M)
    assert [b[0] for b in blocks] == ["staff", "approver", "auditor", "admin"]
    with TestClient(create_app(rt)) as client:
        for role, person, org, body in blocks:
            token = re.search(r"token: (uf_\S+)", body)
            assert token is not None
            headers = {"Authorization": f"Bearer {token.group(1)}"}
            urls = re.findall(r"try:   curl -H '[^']+' '([^']+)'", body)
            assert urls, body
            for url in urls:
                r = client.get(url.removeprefix(BASE), headers=headers)
                assert r.status_code == 200, (role, url, r.text)
            info = next(t for t in rt.tokens.list() if t.person_id == person)
            assert (info.role, info.org_id) == (role, org)
            if role == "staff":
                # The staff's union has a procedure waiting on them, and the API offers them that step.
                pid = next(u for u in urls if "/procedures/" in u).rsplit("/", 1)[1]
                steps = client.get(f"/procedures/{pid}", headers=headers).json()["allowed_steps"]
                assert [s for s in steps if s["command"] != "WithdrawProcedure"], steps
            if role == "approver":
                assert client.get("/inbox", headers=headers).json()["items"], "the approver's inbox is empty"
            if role == "auditor":
                refused = client.post(
                    "/organisations",
                    json={
                        "org_id": "X1",
                        "name": "X",
                        "level": "township",
                        "parent_id": "DL-ZS",
                        "occurred_on": "2024-01-01",
                    },
                    headers=headers,
                )
                assert refused.status_code == 403
            check_web_sign_in(client, person, role, org, body)


def check_web_sign_in(client: TestClient, person: str, role: str, org: str, body: str) -> None:
    """The person id and password printed sign in on the web, in the role printed."""
    password = re.search(rf"web:   person id {re.escape(person)}  password (\S+)", body)
    assert password is not None, body
    client.cookies.clear()
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/sign-in").text)
    assert csrf is not None
    form = {"person_id": person, "password": password.group(1), "csrf": csrf.group(1), "next": "/ui/"}
    assert client.post("/ui/sign-in", data=form, follow_redirects=False).status_code == 303
    page = client.get("/ui/")
    # the header names the person signed in (by the name of their account, the id on hover)
    assert page.status_code == 200 and f'<strong title="{person}">' in page.text and org in page.text, role
    client.cookies.clear()


def test_the_same_seed_gives_the_same_log(tmp_path: Path) -> None:
    logs = []
    for name in ("a", "b"):
        url = f"sqlite:///{tmp_path / name}.db"
        load(url, "--seed", "11")
        rt = Runtime.open(url)
        logs.append([(r.stream_id, r.version, r.occurred_on, r.event.model_dump()) for r in rt.store.read_all()])
        rt.engine.dispose()
    assert logs[0] == logs[1]


def test_demo_refuses_a_database_that_is_not_empty(empty_sqlite: str) -> None:
    load(empty_sqlite)
    rt = Runtime.open(empty_sqlite)
    before = rt.store.last_position()
    again = runner.invoke(cli, ["demo", "--unions", str(MIN_UNIONS), "--database-url", empty_sqlite])
    assert again.exit_code == 1
    assert again.stderr.count("\n") == 1 and "only into an empty database" in again.stderr
    # What ./scripts/serve runs on every start: loads nothing now, says how to get tokens, succeeds.
    later = runner.invoke(cli, ["demo", "--if-empty", "--unions", str(MIN_UNIONS), "--database-url", empty_sqlite])
    assert later.exit_code == 0 and later.stdout == ""
    assert "no demo loaded" in later.stderr and "unionflow token issue" in later.stderr
    assert rt.store.last_position() == before
    rt.engine.dispose()


def test_too_few_unions_for_every_situation(empty_sqlite: str) -> None:
    r = runner.invoke(cli, ["demo", "--unions", "5", "--database-url", empty_sqlite])
    assert r.exit_code == 2
    assert r.stderr.strip() == f"error: --unions: at least {MIN_UNIONS}, so that every situation appears once"
    assert len(SITUATIONS) == MIN_UNIONS
