"""event store: `events.procedure_id`, the payload's procedure id as a column of its own

The read side folds events by procedure; with the id in a column it never has to look inside the
payload text for it. New rows get it from the append (the event's own `procedure_id` field); rows
already stored get it here, once, from their payload's top-level `procedure_id` (a JSON string;
anything else leaves the column NULL, as the append does for events without one). The hash chain
is untouched: the column repeats what the hashed payload says.

No index: no read selects events by procedure (a procedure is read with its union's stream).

Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_events_procedure_id"
down_revision = "0002_sqlite_compact_rows"

_FILL = {
    "sqlite": (
        "UPDATE events SET procedure_id = json_extract(payload, '$.procedure_id') "
        "WHERE json_type(payload, '$.procedure_id') = 'text'"
    ),
    "postgresql": (
        "UPDATE events SET procedure_id = payload::jsonb ->> 'procedure_id' "
        "WHERE jsonb_typeof(payload::jsonb -> 'procedure_id') = 'string'"
    ),
}


def upgrade() -> None:
    op.add_column("events", sa.Column("procedure_id", sa.String(200), nullable=True))
    op.execute(_FILL[op.get_bind().dialect.name])


def downgrade() -> None:
    op.drop_column("events", "procedure_id")
