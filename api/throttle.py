"""Sign-in throttling, in the database so that every worker process shares it (and a restart
forgets nothing): failed sign-ins are counted per person id and per client address; past a number
of failures each further failure locks that key for a growing delay (doubling, up to a ceiling).
While a key is locked no password is checked at all. A success clears the person's count (not the
address's: one good account must not reset a guesser's count over many ids); a key whose last
failure is older than the window starts again from zero."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.tables import sign_in_throttle, writing
from api.tokens import utcnow


@dataclass(frozen=True)
class Policy:
    free: int  # failures before the first lock
    first_lock: dt.timedelta
    longest_lock: dt.timedelta
    window: dt.timedelta  # failures older than this (since the last one) are forgotten

    def lock_for(self, failures: int) -> dt.timedelta | None:
        """How long the key is locked after its `failures`-th failure (None: not yet)."""
        if failures < self.free:
            return None
        doubled = self.first_lock * (2 ** min(failures - self.free, 20))
        return min(doubled, self.longest_lock)


PERSON = Policy(
    free=5, first_lock=dt.timedelta(seconds=30), longest_lock=dt.timedelta(hours=1), window=dt.timedelta(hours=24)
)
# An office behind one address: more room before a lock, the same growth.
ADDRESS = Policy(
    free=20, first_lock=dt.timedelta(seconds=30), longest_lock=dt.timedelta(hours=1), window=dt.timedelta(hours=24)
)


def person_key(person_id: str) -> str:
    return "person:" + person_id[:200]


def address_key(address: str) -> str:
    return "address:" + address[:100]


class Throttle:
    def __init__(self, engine: Engine, *, now: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.now = now

    def locked_for(self, keys: list[str]) -> int:
        """Seconds until every one of `keys` may try again (0: none is locked)."""
        now = self.now()
        with self.engine.connect() as conn:
            until = conn.execute(
                sa.select(sa.func.max(sign_in_throttle.c.locked_until)).where(
                    sign_in_throttle.c.key.in_(keys), sign_in_throttle.c.locked_until > now
                )
            ).scalar()
        return 0 if until is None else max(1, int((until - now).total_seconds() + 0.999))

    def failed(self, keys: list[tuple[str, Policy]]) -> None:
        """Count one failure against each key (and lock it when its policy says so)."""
        with writing(self.engine) as conn:
            for key, policy in keys:
                self._count(conn, key, policy)

    def succeeded(self, key: str) -> None:
        with writing(self.engine) as conn:
            conn.execute(sign_in_throttle.delete().where(sign_in_throttle.c.key == key))

    def _count(self, conn: Connection, key: str, policy: Policy) -> None:
        now = self.now()
        t = sign_in_throttle
        row = conn.execute(sa.select(t.c.failures, t.c.last_failure_at).where(t.c.key == key).with_for_update()).first()
        if row is None:
            # Two workers may both insert the first failure: the loser counts on the winner's row.
            try:
                with conn.begin_nested():
                    conn.execute(
                        t.insert().values(key=key, failures=1, last_failure_at=now, locked_until=_until(now, policy, 1))
                    )
                return
            except sa.exc.IntegrityError:
                row = conn.execute(
                    sa.select(t.c.failures, t.c.last_failure_at).where(t.c.key == key).with_for_update()
                ).one()
        failures = 1 if now - row.last_failure_at > policy.window else row.failures + 1
        conn.execute(
            t.update()
            .where(t.c.key == key)
            .values(failures=failures, last_failure_at=now, locked_until=_until(now, policy, failures))
        )


def _until(now: dt.datetime, policy: Policy, failures: int) -> dt.datetime | None:
    lock = policy.lock_for(failures)
    return now + lock if lock is not None else None
