"""Questions the read models answer, as plain functions over an engine or connection.

Lists come in pages with a keyset cursor (opaque text: the last row's sort key), so page 1,000 costs
what page 1 costs. `subtree` is an organisation id; its materialised path (from the log, see
`projections.tree`) turns "everything under it" into an index range. Dates are business dates.

By subject: `alert_reads` (RULES.md §6), `procedure_reads` (procedures and the approval inbox),
`register_reads` (the register, terms and the coverage of RULES.md §7), `names` (organisations by
name), `region_reads` (a region's rule profile and coverage targets, nearest first), `lists` (the
unions and procedures lists a union office searches, with how many match) and `register_lookups`
(the federations directly below one), over `paging`'s cursors."""

from __future__ import annotations

from projections.queries.alert_reads import Alert, AlertCounts, alert_counts, alert_record, alerts, worst_alerts
from projections.queries.lists import (
    COUNT_CAP,
    BadFilter,
    Listing,
    ProcedureSearch,
    UnionSearch,
    alert_kinds_of,
    procedure_list,
    union_state,
    unions,
)
from projections.queries.names import org_names
from projections.queries.paging import OPEN_DATE, Bind, Page, subtree_filter
from projections.queries.procedure_reads import (
    InboxItem,
    ProcedureStatus,
    inbox,
    procedure_record,
    procedure_status,
    procedures,
)
from projections.queries.region_reads import (
    AssignedProfile,
    CoverageTarget,
    RegionSettings,
    beside_targets,
    coverage_targets,
    profile_assignment,
    region_settings,
)
from projections.queries.register_lookups import federations_below
from projections.queries.register_reads import (
    FIGURES,
    Coverage,
    CoveredUnitRecord,
    Term,
    UnionRecord,
    coverage,
    covered_units,
    rate_parts,
    register,
    term_record,
    terms,
    union,
    union_record,
)

__all__ = [
    "COUNT_CAP",
    "FIGURES",
    "OPEN_DATE",
    "Alert",
    "AlertCounts",
    "AssignedProfile",
    "BadFilter",
    "Bind",
    "Coverage",
    "CoverageTarget",
    "CoveredUnitRecord",
    "InboxItem",
    "Listing",
    "Page",
    "ProcedureSearch",
    "ProcedureStatus",
    "RegionSettings",
    "Term",
    "UnionRecord",
    "UnionSearch",
    "alert_counts",
    "alert_kinds_of",
    "alert_record",
    "alerts",
    "beside_targets",
    "coverage",
    "coverage_targets",
    "covered_units",
    "federations_below",
    "inbox",
    "org_names",
    "procedure_list",
    "procedure_record",
    "procedure_status",
    "procedures",
    "profile_assignment",
    "rate_parts",
    "region_settings",
    "register",
    "subtree_filter",
    "term_record",
    "terms",
    "union",
    "union_record",
    "union_state",
    "unions",
    "worst_alerts",
]
