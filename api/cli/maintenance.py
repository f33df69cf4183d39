"""`unionflow verify`, `diagram` and `rebuild`: checking the hash chains, showing a procedure
kind's machine, and rebuilding the read models from the log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import DatabaseUrl, fail, open_runtime, ready_runtime, stderr_progress

if TYPE_CHECKING:
    from api.runtime import Runtime
    from projections import Projections


def verify(
    database_url: DatabaseUrl = None,
    stream: Annotated[str | None, typer.Option(help="Check only this stream.")] = None,
    bundle: Annotated[
        Path | None,
        typer.Option("--bundle", help="Check an audit bundle file instead (offline: no database is opened)."),
    ] = None,
    expect_head: Annotated[
        str | None,
        typer.Option(
            "--expect-head",
            help="An anchor POSITION:HASH kept outside the database (`unionflow head`): report a rewrite of "
            "the log up to it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Walk the hash chains and report the first broken link (exit 1 if any)."""
    if bundle is not None:
        from api.cli.imports_exports import verify_bundle_file

        verify_bundle_file(bundle)
        return
    anchor = _anchor(expect_head)
    rt = open_runtime(database_url)
    report = rt.store.verify(stream, expected_head=anchor)
    if report.broken:
        raise fail(f"tampering detected: {report.broken}")
    against = f"; matches the anchor at position {anchor[0]}" if anchor else ""
    typer.echo(
        f"ok: {report.events_checked} events in {report.streams_checked} streams; "
        f"log head at position {report.head_position}, hash {report.head_hash}{against}"
    )


def _anchor(text: str | None) -> tuple[int, str] | None:
    from events.anchor import BadAnchor, parse_anchor

    if text is None:
        return None
    try:
        return parse_anchor(text)
    except BadAnchor as exc:
        raise fail(f"--expect-head: {exc}", 2) from None


def head(database_url: DatabaseUrl = None) -> None:
    """Print the log's anchor, POSITION:HASH: keep it outside the database (a ticket, a letter, another
    system) and check the log against it later with `unionflow verify --expect-head`."""
    from events.anchor import format_anchor

    rt = open_runtime(database_url)
    typer.echo(format_anchor(rt.store.head()))


def diagram(
    kind: Annotated[
        str,
        typer.Argument(
            help="Procedure kind: founding, reelection, extension, early_reelection, by_election, dissolution."
        ),
    ],
    data: Annotated[bool, typer.Option("--data", help="Print states and transitions as JSON instead.")] = False,
) -> None:
    """Print a procedure kind's state machine as a Mermaid diagram (or as data with --data)."""
    import json

    from workflow.fold import KINDS

    definition = KINDS.get(kind)
    if definition is None:
        raise fail(f"unknown procedure kind {kind!r}; known: {', '.join(sorted(KINDS))}", 2)
    if data:
        typer.echo(json.dumps(definition.machine.describe(), ensure_ascii=False, indent=2))
    else:
        typer.echo(definition.machine.mermaid())


def rebuild(
    projection: Annotated[
        list[str] | None,
        typer.Option("--projection", help="Only these read models (repeat): register, procedures, alerts."),
    ] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare",
            help="Rebuild aside and report every row that differs from the live read models "
            "(exit 1 if any); nothing is swapped.",
        ),
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Rebuild the read models from the event log (shadow tables swapped in at the end; writers wait
    only for the swap), showing progress, then the rate in events per second."""
    import time

    from projections import NAMES, Projections

    unknown = [p for p in projection or [] if p not in NAMES]
    if unknown:
        raise fail(f"--projection: unknown read model {', '.join(map(repr, unknown))}; known: {', '.join(NAMES)}", 2)
    rt = ready_runtime(database_url)
    read_models = Projections(rt.engine)
    names = projection or None
    if compare:
        started = time.perf_counter()
        report = read_models.compare_with_rebuild(names)
        seconds = time.perf_counter() - started
        if not report.ok:
            typer.echo(str(report))
            raise fail(f"the rebuilt read models differ from the live ones ({len(report.differences) + report.more})")
        typer.echo(f"{report} in {seconds:.1f} s")
        return
    _rebuild_with_progress(read_models, names)


def rebuild_outdated(rt: Runtime) -> list[str]:
    """Rebuild the read models whose stored tables were built by another version of their logic
    (the live listener leaves those alone, so they would show stale rows): what `serve` does on
    start, as it upgrades the schema. Returns their names."""
    from projections import Projections

    read_models = Projections(rt.engine)
    outdated = [s.name for s in read_models.status() if s.needs_rebuild]
    if outdated:
        typer.echo(f"read models built by another version of their logic: {', '.join(outdated)}; rebuilding them")
        _rebuild_with_progress(read_models, outdated)
    return outdated


def _rebuild_with_progress(read_models: Projections, names: list[str] | None) -> None:
    import time

    from projections import Progress as Step

    bar = stderr_progress(
        "{task.description:>9}",
        "events",
        transient=False,
        # Redrawn when progress comes (every 10,000 events a replay process), not by a thread
        # of its own: with a second thread running, the rebuild must spawn its replay processes
        # (fork is only safe single-threaded), and each spawned one imports everything again.
        auto_refresh=False,
    )
    drawn = [0.0]
    with bar:
        task = bar.add_task("replay", total=None)

        def show(step: Step) -> None:
            bar.update(task, description=step.phase, completed=step.done, total=max(step.total, step.done))
            now = time.monotonic()
            if now - drawn[0] >= 0.2 or step.phase != "replay":  # the parent shares the replay's cores
                drawn[0] = now
                bar.refresh()

        done = read_models.rebuild(names, progress=show)
    rows = ", ".join(f"{n:,} {t}" for t, n in done.rows.items())
    typer.echo(
        f"rebuilt {', '.join(done.projections)} to position {done.position}: {done.events:,} events in "
        f"{done.seconds:.2f} s ({done.events_per_second:,.0f} events/s); rows: {rows}"
    )
