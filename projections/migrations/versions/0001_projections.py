"""read models: checkpoints, union register and terms, procedures, alert facts and periods

Create Date: 2026-11-21

Written out in full (not generated from projections.schema at run time) so that this revision keeps
meaning what it meant when later ones change the tables; tests check it matches the specs.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from projections.migrations.columns import ID, PATH, unit_facts

revision = "0001_projections"
down_revision = None
branch_labels = ("projections",)
depends_on = "0001_event_store"


def upgrade() -> None:
    checkpoints = op.create_table(
        "proj_checkpoints",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("logic_version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(
        checkpoints,
        [{"name": n, "position": 0, "logic_version": 1} for n in ("register", "procedures", "alerts")],
    )
    op.create_table(
        "proj_orgs",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("parent_id", ID),
        sa.Column("path", PATH, nullable=False),
        sa.Column("depth", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("registered_on", sa.Date, nullable=False),
        *unit_facts(nullable=True),
        sa.Column("form", sa.String(20)),
        sa.Column("congress_type", sa.String(30)),
        sa.Column("committee", sa.Text),
        sa.Column("chair", sa.Text),
        sa.Column("vice_chairs", sa.Text),
        sa.Column("acting_chair", sa.Text),
        sa.Column("funds_review", sa.Text),
        sa.Column("funds_review_director", sa.Text),
        sa.Column("women_director", sa.Text),
        sa.Column("term_number", sa.Integer, nullable=False),
        sa.Column("term_start", sa.Date),
        sa.Column("term_years", sa.Integer),
        sa.Column("term_end", sa.Date),
        sa.Column("extension_until", sa.Date),
        sa.Column("deadline", sa.Date),
        sa.Column("founded_on", sa.Date),
        sa.Column("legal_person_no", sa.Text),
        sa.Column("legal_person_on", sa.Date),
        sa.Column("last_congress_on", sa.Date),
        sa.Column("internal", sa.Text, nullable=False),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_index("ix_proj_orgs_path", "proj_orgs", ["path"], unique=True)
    op.create_index("ix_proj_orgs_parent", "proj_orgs", ["parent_id", "org_id"])
    op.create_table(
        "proj_terms",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("term_no", sa.Integer, nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("years", sa.Integer, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("extended", sa.Boolean, nullable=False),
        sa.Column("started_by", ID, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("succeeded_on", sa.Date),
        sa.Column("succeeded_approved_on", sa.Date),
        sa.PrimaryKeyConstraint("org_id", "term_no"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_proj_terms_path", "proj_terms", ["path"])
    op.create_table(
        "proj_procedures",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("procedure_id", ID, nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("approver_org", ID),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("last_moved_on", sa.Date, nullable=False),
        sa.Column("last_event", sa.String(60), nullable=False),
        sa.Column("waiting_on", ID),
        sa.Column("waiting_for", sa.Text),
        sa.Column("inbox_org", ID),
        sa.Column("filed_on", sa.Date),
        sa.Column("filing", sa.String(40)),
        sa.Column("filing_event", sa.String(60)),
        sa.Column("filing_content", sa.Text),
        sa.Column("filed_by", sa.Text),
        sa.Column("profile_name", sa.String(100), nullable=False),
        sa.Column("profile_version", sa.Integer, nullable=False),
        sa.Column("reply_days", sa.Integer, nullable=False),
        sa.Column("internal", sa.Text, nullable=False),
        sa.Column("last_version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("org_id", "procedure_id"),
    )
    op.create_index("ux_proj_procedures_id", "proj_procedures", ["procedure_id"], unique=True)
    op.create_index("ix_proj_procedures_path", "proj_procedures", ["path", "procedure_id"])
    op.create_index("ix_proj_procedures_inbox", "proj_procedures", ["inbox_org", "filed_on", "procedure_id"])
    op.create_table(
        "proj_alert_facts",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("facts", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("org_id"),
    )
    op.create_table(
        "proj_alerts",
        sa.Column("org_id", ID, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("path", PATH, nullable=False),
        sa.Column("fires_from", sa.Date, nullable=False),
        sa.Column("fires_until", sa.Date, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("rule", sa.String(30), nullable=False),
        sa.Column("procedure_id", ID),
        sa.Column("window", sa.String(30), nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("path", "kind", "seq"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    for table in ("proj_alerts", "proj_alert_facts", "proj_procedures", "proj_terms", "proj_orgs", "proj_checkpoints"):
        op.drop_table(table)
