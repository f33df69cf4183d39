"""Browser sessions: a random session id in an HttpOnly, SameSite=Lax cookie, mapped server-side to
the token the person signed in with (its id, never its secret) and to the session's CSRF token.

Every request re-reads the token's record, so a revoked or expired token ends its sessions at
once; the cookie itself expires with the token. The session table lives in the server process: a
restart signs everyone out (the server runs as one process, `unionflow serve`). Sign-in itself is
protected by a double-submit cookie, so no other site can sign a browser in as someone else."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from dataclasses import dataclass

import sqlalchemy as sa
from fastapi import Request, Response
from sqlalchemy.engine import Engine

from api.tokens import TokenInfo, api_tokens, token_info, utcnow
from workflow.authority import Actor

SESSION_COOKIE = "uf_session"
SIGN_IN_CSRF_COOKIE = "uf_signin_csrf"
COOKIE_PATH = "/ui"
MAX_SESSIONS = 50_000


@dataclass(frozen=True)
class Session:
    session_id: str
    token_id: str
    csrf: str
    expires_at: dt.datetime  # the token's expiry (naive UTC, as stored)


@dataclass(frozen=True)
class SignedIn:
    session: Session
    token: TokenInfo

    @property
    def actor(self) -> Actor:
        return self.token.actor


class SessionTable:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, token: TokenInfo) -> Session:
        session = Session(secrets.token_urlsafe(32), token.token_id, secrets.token_urlsafe(32), token.expires_at)
        now = utcnow()
        with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                for sid in [s for s, v in self._sessions.items() if v.expires_at <= now]:
                    del self._sessions[sid]
            if len(self._sessions) >= MAX_SESSIONS:
                # Still full of live sessions: drop the oldest (dicts keep insertion order).
                del self._sessions[next(iter(self._sessions))]
            self._sessions[session.session_id] = session
        return session

    def close(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def find(self, session_id: str | None) -> SignedIn | None:
        """The session and its token's current record, if both are still good."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            return None
        token = self._token(session.token_id)
        if token is None or token.status(utcnow()) != "active":
            self.close(session_id)
            return None
        return SignedIn(session, token)

    def _token(self, token_id: str) -> TokenInfo | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(*[c for c in api_tokens.c if c.name != "token_hash"]).where(api_tokens.c.token_id == token_id)
            ).first()
        if row is None:
            return None
        return token_info(row._mapping)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session_cookie(request: Request, response: Response, session: Session) -> None:
    max_age = max(0, int((session.expires_at - utcnow()).total_seconds()))
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
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
