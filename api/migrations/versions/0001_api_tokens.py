"""api: bearer tokens (stored only as SHA-256 hashes)

Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.migrations.columns import acting_as

revision = "0001_api_tokens"
down_revision = None
branch_labels = ("api",)


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(40), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        *acting_as(),
        sa.Column("issued_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=False), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=False), nullable=True),
        sa.Column("note", sa.String(200), nullable=False, server_default=""),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_hash"),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
