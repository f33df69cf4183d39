"""Checking an audit bundle offline (`verify_bundle`): the manifest and its file list, the events'
chains (`api.bundle.chains`), the pinned profiles, then every file's digest. The first break is
reported; nothing here opens a database."""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
import zlib
from contextlib import ExitStack
from contextvars import ContextVar
from pathlib import Path
from typing import Any, BinaryIO

from api.bundle.chains import verify_events
from api.bundle.container import check_container
from api.bundle.format import EVENTS, FORMAT, FORMAT_VERSION, MANIFEST, PROFILES_DIR, canonical
from api.bundle.report import Broken, BundleReport, broken

# What reading a damaged zip raises, in the zip module or the decompressor beneath it: each is a
# bundle that is not as exported, reported as such rather than as a crash of the verifier.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
    KeyError,
    struct.error,
    OverflowError,
)


def verify_bundle(path_or_file: str | Path | BinaryIO) -> BundleReport:
    """Check an audit bundle offline (see `api.bundle` for what and in which order)."""
    report = BundleReport()
    try:
        with ExitStack() as stack:
            fp = (
                path_or_file
                if not isinstance(path_or_file, str | Path)
                else stack.enter_context(open(path_or_file, "rb"))
            )
            _verify(fp, report)
    except Broken as exc:
        report.broken = exc.brk
    except _UNREADABLE as exc:
        report.broken = broken("unreadable", _reading.get(), f"damaged: {type(exc).__name__}: {exc}").brk
    return report


def _verify(fp: BinaryIO, report: BundleReport) -> None:
    _reading.set("(zip)")
    zf = zipfile.ZipFile(fp)
    with zf:
        check_container(zf, fp)
        names = [n for n in zf.namelist() if not n.endswith("/")]
        manifest = _read_manifest(zf, names, report)
        files = _dict(manifest, "files")
        for name in names:
            if name != MANIFEST and name not in files:
                raise broken("unlisted-file", name, "the file is in the bundle but not in the manifest")
        for name in files:
            if name not in names:
                raise broken("missing-file", name, "the manifest lists the file but the bundle does not have it")
        if EVENTS not in files:
            raise broken("missing-file", EVENTS, "the manifest lists no events file")

        _reading.set(EVENTS)
        pinned = verify_events(zf, manifest, report)
        _verify_profiles(zf, manifest, pinned, report)
        for name, entry in files.items():
            _reading.set(name)
            data = zf.read(name)
            digest = hashlib.sha256(data).hexdigest()
            if not isinstance(entry, dict) or entry.get("sha256") != digest or entry.get("bytes") != len(data):
                raise broken(
                    "file-hash",
                    name,
                    f"SHA-256 {digest} ({len(data)} bytes) differs from the manifest's "
                    f"{entry.get('sha256') if isinstance(entry, dict) else entry!r}",
                )


# The member being read when the zip module fails, so that the verdict names it.
_reading: ContextVar[str] = ContextVar("bundle_member", default="(zip)")


def _read_manifest(zf: zipfile.ZipFile, names: list[str], report: BundleReport) -> dict[str, Any]:
    """The manifest, read and recognised as this format's (its SHA-256 goes in the report)."""
    if MANIFEST not in names:
        raise broken("missing-file", MANIFEST, "the bundle has no manifest")
    _reading.set(MANIFEST)
    raw_manifest = zf.read(MANIFEST)
    report.manifest_sha256 = hashlib.sha256(raw_manifest).hexdigest()
    try:
        manifest = json.loads(raw_manifest)
    except ValueError as exc:
        raise broken("manifest-unreadable", MANIFEST, f"not JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise broken("manifest-unreadable", MANIFEST, f"not a {FORMAT} manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise broken(
            "manifest-unreadable",
            MANIFEST,
            f"format_version {manifest.get('format_version')!r}; this verifier reads {FORMAT_VERSION}",
        )
    report.manifest = manifest
    return manifest


def _dict(manifest: dict[str, Any], key: str) -> dict[str, Any]:
    value = manifest.get(key)
    if not isinstance(value, dict):
        raise broken("manifest-mismatch", MANIFEST, f"{key!r} is missing or not an object")
    return value


def _verify_profiles(
    zf: zipfile.ZipFile,
    manifest: dict[str, Any],
    pinned: dict[tuple[str, int], tuple[str, int, str]],
    report: BundleReport,
) -> None:
    listed = manifest.get("profiles")
    if not isinstance(listed, list):
        raise broken("manifest-mismatch", MANIFEST, "'profiles' is missing or not a list")
    by_pin: dict[tuple[str, int], str] = {}
    for entry in listed:
        if not isinstance(entry, dict) or not isinstance(entry.get("pinned_by"), list):
            raise broken("manifest-mismatch", MANIFEST, "a profile entry is malformed")
        for pin in entry["pinned_by"]:
            by_pin[str(pin.get("stream_id")), int(pin.get("version", 0))] = str(entry.get("file"))
    names = set(zf.namelist())
    for (sid, v), (name, version, settings) in sorted(pinned.items()):
        file = by_pin.get((sid, v))
        if file is None or file not in names:
            raise broken(
                "profile-missing",
                file or PROFILES_DIR,
                f"the procedure opened here pinned profile {name} v{version}, which the bundle does not hold",
                stream_id=sid,
                version=v,
            )
        try:
            held = canonical(json.loads(zf.read(file)))
        except ValueError as exc:
            raise broken("profile-mismatch", file, f"not JSON: {exc}", stream_id=sid, version=v) from exc
        if held != settings:
            raise broken(
                "profile-mismatch",
                file,
                f"the file's settings differ from profile {name} v{version} as the procedure pinned it",
                stream_id=sid,
                version=v,
            )
    report.profiles_checked = len({f for f in by_pin.values()})
