"""Accounts, password hashing, sign-in throttling and database sessions, on SQLite and PostgreSQL,
with a clock the tests move (no sleeps)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from api import passwords, throttle
from api.accounts import AccountError, AccountStore, Grant, parse_grant
from api.runtime import Runtime
from api.tables import account_log, web_sessions
from api.throttle import Throttle
from api.web.sessions import SessionTable, hash_session_id

T0 = dt.datetime(2026, 12, 1, 9, 0, 0)
PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rt(db_url: str, clock: Clock) -> Iterator[Runtime]:
    runtime = Runtime.open(db_url)
    runtime.upgrade()
    runtime.tokens.now = clock
    runtime.accounts = AccountStore(runtime.engine, runtime.tokens, now=clock)
    runtime.throttle = Throttle(runtime.engine, now=clock)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def table(rt: Runtime, clock: Clock) -> SessionTable:
    return SessionTable(
        rt.engine, rt.accounts, idle=dt.timedelta(minutes=60), longest=dt.timedelta(hours=12), now=clock
    )


def _add(rt: Runtime, person: str = "p1", *grants: str) -> None:
    rt.accounts.add(person, "张三", [parse_grant(g) for g in grants or ("staff:U1",)], PASSWORD, by="test")


def test_passwords_are_argon2id_and_only_their_hash_is_stored(rt: Runtime) -> None:
    _add(rt)
    with rt.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM accounts")).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert rt.accounts.check_password("p1", PASSWORD) is not None
    assert rt.accounts.check_password("p1", PASSWORD + "x") is None


@pytest.mark.parametrize("bad", ["short", "x" * 1025, "ten chars\n and a newline"])
def test_a_weak_or_odd_password_is_refused(rt: Runtime, bad: str) -> None:
    with pytest.raises(AccountError):
        rt.accounts.add("p1", "n", [Grant("staff", "U1")], bad, by="test")
    assert rt.accounts.get("p1") is None


def test_an_unknown_person_costs_one_argon2_verification_too(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    # The answer's timing must not tell which person ids exist: the same Argon2 work either way.
    _add(rt)
    calls: list[str] = []
    real = passwords.HASHER

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(passwords, "HASHER", Counting())
    assert rt.accounts.check_password("nobody", PASSWORD) is None
    assert rt.accounts.check_password("p1", "wrong password!") is None
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


def test_roles_ids_and_duplicates_are_checked(rt: Runtime) -> None:
    with pytest.raises(AccountError, match="unknown role"):
        parse_grant("boss:U1")
    with pytest.raises(AccountError, match="ROLE:ORG"):
        parse_grant("staff")
    _add(rt, "p1", "staff:U1", "auditor:JA")
    assert rt.accounts.get("p1").grants == (Grant("staff", "U1"), Grant("auditor", "JA"))  # type: ignore[union-attr]
    with pytest.raises(AccountError, match="already has an account"):
        _add(rt)
    with pytest.raises(AccountError, match="control"):
        rt.accounts.add("p\x002", "n", [Grant("staff", "U1")], PASSWORD, by="test")


def test_every_change_is_logged_append_only(rt: Runtime) -> None:
    _add(rt)
    rt.accounts.set_password("p1", "another long one", by="admin-1")
    rt.accounts.disable("p1", by="admin-1")
    assert [(e.action, e.by) for e in rt.accounts.log("p1")] == [
        ("created", "test"),
        ("password_set", "admin-1"),
        ("disabled", "admin-1"),
    ]
    with rt.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(account_log)).scalar() == 3


def test_five_failures_lock_the_person_for_a_growing_delay(rt: Runtime, clock: Clock) -> None:
    keys = [throttle.person_key("p1")]
    for _ in range(4):
        rt.throttle.failed([(keys[0], throttle.PERSON)])
    assert rt.throttle.locked_for(keys) == 0
    rt.throttle.failed([(keys[0], throttle.PERSON)])  # the fifth
    assert rt.throttle.locked_for(keys) == 30
    clock.advance(seconds=30)
    assert rt.throttle.locked_for(keys) == 0
    rt.throttle.failed([(keys[0], throttle.PERSON)])  # the sixth: twice as long
    assert rt.throttle.locked_for(keys) == 60
    clock.advance(hours=25)  # past the window: counted from zero again
    rt.throttle.failed([(keys[0], throttle.PERSON)])
    assert rt.throttle.locked_for(keys) == 0
    assert throttle.PERSON.lock_for(60) == dt.timedelta(hours=1)  # the ceiling


def test_a_success_clears_the_person_not_the_address(rt: Runtime) -> None:
    person, address = throttle.person_key("p1"), throttle.address_key("10.0.0.1")
    for _ in range(4):
        rt.throttle.failed([(person, throttle.PERSON), (address, throttle.ADDRESS)])
    rt.throttle.succeeded(person)
    rt.throttle.failed([(person, throttle.PERSON)])
    assert rt.throttle.locked_for([person]) == 0
    for _ in range(16):
        rt.throttle.failed([(address, throttle.ADDRESS)])
    assert rt.throttle.locked_for([address]) == 30


def test_a_session_is_stored_by_its_hash_and_found_by_its_cookie(rt: Runtime, table: SessionTable) -> None:
    _add(rt)
    opened = table.open("p1", Grant("staff", "U1"))
    with rt.engine.connect() as conn:
        stored = conn.execute(sa.select(web_sessions.c.session_hash)).scalars().all()
    assert stored == [hash_session_id(opened.cookie)] and opened.cookie not in stored
    found = table.find(opened.cookie)
    assert found is not None and found.actor.person_id == "p1" and found.actor.role == "staff"
    assert table.find(opened.session.session_id) is None  # the stored hash is no cookie
    table.close(opened.session.session_id)
    assert table.find(opened.cookie) is None


def test_sessions_expire_when_idle_and_at_the_latest_after_the_absolute_limit(
    rt: Runtime, table: SessionTable, clock: Clock
) -> None:
    _add(rt)
    idle = table.open("p1", Grant("staff", "U1"))
    clock.advance(minutes=61)
    assert table.find(idle.cookie) is None
    busy = table.open("p1", Grant("staff", "U1"))
    for _ in range(12):
        clock.advance(minutes=59)
        assert table.find(busy.cookie) is not None
    clock.advance(minutes=13)  # 12 h after signing in, however busy
    assert table.find(busy.cookie) is None


def test_disabling_or_a_new_password_ends_the_sessions(rt: Runtime, table: SessionTable) -> None:
    _add(rt, "p1")
    _add(rt, "p2")
    one, two = table.open("p1", Grant("staff", "U1")), table.open("p2", Grant("staff", "U1"))
    assert rt.accounts.set_password("p1", "a new long password", by="test")
    assert table.find(one.cookie) is None and table.find(two.cookie) is not None
    token = rt.tokens.issue("p2", "staff", "U1").token
    assert rt.accounts.disable("p2", by="test")
    assert table.find(two.cookie) is None
    assert rt.tokens.authenticate(token) is None  # its tokens are revoked too
    assert rt.accounts.check_password("p2", PASSWORD) is None


def test_revoking_the_token_ends_a_session_opened_with_it(rt: Runtime, table: SessionTable) -> None:
    issued = rt.tokens.issue("script-1", "auditor", "JA")
    opened = table.open("script-1", Grant("auditor", "JA"), token=issued.info)
    assert table.find(opened.cookie) is not None
    rt.tokens.revoke(issued.info.token_id)
    assert table.find(opened.cookie) is None


def test_a_password_session_ends_when_its_account_is_gone(rt: Runtime, table: SessionTable) -> None:
    opened = table.open("ghost", Grant("staff", "U1"))  # no account, no token
    assert table.find(opened.cookie) is None


def test_a_wrong_password_and_an_unknown_person_take_about_as_long(rt: Runtime) -> None:
    # An attacker timing the answers learns nothing of which ids exist: both cost one Argon2
    # verification (the medians of a few tries stay within a factor of two of each other).
    import statistics
    import time

    _add(rt)

    def median(person: str) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            assert rt.accounts.check_password(person, "not the password") is None
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    known, unknown = median("p1"), median("nobody")
    assert 0.5 < known / unknown < 2.0, (known, unknown)
