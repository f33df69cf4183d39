"""the whole register read from its roots' tallies: no tally of its own

Revision ID: 0011_no_whole_register_tally
Revises: 0010_tally_key_holds_n
Create Date: 2026-12-04

The tallies kept one more ancestor, "" for the whole register, above the national union: the same
sums again as the root's tally (plus the root's own rows), written by every change, one more key a
mark. The whole register is now read from its roots' tallies and their own rows
(`projections.queries.tally_reads`). The other tallies do not change, so no projection needs a
rebuild: the upgrade deletes the "" rows, and the downgrade sums them again from the roots.
"""

from __future__ import annotations

from alembic import op

revision = "0011_no_whole_register_tally"
down_revision = "0010_tally_key_holds_n"
branch_labels = None
depends_on = None

_ROOTS = "(SELECT path FROM proj_orgs WHERE parent_id IS NULL)"
_OPEN = "'9999-12-31'"  # an alert period that nothing has ended yet


def upgrade() -> None:
    for table in ("proj_coverage_tallies", "proj_alert_tallies"):
        op.execute(f"DELETE FROM {table} WHERE ancestor = ''")


def _own_marks(source: str, postgres: bool) -> str:
    """(figure, day, n) of the roots' own rows, as `projections.models.tallies` marks them."""
    if source == "proj_coverage_marks":
        return f"SELECT figure, day, n FROM proj_coverage_marks WHERE path IN {_ROOTS}"
    after = "fires_until + 1" if postgres else "date(fires_until, '+1 day')"
    return (
        f"SELECT kind AS figure, fires_from AS day, 1 AS n FROM proj_alerts WHERE path IN {_ROOTS} "
        f"UNION ALL SELECT kind, {after}, -1 FROM proj_alerts WHERE path IN {_ROOTS} "
        f"AND fires_until <> {_OPEN}"
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    month = "CAST(date_trunc('month', day) AS date)" if postgres else "date(day, 'start of month')"
    for table, source in (("proj_coverage_tallies", "proj_coverage_marks"), ("proj_alert_tallies", "proj_alerts")):
        own = _own_marks(source, postgres)
        op.execute(
            f"INSERT INTO {table} (ancestor, span, day, figure, n) "
            "SELECT '', span, day, figure, SUM(n) FROM ("
            f"SELECT span, day, figure, n FROM {table} WHERE ancestor IN {_ROOTS} "
            f"UNION ALL SELECT 0, day, figure, n FROM ({own}) AS days "
            f"UNION ALL SELECT 1, {month}, figure, n FROM ({own}) AS months"
            ") AS marks GROUP BY span, day, figure HAVING SUM(n) <> 0"
        )
