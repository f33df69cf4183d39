"""Bearer tokens: issued by an administrator from the command line for a person, a role and an
organisation; shown once; stored only as the SHA-256 of the token (tokens are 256-bit random
strings, so a plain hash is enough: there is nothing to brute-force); revocable; with an expiry.

A token acts for a person; when that person has an account (`api.accounts`), the token is the
account's: it is issued only for one of the account's roles, and a disabled account's tokens are
refused (and revoked when it is disabled). A person without an account may still hold tokens (a
script's own identity, the first administrator's bootstrap token).

A token's check is remembered for a few seconds (`cache_seconds`, the setting
UNIONFLOW_TOKEN_CACHE_SECONDS), so that a request costs no statement for it: a revocation, an
account disabled, in this process or another, takes effect within that many seconds (at once
for one made through this store); the expiry is checked on every request.

The table is the api layer's own (Alembic branch ``api``, `api.tables`), never the event store's."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import Any, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.tables import accounts, api_tokens, metadata
from workflow.authority import Actor, Role

__all__ = ["api_tokens", "metadata"]

TOKEN_PREFIX = "uf_"
ROLES: tuple[str, ...] = get_args(Role)
DEFAULT_DAYS = 90


def utcnow() -> dt.datetime:
    """Naive UTC, as stored (the same on SQLite and PostgreSQL)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token's record, without its secret."""

    token_id: str
    person_id: str
    role: str
    org_id: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    note: str

    def status(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"

    @property
    def actor(self) -> Actor:
        return Actor.model_validate({"person_id": self.person_id, "role": self.role, "org_id": self.org_id})


@dataclass(frozen=True)
class IssuedToken:
    info: TokenInfo
    token: str  # the secret: shown once, never stored


# Tokens remembered at most (the oldest checked is forgotten first): a bound on memory whatever
# the number of tokens presented.
_CACHE_MAX = 10_000


class TokenStore:
    def __init__(self, engine: Engine, *, now: Callable[[], dt.datetime] = utcnow, cache_seconds: float = 5.0) -> None:
        self.engine = engine
        self.now = now
        self.cache_for = dt.timedelta(seconds=cache_seconds)
        # token hash -> (its record, when it was last found valid in the database)
        self._checked: dict[str, tuple[TokenInfo, dt.datetime]] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Drop every remembered check (the next request of each token reads the database)."""
        with self._lock:
            self._checked.clear()

    def issue(self, person_id: str, role: str, org_id: str, *, days: int = DEFAULT_DAYS, note: str = "") -> IssuedToken:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
        if days < 1:
            raise ValueError("a token lives at least one day (--days 1)")
        actor = Actor.model_validate({"person_id": person_id, "role": role, "org_id": org_id})
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        issued = self.now()
        info = TokenInfo(
            token_id="tok_" + secrets.token_hex(6),
            person_id=actor.person_id,
            role=actor.role,
            org_id=actor.org_id,
            issued_at=issued,
            expires_at=issued + dt.timedelta(days=days),
            revoked_at=None,
            note=note,
        )
        with self.engine.begin() as conn:
            conn.execute(api_tokens.insert().values(token_hash=hash_token(token), **asdict(info)))
        return IssuedToken(info, token)

    def list(self) -> list[TokenInfo]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(*[c for c in api_tokens.c if c.name != "token_hash"]).order_by(
                    api_tokens.c.issued_at, api_tokens.c.token_id
                )
            )
            return [token_info(row._mapping) for row in rows]

    def revoke(self, token_id: str) -> TokenInfo | None:
        """Revoke a token (idempotent); None when there is no such token."""
        with self.engine.begin() as conn:
            conn.execute(
                api_tokens.update()
                .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=self.now())
            )
            row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_id == token_id)).first()
        self.forget()
        return token_info(row._mapping) if row is not None else None

    def remembered(self, token: str) -> TokenInfo | None:
        """The token's record when a check of it is remembered and still fresh, and it has not
        expired since (no statement); None means: ask `authenticate`."""
        return self._fresh(hash_token(token), self.now())

    def _fresh(self, digest: str, now: dt.datetime) -> TokenInfo | None:
        remembered = self._checked.get(digest)
        if remembered is None:
            return None
        info, checked = remembered
        return info if now - checked < self.cache_for and info.status(now) == "active" else None

    def authenticate(self, token: str) -> TokenInfo | None:
        """The token's record if it is known, not revoked and not expired; otherwise None. A valid
        check is remembered `cache_seconds`; a refusal never is (a token issued since works)."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest = hash_token(token)
        now = self.now()
        fresh = self._fresh(digest, now)
        if fresh is not None:
            return fresh
        info_now = self._read(digest, now)
        with self._lock:
            if info_now is None:
                self._checked.pop(digest, None)
            else:
                if len(self._checked) >= _CACHE_MAX:
                    del self._checked[next(iter(self._checked))]
                self._checked[digest] = (info_now, now)
        return info_now

    def _read(self, digest: str, now: dt.datetime) -> TokenInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(api_tokens).where(api_tokens.c.token_hash == digest)).first()
            if row is None:
                return None
            info = token_info(row._mapping)
            if info.status(now) != "active" or account_disabled(conn, info.person_id):
                return None
        return info

    def revoke_person(self, conn: sa.Connection, person_id: str) -> int:
        """Revoke every live token of `person_id` (their account was disabled); how many."""
        done = conn.execute(
            api_tokens.update()
            .where(api_tokens.c.person_id == person_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=self.now())
        )
        self.forget()
        return done.rowcount or 0


def account_disabled(conn: sa.Connection, person_id: str) -> bool:
    """True when `person_id` has an account and it is disabled (no account: a token's own person)."""
    status = conn.execute(sa.select(accounts.c.status).where(accounts.c.person_id == person_id)).scalar()
    return status is not None and status != "active"


def token_info(m: Any) -> TokenInfo:
    """A token row (its mapping) as `TokenInfo`."""
    return TokenInfo(**{f.name: m[f.name] for f in fields(TokenInfo)})
