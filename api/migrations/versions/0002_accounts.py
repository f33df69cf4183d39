"""api: accounts (with Argon2id password hashes), their roles and append-only log, the sign-in
throttle and the web sessions (by the SHA-256 of their id)

Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.migrations.columns import acting_as

revision = "0002_accounts"
down_revision = "0001_api_tokens"


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("person_id", sa.String(200), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_table(
        "account_roles",
        sa.Column("person_id", sa.String(200), sa.ForeignKey("accounts.person_id"), primary_key=True),
        sa.Column("role", sa.String(20), primary_key=True),
        sa.Column("org_id", sa.String(120), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "account_log",
        sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("person_id", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("detail", sa.String(1000), nullable=False, server_default=""),
    )
    op.create_index("ix_account_log_person", "account_log", ["person_id"])
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=False), nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("session_hash", sa.String(64), primary_key=True),
        *acting_as(),
        sa.Column("token_id", sa.String(40), nullable=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=False), nullable=False),
    )
    op.create_index("ix_web_sessions_person_id", "web_sessions", ["person_id"])
    op.create_index("ix_web_sessions_token_id", "web_sessions", ["token_id"])


def downgrade() -> None:
    for index, table in (
        ("ix_web_sessions_token_id", "web_sessions"),
        ("ix_web_sessions_person_id", "web_sessions"),
        ("ix_account_log_person", "account_log"),
    ):
        op.drop_index(index, table)
    for table in ("web_sessions", "sign_in_throttle", "account_log", "account_roles", "accounts"):
        op.drop_table(table)
