"""Accounts: a person (their id, as recorded in every event they cause), a name, roles at
organisations (each an `Actor` they may act as: the roles bearer tokens carry) and a status
(active or disabled), with an Argon2id password hash (`api.passwords`) for signing in on the web.

Disabling an account ends its web sessions and revokes its tokens in the same transaction; setting
a new password ends its sessions (whoever had the old one is signed out). Every change is appended
to `account_log` (who, what, when), which nothing updates or deletes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api import passwords
from api.tables import account_log, account_roles, accounts, web_sessions, writing
from api.tokens import ROLES, TokenStore, utcnow
from workflow.authority import Actor

ACTIVE = "active"
DISABLED = "disabled"
MAX_NAME = 200
MAX_PERSON_ID = 200


class AccountError(ValueError):
    """A change refused: the message says why (an unknown role, a taken person id, a weak password)."""


@dataclass(frozen=True)
class Grant:
    """One role at one organisation: what a token or a session acts as."""

    role: str
    org_id: str

    def actor(self, person_id: str) -> Actor:
        return Actor.model_validate({"person_id": person_id, "role": self.role, "org_id": self.org_id})

    def __str__(self) -> str:
        return f"{self.role}:{self.org_id}"


@dataclass(frozen=True)
class Account:
    person_id: str
    name: str
    status: str
    grants: tuple[Grant, ...]
    has_password: bool
    created_at: dt.datetime

    @property
    def active(self) -> bool:
        return self.status == ACTIVE


@dataclass(frozen=True)
class LogEntry:
    at: dt.datetime
    person_id: str
    action: str
    by: str
    detail: str


def parse_grant(text: str) -> Grant:
    """`ROLE:ORG` (as the command line takes it) as a `Grant`."""
    role, sep, org = text.partition(":")
    if not sep or not org:
        raise AccountError(f"{text!r}: a role is ROLE:ORG, e.g. staff:U1")
    return checked_grant(role, org)


def checked_grant(role: str, org_id: str) -> Grant:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
    try:
        Actor.model_validate({"person_id": "x", "role": role, "org_id": org_id})
    except ValueError as exc:
        raise AccountError(f"organisation {org_id!r} is not valid") from exc
    return Grant(role, org_id)


class AccountStore:
    def __init__(self, engine: Engine, tokens: TokenStore, *, now: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.tokens = tokens
        self.now = now

    # ------------------------------------------------------------------ reads

    def get(self, person_id: str, conn: Connection | None = None) -> Account | None:
        if conn is None:
            with self.engine.connect() as own:
                return self.get(person_id, own)
        row = conn.execute(sa.select(accounts).where(accounts.c.person_id == person_id)).first()
        if row is None:
            return None
        return _account(row._mapping, _grants(conn, [person_id]).get(person_id, ()))

    def names(self, person_ids: Iterable[str]) -> dict[str, str]:
        """The name of each of these people that has an account (a script's identity has none)."""
        ids = sorted(set(person_ids))
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = sa.select(accounts.c.person_id, accounts.c.name).where(accounts.c.person_id.in_(chunk))
                found.update({person: name for person, name in conn.execute(query)})
        return found

    def all(self) -> list[Account]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(accounts).order_by(accounts.c.person_id)).all()
            grants = _grants(conn, None)
        return [_account(r._mapping, grants.get(r.person_id, ())) for r in rows]

    def log(self, person_id: str | None = None) -> list[LogEntry]:
        query = sa.select(account_log).order_by(account_log.c.entry_id)
        if person_id is not None:
            query = query.where(account_log.c.person_id == person_id)
        with self.engine.connect() as conn:
            return [LogEntry(r.at, r.person_id, r.action, r.by, r.detail) for r in conn.execute(query)]

    # ------------------------------------------------------------------ changes

    def add(self, person_id: str, name: str, grants: Iterable[Grant], password: str | None, *, by: str) -> Account:
        """A new, active account; `AccountError` if the id is taken or something is not valid."""
        person_id, name, grants = person_id.strip(), name.strip(), list(dict.fromkeys(grants))
        _check_text("person id", person_id, MAX_PERSON_ID)
        _check_text("name", name, MAX_NAME)
        if not grants:
            raise AccountError("an account has at least one role (ROLE:ORG)")
        hashed = _hashed(password) if password is not None else None
        now = self.now()
        with writing(self.engine) as conn:
            if conn.execute(sa.select(accounts.c.person_id).where(accounts.c.person_id == person_id)).first():
                raise AccountError(f"person id {person_id!r} already has an account")
            conn.execute(
                accounts.insert().values(
                    person_id=person_id, name=name, status=ACTIVE, password_hash=hashed, created_at=now, updated_at=now
                )
            )
            conn.execute(
                account_roles.insert(),
                [
                    {"person_id": person_id, "role": g.role, "org_id": g.org_id, "position": i}
                    for i, g in enumerate(grants)
                ],
            )
            detail = f"name={name}; roles={', '.join(map(str, grants))}" + ("; password set" if hashed else "")
            self._log(conn, person_id, "created", by, detail)
        found = self.get(person_id)
        assert found is not None
        return found

    def set_password(self, person_id: str, password: str, *, by: str) -> bool:
        """A new password; the account's web sessions end. False when there is no such account."""
        hashed = _hashed(password)
        with writing(self.engine) as conn:
            ended = self._change(conn, person_id, password_hash=hashed)
            if ended is None:
                return False
            self._log(conn, person_id, "password_set", by, f"sessions ended: {ended}")
        return True

    def disable(self, person_id: str, *, by: str) -> bool:
        """Disable the account: its sessions end and its tokens are revoked. False: no such account."""
        with writing(self.engine) as conn:
            ended = self._change(conn, person_id, status=DISABLED)
            if ended is None:
                return False
            revoked = self.tokens.revoke_person(conn, person_id)
            self._log(conn, person_id, "disabled", by, f"sessions ended: {ended}; tokens revoked: {revoked}")
        return True

    def rehash(self, person_id: str, password: str) -> None:
        """Store the password again with today's parameters (called after a successful sign-in)."""
        with writing(self.engine) as conn:
            conn.execute(
                accounts.update()
                .where(accounts.c.person_id == person_id)
                .values(password_hash=passwords.HASHER.hash(password))
            )

    def _change(self, conn: Connection, person_id: str, **values: object) -> int | None:
        """Set `values` on the account and end its web sessions: how many ended, None when there is
        no such account."""
        done = conn.execute(
            accounts.update().where(accounts.c.person_id == person_id).values(**values, updated_at=self.now())
        )
        return end_sessions(conn, person_id) if done.rowcount else None

    def _log(self, conn: Connection, person_id: str, action: str, by: str, detail: str) -> None:
        conn.execute(
            account_log.insert().values(
                at=self.now(), person_id=person_id, action=action, by=by[:200], detail=detail[:1000]
            )
        )

    # ------------------------------------------------------------------ signing in

    def check_password(self, person_id: str, password: str) -> Account | None:
        """The account when `password` is its password and it is active; otherwise None, after the
        same work (an Argon2 verification) whether or not the person id exists."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(accounts.c.password_hash, accounts.c.status).where(
                    accounts.c.person_id == person_id[:MAX_PERSON_ID]
                )
            ).first()
        stored = row.password_hash if row is not None else None
        if not passwords.verify(stored, password) or row is None or row.status != ACTIVE:
            return None
        if stored is not None and passwords.needs_rehash(stored):
            self.rehash(person_id, password)
        return self.get(person_id)


def end_sessions(conn: Connection, person_id: str) -> int:
    return conn.execute(web_sessions.delete().where(web_sessions.c.person_id == person_id)).rowcount or 0


def _hashed(password: str) -> str:
    try:
        return passwords.hash_password(password)
    except passwords.PasswordRefused as exc:
        raise AccountError(str(exc)) from None


def _check_text(what: str, value: str, longest: int) -> None:
    if not value:
        raise AccountError(f"the {what} is empty")
    if len(value) > longest:
        raise AccountError(f"the {what} has at most {longest} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise AccountError(f"the {what} has no control characters")


def _grants(conn: Connection, person_ids: list[str] | None) -> dict[str, tuple[Grant, ...]]:
    query = sa.select(account_roles).order_by(account_roles.c.person_id, account_roles.c.position)
    if person_ids is not None:
        query = query.where(account_roles.c.person_id.in_(person_ids))
    out: dict[str, list[Grant]] = {}
    for r in conn.execute(query):
        out.setdefault(r.person_id, []).append(Grant(r.role, r.org_id))
    return {k: tuple(v) for k, v in out.items()}


def _account(m: sa.RowMapping, grants: tuple[Grant, ...]) -> Account:
    return Account(m["person_id"], m["name"], m["status"], grants, m["password_hash"] is not None, m["created_at"])
