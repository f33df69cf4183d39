"""The audit bundle: `unionflow export` writes a union's or a subtree's events with everything needed
to recompute their hash chains, the rule profiles the procedures pinned, and a manifest;
`unionflow verify --bundle` checks it offline. Every kind of tampering (an edited payload, a
deleted line, reordered lines, an edited manifest, a swapped profile) is detected and named."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.bundle import EVENTS, GENESIS_HASH, MANIFEST, verify_bundle, write_bundle
from api.cli import app as cli
from events import schema
from tests.e2e.conftest import BEFORE_CONGRESS, Api, drive, open_founding

runner = CliRunner()


def url_of(api: Api) -> str:
    return api.rt.engine.url.render_as_string(hide_password=False)


def founded_union(api: Api) -> str:
    pid = open_founding(api)
    drive(api, pid, BEFORE_CONGRESS)
    return pid


def export(api: Api, out: Path, *args: str) -> Any:
    return runner.invoke(cli, ["export", "--out", str(out), *args, "--database-url", url_of(api)])


def test_genesis_hash_is_the_stores() -> None:
    assert GENESIS_HASH == schema.GENESIS_HASH


def test_export_then_verify_offline(any_api: Api, tmp_path: Path) -> None:
    pid = founded_union(any_api)
    out = tmp_path / "ja.zip"

    r = export(any_api, out, "--org", "JA", "--subtree", "--person", "auditor-ja")

    assert r.exit_code == 0, r.output
    head = any_api.rt.store.head()
    assert f"log head at position {head[0]}, hash {head[1]}" in r.stdout
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        names = set(zf.namelist())
        lines = [json.loads(x) for x in zf.read(EVENTS).decode().splitlines()]
    assert manifest["scope"] == {"org_id": "JA", "subtree": True}
    assert manifest["exported_by"] == "auditor-ja"
    assert manifest["log_head"] == {"position": head[0], "hash": head[1]}
    assert {s["stream_id"] for s in manifest["streams"]} == {"org-JA", "org-U1"}
    u1 = next(s for s in manifest["streams"] if s["stream_id"] == "org-U1")
    assert u1["version"] == any_api.version("U1") == u1["events"]
    assert manifest["counts"] == {"streams": 2, "events": len(lines), "profiles": 1}
    # The pinned profile, by name and version, with the procedure that pinned it.
    assert manifest["profiles"] == [
        {
            "file": "profiles/national-v1.json",
            "name": "national",
            "version": 1,
            "pinned_by": [{"stream_id": "org-U1", "version": 2}],
        }
    ]
    assert names == {MANIFEST, EVENTS, "profiles/national-v1.json"}
    assert set(manifest["files"]) == {EVENTS, "profiles/national-v1.json"}
    # Stored fields exactly: the payload is the stored JSON text.
    first = lines[0]
    assert set(first) == {
        "position", "stream_id", "version", "event_type", "schema_version", "occurred_on", "recorded_at",
        "metadata", "payload", "prev_hash", "hash",
    }  # fmt: skip
    assert isinstance(first["payload"], str) and first["prev_hash"] == GENESIS_HASH
    assert any(x["event_type"] == "FoundingRequested" and pid in x["payload"] for x in lines)

    # Offline: a database URL that cannot be reached is never opened.
    v = runner.invoke(
        cli, ["verify", "--bundle", str(out), "--database-url", "postgresql://nobody@unreachable.invalid/x"]
    )
    assert v.exit_code == 0, v.output
    assert v.stdout.startswith(f"ok: bundle {out}: {len(lines)} events in 2 streams, 1 profiles")
    # The manifest's digest printed at export is the anchor the offline check shows again.
    anchor = r.stdout.split("manifest SHA-256 ")[1].split(",")[0]
    assert v.stdout.strip().endswith(f"manifest SHA-256 {anchor}")

    union_only = tmp_path / "u1.zip"
    assert export(any_api, union_only, "--org", "U1", "--union-only").exit_code == 0
    report = verify_bundle(union_only)
    assert report.ok and report.streams_checked == 1 and report.events_checked == any_api.version("U1")


def test_export_of_an_unknown_organisation_is_one_line(api: Api, tmp_path: Path) -> None:
    r = export(api, tmp_path / "x.zip", "--org", "NOPE")
    assert r.exit_code == 2
    assert r.stderr.strip() == "error: --org: no organisation NOPE"
    assert not (tmp_path / "x.zip").exists()


# --------------------------------------------------------------------------- tampering


def rewrite(path: Path, change: Callable[[dict[str, bytes]], None]) -> None:
    with zipfile.ZipFile(path) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    change(files)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def event_lines(files: dict[str, bytes]) -> list[str]:
    return files[EVENTS].decode().splitlines(keepends=True)


def index_of(lines: list[str], stream: str, version: int) -> int:
    return next(
        i for i, x in enumerate(lines) if json.loads(x)["stream_id"] == stream and json.loads(x)["version"] == version
    )


def edit_payload(files: dict[str, bytes]) -> None:
    lines = event_lines(files)
    i = index_of(lines, "org-U1", 3)
    line = json.loads(lines[i])
    line["payload"] = line["payload"].replace("江工发", "假工发")
    assert "假工发" in line["payload"]
    lines[i] = json.dumps(line, ensure_ascii=False) + "\n"
    files[EVENTS] = "".join(lines).encode()


def delete_line(files: dict[str, bytes]) -> None:
    lines = event_lines(files)
    del lines[index_of(lines, "org-U1", 3)]
    files[EVENTS] = "".join(lines).encode()


def reorder_lines(files: dict[str, bytes]) -> None:
    lines = event_lines(files)
    i, j = index_of(lines, "org-U1", 3), index_of(lines, "org-U1", 4)
    lines[i], lines[j] = lines[j], lines[i]
    files[EVENTS] = "".join(lines).encode()


def edit_manifest_head(files: dict[str, bytes]) -> None:
    manifest = json.loads(files[MANIFEST])
    for s in manifest["streams"]:
        if s["stream_id"] == "org-U1":
            s["head_hash"] = "f" * 64
    files[MANIFEST] = json.dumps(manifest).encode()


def edit_manifest_counts(files: dict[str, bytes]) -> None:
    manifest = json.loads(files[MANIFEST])
    manifest["counts"]["events"] -= 1
    files[MANIFEST] = json.dumps(manifest).encode()


def edit_file_digest(files: dict[str, bytes]) -> None:
    manifest = json.loads(files[MANIFEST])
    manifest["files"][EVENTS]["sha256"] = "0" * 64
    files[MANIFEST] = json.dumps(manifest).encode()


def swap_profile(files: dict[str, bytes]) -> None:
    """A forger who also fixes the manifest's digest of the swapped file."""
    name = "profiles/national-v1.json"
    profile = json.loads(files[name])
    profile["term_years_allowed"] = [3, 4, 5]
    files[name] = json.dumps(profile).encode()
    manifest = json.loads(files[MANIFEST])
    manifest["files"][name] = {
        "sha256": __import__("hashlib").sha256(files[name]).hexdigest(),
        "bytes": len(files[name]),
    }
    files[MANIFEST] = json.dumps(manifest).encode()


def drop_profile(files: dict[str, bytes]) -> None:
    del files["profiles/national-v1.json"]
    manifest = json.loads(files[MANIFEST])
    del manifest["files"]["profiles/national-v1.json"]
    files[MANIFEST] = json.dumps(manifest).encode()


def add_file(files: dict[str, bytes]) -> None:
    files["notes.txt"] = b"nothing to see"


TAMPERING: list[tuple[Callable[[dict[str, bytes]], None], str, str, str | None, int | None]] = [
    # (tamper, kind, file, stream, version)
    (edit_payload, "edited", EVENTS, "org-U1", 3),
    (delete_line, "version-gap", EVENTS, "org-U1", 3),
    (reorder_lines, "out-of-order", EVENTS, "org-U1", 3),
    (edit_manifest_head, "manifest-mismatch", MANIFEST, "org-U1", None),
    (edit_manifest_counts, "manifest-mismatch", MANIFEST, None, None),
    (edit_file_digest, "file-hash", EVENTS, None, None),
    (swap_profile, "profile-mismatch", "profiles/national-v1.json", "org-U1", 2),
    (drop_profile, "profile-missing", "profiles/national-v1.json", "org-U1", 2),
    (add_file, "unlisted-file", "notes.txt", None, None),
]


@pytest.mark.parametrize(
    ("tamper", "kind", "file", "stream", "version"), TAMPERING, ids=[t[0].__name__ for t in TAMPERING]
)
def test_tampering_with_a_bundle_is_detected_and_named(
    api: Api,
    tmp_path: Path,
    tamper: Callable[[dict[str, bytes]], None],
    kind: str,
    file: str,
    stream: str | None,
    version: int | None,
) -> None:
    founded_union(api)
    out = tmp_path / "b.zip"
    with out.open("wb") as fh:
        write_bundle(api.rt, "JA", subtree=True, out=fh)
    assert verify_bundle(out).ok

    rewrite(out, tamper)
    report = verify_bundle(out)

    assert not report.ok and report.broken is not None
    assert (report.broken.kind, report.broken.file, report.broken.stream_id) == (kind, file, stream), report.broken
    if version is not None:
        assert report.broken.version == version, report.broken
    r = runner.invoke(cli, ["verify", "--bundle", str(out)])
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr.strip() == f"error: bundle {out}: tampering detected: {report.broken}"
    assert "Traceback" not in r.output


def test_a_file_that_is_not_a_bundle_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.zip"
    bogus.write_bytes(b"not a zip")
    r = runner.invoke(cli, ["verify", "--bundle", str(bogus)])
    assert r.exit_code == 1
    assert "unreadable" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("x.txt", "x")
    empty.seek(0)
    report = verify_bundle(empty)
    assert report.broken is not None and report.broken.kind == "missing-file" and report.broken.file == MANIFEST


def test_a_bundle_path_that_is_not_a_file_is_a_usage_error(tmp_path: Path) -> None:
    """A missing file or a directory is the caller's mistake, not tampering: exit 2, naming the option."""
    missing = tmp_path / "nope.zip"
    r = runner.invoke(cli, ["verify", "--bundle", str(missing)])
    assert (r.exit_code, r.stderr.strip()) == (2, f"error: --bundle: no such file {missing}")
    r = runner.invoke(cli, ["verify", "--bundle", str(tmp_path)])
    assert (r.exit_code, r.stderr.strip()) == (2, f"error: --bundle: {tmp_path} is not a file")


def test_export_where_it_cannot_write_is_one_line_and_leaves_nothing(any_api: Api, tmp_path: Path) -> None:
    founded_union(any_api)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    r = export(any_api, out_dir, "--org", "JA")
    assert (r.exit_code, r.stderr.strip()) == (
        2,
        f"error: --out: {out_dir} is a directory; name the bundle file to write",
    )
    blocker = out_dir / "blocker"  # a file where the bundle's directory should be
    blocker.write_text("x")
    r = export(any_api, blocker / "b.zip", "--org", "JA")
    assert (r.exit_code, r.stderr.strip()) == (2, f"error: --out: no such directory {blocker}")
    assert sorted(p.name for p in out_dir.iterdir()) == ["blocker"]


@pytest.mark.skipif(
    not Path("/sys/kernel").is_dir(), reason="needs Linux's sysfs: a directory no one can create files in"
)
def test_export_into_a_directory_it_cannot_write_in_is_one_line(any_api: Api) -> None:
    """Root ignores permission bits, so a read-only directory is taken from sysfs, where even root
    cannot create a file: before, this ended in a traceback from tempfile."""
    founded_union(any_api)
    r = export(any_api, Path("/sys/kernel/unionflow-bundle.zip"), "--org", "JA")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert r.stderr.strip().startswith("error: --out: cannot write in /sys/kernel: ")
