"""alerts logic 2: the alert facts stored as named records

Create Date: 2026-12-02

`proj_alert_facts.facts` now holds the facts as named records (projections.models.alert_facts)
rather than one-letter keys and positional lists; the alert periods they give are the same. As
for the register's logic 2 (0002): alerts that have applied no event yet (a new database) are
marked as built by logic 2; applied ones keep logic 1 and are reported as needing a rebuild, which
`unionflow db upgrade` and `unionflow serve` run (`unionflow rebuild --projection alerts` by hand).
"""

from __future__ import annotations

from projections.migrations.logic import mark_back, mark_unbuilt_as

revision = "0003_alerts_logic_2"
down_revision = "0002_register_logic_2"


def upgrade() -> None:
    mark_unbuilt_as("alerts", old=1, new=2)


def downgrade() -> None:
    mark_back("alerts", old=1)
