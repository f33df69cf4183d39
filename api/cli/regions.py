"""`unionflow region profile|targets|show`: the settings of a region, as its administrator decides
them (RULES.md §5: the rule profile its unions open their procedures under; §7: its coverage
targets), and what applies to an organisation, with who set it. The same commands as
`POST /organisations/{org_id}/rule-profile` and `/coverage-targets`, with the same checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from api import output
from api.cli.common import (
    DatabaseUrl,
    RecordFormatOption,
    execute_as_admin,
    fail,
    format_option,
    org_option,
    ready_runtime,
)

if TYPE_CHECKING:
    from api.runtime import Runtime
    from workflow import commands as c

region_app = typer.Typer(help="Settings of a region: its rule profile and coverage targets.", no_args_is_help=True)

OrgOption = Annotated[str, typer.Option("--org", help="The organisation (region) the setting is for.")]
Person = Annotated[str, typer.Option(help="The administrator recorded as deciding it.")]
AdminOf = Annotated[
    str | None,
    typer.Option("--admin-of", help="The organisation the administrator acts for (--org or above); default: --org."),
]
On = Annotated[str | None, typer.Option(help="Business date (YYYY-MM-DD); default: today.")]


def _execute(rt: Runtime, cmd: type[c.Command], fields: dict[str, Any], person: str, admin_of: str) -> None:
    result = execute_as_admin(rt, cmd, fields, person, admin_of)
    typer.echo(f"{result.events[0].event_type} on {result.union_id} (version {result.version})")


@region_app.command("profile")
def assign_profile(
    org: OrgOption,
    profile: Annotated[str, typer.Option("--profile", help="A registered rule profile's name.")],
    person: Person,
    version: Annotated[
        int | None, typer.Option("--version", help="A registered version; default: the latest when a procedure opens.")
    ] = None,
    admin_of: AdminOf = None,
    on: On = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Assign the rule profile that the organisation's unions, and those below it without a
    nearer assignment, open their procedures under. Procedures already open keep theirs."""
    from workflow import commands as c

    rt = ready_runtime(database_url)
    org_option(rt, "--org", org)
    fields = {"union_id": org, "profile_name": profile, "profile_version": version, "occurred_on": on}
    _execute(rt, c.AssignRuleProfile, fields, person, admin_of or org)


@region_app.command("targets")
def set_targets(
    org: OrgOption,
    person: Person,
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="FIGURE=SHARE, e.g. founding_rate_enterprises=0.91; none clears the region's own."),
    ] = None,
    admin_of: AdminOf = None,
    on: On = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Set the organisation's coverage targets, as a whole: figures left out have no target of its
    own (its nearest ancestor's apply). Figures: see `region show`."""
    from workflow import commands as c

    shares: dict[str, float] = {}
    for item in targets or []:
        figure, sep, share = item.partition("=")
        try:
            shares[figure] = float(share)
        except ValueError:
            raise fail(f"{item!r}: expected FIGURE=SHARE with SHARE a number from 0 to 1", 2) from None
        if not sep or not figure:
            raise fail(f"{item!r}: expected FIGURE=SHARE", 2)
    rt = ready_runtime(database_url)
    org_option(rt, "--org", org)
    _execute(rt, c.SetCoverageTargets, {"union_id": org, "targets": shares, "occurred_on": on}, person, admin_of or org)


@region_app.command("show")
def show(org: OrgOption, fmt: RecordFormatOption = "table", database_url: DatabaseUrl = None) -> None:
    """The rule profile and coverage targets that apply to the organisation (its own, else its
    nearest ancestor's), with who set each."""
    from events.catalogue import COVERAGE_FIGURES
    from projections import queries

    form = format_option(fmt, ("table", "json"))
    rt = ready_runtime(database_url)
    org_option(rt, "--org", org)
    s = queries.region_settings(rt.engine, org)
    p = s.profile
    targets = [{"figure": k, "target": t.target, "reads": t.reads, "set_by": t.set_by} for k, t in s.targets.items()]
    body = {
        "org": org,
        "rule_profile": None if p is None else {"name": p.name, "version": p.version, "org": p.org_id},
        "coverage_targets": {t["figure"]: {k: v for k, v in t.items() if k != "figure"} for t in targets},
        "own_coverage_targets": s.own_targets,
        "figures": list(COVERAGE_FIGURES),
    }
    version = f"version {p.version}" if p is not None and p.version else "latest version"
    shown = "the deployment's default" if p is None else f"{p.name}, {version} (assigned to {p.org_id})"
    columns = [(k, k.replace("_", " ")) for k in ("figure", "target", "reads", "set_by")]
    output.emit_record(
        [(f"Settings of {org}", [("rule profile", shown), ("figures", ", ".join(COVERAGE_FIGURES))])],
        form,
        json_body=body,
        lists=[("Coverage targets (own or inherited)", targets, columns)],
    )
