"""`unionflow import` (a registry of unions from CSV or .xlsx, see `api.importer` for the columns),
`unionflow export` (an audit bundle, see `api.bundle`) and the offline check of a bundle that
`unionflow verify --bundle FILE` runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from api.cli.common import DatabaseUrl, fail, ready_runtime, stderr_progress

if TYPE_CHECKING:
    from api.importer import ImportPlan
    from api.runtime import Runtime


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr (only on a terminal: logs and pipes get the summary alone)."""
    from rich.console import Console
    from rich.progress import TaskID

    console = Console(stderr=True)
    with stderr_progress(
        "{task.description:<9}", console=console, transient=False, disable=not (enabled and console.is_terminal)
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            task = tasks.get(phase)
            if task is None:
                task = tasks[phase] = bar.add_task(phase, total=total)
            bar.update(task, completed=done, total=total)

        yield report


# --------------------------------------------------------------------------- import


_FILE_HELP = (
    "The registry: a CSV file (UTF-8) or an .xlsx workbook (its first sheet), with a header row naming the "
    "columns below in English or Chinese."
)


def import_registry(
    file: Annotated[Path, typer.Argument(help=_FILE_HELP)],
    person: Annotated[str, typer.Option(help="The administrator recorded as importing (every event names them).")],
    org: Annotated[
        str | None,
        typer.Option(
            help="The organisation the administrator acts for; every row must lie in its subtree. "
            "Default: the root of the tree (or the file's root row on an empty system)."
        ),
    ] = None,
    only_valid: Annotated[
        bool,
        typer.Option(
            "--only-valid", help="Write the valid rows even if some are not (rows below an invalid one are skipped)."
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")] = False,
    on: Annotated[str | None, typer.Option(help="Business date of the import (YYYY-MM-DD); default: today.")] = None,
    batch_rows: Annotated[int | None, typer.Option(min=1, help="Rows per write transaction.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import an existing registry of unions from CSV or .xlsx: the organisations, and each union's
    current term with what the registry knows of it, so their deadlines feed the alerts from day
    one. Every row is checked first (a bad one is reported with its line or sheet row, its column
    and the rule); nothing is written unless all are valid (or --only-valid). Re-running an
    interrupted import resumes it. What a row leaves empty stays unknown."""
    from api.importer import ImportInterrupted, write_import

    if not file.is_file():
        raise fail(f"file: no such file {file}", 2)
    try:
        when = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise fail(f"--on: {on!r} is not a date (YYYY-MM-DD)", 2) from None
    rt = ready_runtime(database_url)
    if when is not None and when > rt.service.clock():
        raise fail(f"--on: DATE-FUTURE: {when} is in the future (today is {rt.service.clock()})", 2)
    plan = _checked_plan(rt, file, person, org, when)
    summary = _report_plan(file, plan)
    if dry_run:
        typer.echo(f"dry run: {summary}; nothing written")
        if not plan.ok:
            raise typer.Exit(1)
        return
    if not plan.ok and not only_valid:
        raise fail(
            f"{summary}. Nothing was written: fix the rows above, or write the {len(plan.rows)} valid rows "
            "with --only-valid"
        )
    try:
        with _progress(True) as progress:
            report = write_import(rt, plan, batch_rows=batch_rows, progress=progress)
    except ImportInterrupted as exc:
        raise fail(str(exc)) from exc
    rate = report.events_written / report.write_seconds if report.write_seconds else 0.0
    typer.echo(
        f"imported {report.rows_written} rows ({report.events_written} events in {report.batches} transactions, "
        f"{report.write_seconds:.1f} s, {rate:.0f} events/s); {summary}; correlation id {plan.correlation_id}"
    )


def _checked_plan(rt: Runtime, file: Path, person: str, org: str | None, when: dt.date | None) -> ImportPlan:
    """Every row of the file checked, as the administrator `person` acting for `org` (default: the
    tree's root, or the file's root row on an empty system)."""
    from api.importer import ImportFileError, default_actor_org, plan_import
    from workflow.authority import Actor

    try:
        actor_org = org or default_actor_org(rt, file)
        if actor_org is None:
            raise fail("--org: the database has no organisations and the file has no root row; name --org", 2)
        actor = Actor(person_id=person, role="admin", org_id=actor_org)
        with _progress(True) as progress:
            return plan_import(rt, file, actor, on=when, progress=progress)
    except ImportFileError as exc:
        raise fail(f"{file}: {exc}", 2) from exc
    except ValueError as exc:  # the person's id (pydantic) and the like
        raise fail(str(exc).splitlines()[0], 2) from exc


def _report_plan(file: Path, plan: ImportPlan) -> str:
    """Print every bad or skipped row on stderr; return the one-line summary of the check."""
    for issue in plan.errors:
        typer.echo(f"{file}: {issue}", err=True)
    for issue in plan.skipped:
        typer.echo(f"{file}: {issue}", err=True)
    bad = len({i.line for i in plan.errors})
    return (
        f"{plan.rows_total} rows: {len(plan.rows)} to write ({plan.commands} commands), {bad} invalid, "
        f"{len(plan.skipped)} skipped below invalid rows, {plan.already_imported} already imported; "
        f"checked in {plan.checked_seconds:.1f} s"
    )


# --------------------------------------------------------------------------- export and its check


def export_bundle(
    org: Annotated[str, typer.Option("--org", help="The organisation whose events to export.")],
    out: Annotated[Path, typer.Option("--out", help="The bundle file to write (a zip).")],
    subtree: Annotated[
        bool, typer.Option("--subtree/--union-only", help="Every organisation below it too, or the union only.")
    ] = True,
    person: Annotated[
        str | None, typer.Option(help="Who exports (recorded in the manifest); default: the OS user.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write an audit bundle: the events with everything needed to recompute their hash chains, the
    rule profiles the procedures pinned, and a manifest. Check it with `unionflow verify --bundle`."""
    import getpass
    import hashlib
    import zipfile

    from api.bundle import MANIFEST

    rt = ready_runtime(database_url)
    who = person or f"{getpass.getuser()} (command line)"
    target = out.resolve()
    if not target.parent.is_dir():
        raise fail(f"--out: no such directory {target.parent}", 2)
    if target.is_dir():
        raise fail(f"--out: {target} is a directory; name the bundle file to write", 2)
    manifest = _write_bundle_file(rt, org, subtree, target, who)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    with zipfile.ZipFile(target) as zf:
        manifest_digest = hashlib.sha256(zf.read(MANIFEST)).hexdigest()
    counts = manifest["counts"]
    head = manifest["log_head"]
    typer.echo(
        f"wrote {target}: {counts['events']} events in {counts['streams']} streams, {counts['profiles']} profiles; "
        f"log head at position {head['position']}, hash {head['hash']}; manifest SHA-256 {manifest_digest}, "
        f"bundle SHA-256 {digest} (keep these elsewhere: they anchor the bundle)"
    )


def _write_bundle_file(rt: Runtime, org: str, subtree: bool, target: Path, who: str) -> dict[str, Any]:
    """Write beside the target and rename at the end: never a half-written bundle under its name."""
    import os
    import tempfile

    from api.bundle import BundleScopeError, write_bundle

    try:
        fd, tmp = tempfile.mkstemp(prefix=".unionflow-bundle-", suffix=".zip", dir=target.parent)
    except OSError as exc:
        raise fail(f"--out: cannot write in {target.parent}: {exc.strerror}", 2) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            manifest = write_bundle(rt, org, subtree=subtree, out=fh, exported_by=who)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as a file created normally (mkstemp makes it private)
        os.replace(tmp, target)
    except BundleScopeError as exc:
        raise fail(f"--org: {exc}", 2) from exc
    except OSError as exc:  # the disk filled up, the directory went away, ...: nothing is left behind
        raise fail(f"--out: cannot write {target}: {exc.strerror or exc}", 1) from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return manifest


def verify_bundle_file(bundle: Path) -> None:
    """`unionflow verify --bundle`: check an audit bundle offline (no database is opened)."""
    from api.bundle import verify_bundle

    if not bundle.is_file():  # a usage error, not a tampered bundle
        raise fail(f"--bundle: {bundle} is not a file" if bundle.exists() else f"--bundle: no such file {bundle}", 2)
    checked = verify_bundle(bundle)
    if checked.broken:
        raise fail(f"bundle {bundle}: tampering detected: {checked.broken}")
    head = checked.log_head
    typer.echo(
        f"ok: bundle {bundle}: {checked.events_checked} events in {checked.streams_checked} streams, "
        f"{checked.profiles_checked} profiles; exported at log position {head.get('position')}, "
        f"hash {head.get('hash')}; manifest SHA-256 {checked.manifest_sha256}"
    )
