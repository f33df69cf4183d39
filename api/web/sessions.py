"""Browser sessions, kept in the database (`web_sessions`) so that every worker process shares
them and a restart keeps them: the cookie carries a random 256-bit value; the table holds only its
SHA-256 (a copy of the table signs nobody in), the person, the role they act in, the token they
signed in with (if they used one) and the session's CSRF token.

A session ends when its person signs out, after `session_idle_minutes` without a request, at the
latest `session_hours` after signing in (or when its token expires), and at once when the account
is disabled, its password is set again, or the token it was opened with is revoked: every request
re-reads the account and the token. Signing in always opens a new session (and ends the one the
browser carried): an id planted before sign-in is worth nothing after it (session fixation).
Sign-in itself is protected by a double-submit cookie, so no other site can sign a browser in as
someone else."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request, Response
from sqlalchemy.engine import Connection, Engine

from api.accounts import AccountStore, Grant
from api.settings import Settings
from api.tables import api_tokens, web_sessions
from api.tokens import TokenInfo, token_info, utcnow
from workflow.authority import Actor

SESSION_COOKIE = "uf_session"
SIGN_IN_CSRF_COOKIE = "uf_signin_csrf"
COOKIE_PATH = "/ui"
TOUCH_EVERY = dt.timedelta(minutes=1)  # last_seen_at is written at most this often per session


def hash_session_id(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    session_id: str  # the SHA-256 of the cookie's value (the value itself is never stored)
    person_id: str
    role: str
    org_id: str
    token_id: str | None
    csrf: str
    expires_at: dt.datetime  # absolute (naive UTC, as stored)


@dataclass(frozen=True)
class SignedIn:
    session: Session
    actor: Actor


@dataclass(frozen=True)
class Opened:
    cookie: str  # the value for the browser, shown once
    session: Session


class SessionTable:
    def __init__(
        self,
        engine: Engine,
        accounts: AccountStore,
        *,
        idle: dt.timedelta,
        longest: dt.timedelta,
        now: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.accounts = accounts
        self.idle = idle
        self.longest = longest
        self.now = now

    @classmethod
    def from_settings(cls, engine: Engine, accounts: AccountStore, settings: Settings) -> SessionTable:
        return cls(
            engine,
            accounts,
            idle=dt.timedelta(minutes=settings.session_idle_minutes),
            longest=dt.timedelta(hours=settings.session_hours),
        )

    def open(
        self, person_id: str, grant: Grant, *, token: TokenInfo | None = None, replacing: str | None = None
    ) -> Opened:
        """A new session for `person_id` acting as `grant` (with the token signed in with, if any);
        the browser's previous session, `replacing`, ends."""
        now = self.now()
        expires = now + self.longest
        if token is not None:
            expires = min(expires, token.expires_at)
        cookie = secrets.token_urlsafe(32)
        session = Session(
            hash_session_id(cookie),
            person_id,
            grant.role,
            grant.org_id,
            token.token_id if token else None,
            secrets.token_urlsafe(32),
            expires,
        )
        with self.engine.begin() as conn:
            # Sweep: sessions past their expiry or idle too long (no worker keeps a timer).
            conn.execute(
                web_sessions.delete().where(
                    sa.or_(web_sessions.c.expires_at <= now, web_sessions.c.last_seen_at < now - self.idle)
                )
            )
            if replacing:
                conn.execute(web_sessions.delete().where(web_sessions.c.session_hash == hash_session_id(replacing)))
            conn.execute(
                web_sessions.insert().values(
                    session_hash=session.session_id,
                    person_id=person_id,
                    role=grant.role,
                    org_id=grant.org_id,
                    token_id=session.token_id,
                    csrf=session.csrf,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=expires,
                )
            )
        return Opened(cookie, session)

    def close(self, session_id: str) -> None:
        """End the session whose hash is `session_id` (signing out)."""
        with self.engine.begin() as conn:
            conn.execute(web_sessions.delete().where(web_sessions.c.session_hash == session_id))

    def find(self, cookie: str | None) -> SignedIn | None:
        """The session the cookie names, if it is still good (and its account and token are)."""
        if not cookie or len(cookie) > 100:
            return None
        digest = hash_session_id(cookie)
        now = self.now()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(web_sessions).where(web_sessions.c.session_hash == digest)).first()
            if row is None:
                return None
            good = self._still_good(conn, row, now)
        if not good:
            self.close(digest)
            return None
        if now - row.last_seen_at >= TOUCH_EVERY:
            with self.engine.begin() as conn:
                conn.execute(
                    web_sessions.update().where(web_sessions.c.session_hash == digest).values(last_seen_at=now)
                )
        session = Session(digest, row.person_id, row.role, row.org_id, row.token_id, row.csrf, row.expires_at)
        actor = Actor.model_validate({"person_id": row.person_id, "role": row.role, "org_id": row.org_id})
        return SignedIn(session, actor)

    def _still_good(self, conn: Connection, row: sa.Row, now: dt.datetime) -> bool:
        if row.expires_at <= now or now - row.last_seen_at > self.idle:
            return False
        if row.token_id is not None:
            token = conn.execute(
                sa.select(*[c for c in api_tokens.c if c.name != "token_hash"]).where(
                    api_tokens.c.token_id == row.token_id
                )
            ).first()
            if token is None or token_info(token._mapping).status(now) != "active":
                return False
        account = self.accounts.get(row.person_id, conn)
        if account is None:
            return row.token_id is not None  # a token's own person (no account): the token decides
        if not account.active:
            return False
        # A password session acts in one of the account's roles; a token's role was checked when issued.
        return row.token_id is not None or Grant(row.role, row.org_id) in account.grants


def _secure(request: Request) -> bool:
    configured: bool | None = getattr(request.app.state, "cookie_secure", None)
    return configured if configured is not None else request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, opened: Opened) -> None:
    max_age = max(0, int((opened.session.expires_at - utcnow()).total_seconds()))
    response.set_cookie(
        SESSION_COOKIE,
        opened.cookie,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax", secure=_secure(request))


def sign_in_csrf(request: Request) -> str:
    """The sign-in form's CSRF value: the cookie's, or a new one (set by `set_sign_in_csrf`)."""
    value = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
    return value if 20 <= len(value) <= 100 else secrets.token_urlsafe(32)


def set_sign_in_csrf(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        SIGN_IN_CSRF_COOKIE,
        value,
        max_age=3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and secrets.compare_digest(str(expected), str(given))
