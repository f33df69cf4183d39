"""The api layer's own tables (Alembic branch ``api``, never the event store's): bearer tokens,
accounts with their roles and their append-only log, the sign-in throttle and the web sessions.

Accounts are not domain events: who may sign in is not part of a union's history, and the event
log's catalogue is the published language of the procedures. What happens to an account (created,
password set, disabled) is still audited, in `account_log`, which is only ever appended to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events.db import write_connection

metadata = sa.MetaData()


def _acting_as() -> list[sa.Column[object]]:
    """Whom a credential (a bearer token, a web session) acts as: a person, in one of their roles,
    for one organisation."""
    return [
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("org_id", sa.String(120), nullable=False),
    ]


api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_id", sa.String(40), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    *_acting_as(),
    sa.Column("issued_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=False), nullable=True),
    sa.Column("note", sa.String(200), nullable=False, server_default=""),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("person_id", sa.String(200), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # active | disabled
    # Argon2id in PHC string form; NULL: no password (the person cannot sign in on the web)
    sa.Column("password_hash", sa.String(300), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
)

account_roles = sa.Table(
    "account_roles",
    metadata,
    sa.Column("person_id", sa.String(200), sa.ForeignKey("accounts.person_id"), primary_key=True),
    sa.Column("role", sa.String(20), primary_key=True),
    sa.Column("org_id", sa.String(120), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),  # the order given: the first is the default at sign-in
)

account_log = sa.Table(
    "account_log",
    metadata,
    sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("person_id", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),  # created | password_set | disabled
    sa.Column("by", sa.String(200), nullable=False),  # who: an administrator's person id, or "cli"
    sa.Column("detail", sa.String(1000), nullable=False, server_default=""),
    sa.Index("ix_account_log_person", "person_id"),  # one person's entries (AccountStore.log)
)

sign_in_throttle = sa.Table(
    "sign_in_throttle",
    metadata,
    sa.Column("key", sa.String(300), primary_key=True),  # "person:<id>" or "address:<ip>"
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=False), nullable=True),
)

web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),  # SHA-256 of the cookie's value
    *_acting_as(),
    sa.Column("token_id", sa.String(40), nullable=True, index=True),  # signed in with a token
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=False), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=False), nullable=False),
    sa.Index("ix_web_sessions_person_id", "person_id"),  # accounts.end_sessions: all of a person's at once
)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that reads then writes: on SQLite it takes the write lock up front (BEGIN
    IMMEDIATE), so a second worker waits its turn rather than failing with "database is locked"."""
    with write_connection(engine) as conn, conn.begin():
        yield conn
