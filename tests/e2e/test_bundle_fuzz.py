"""The bundle verifier against damage it was not written for (issue 20, anchors): every single-bit
flip of a small bundle, in the zip's headers, its directory, its end record or a file's bytes,
gives a verdict naming what is wrong, never a traceback and never "ok"."""

from __future__ import annotations

import io
from pathlib import Path

from typer.testing import CliRunner

from api.bundle import verify_bundle
from api.cli import app as cli
from tests.e2e.conftest import Api
from tests.e2e.test_bundle import export, founded_union

runner = CliRunner()


def _small_bundle(api: Api, tmp_path: Path) -> bytes:
    founded_union(api)
    out = tmp_path / "u1.zip"
    r = export(api, out, "--org", "U1", "--union-only")
    assert r.exit_code == 0, r.output
    assert verify_bundle(out).ok
    return out.read_bytes()


def test_every_bit_flip_of_a_bundle_is_reported(api: Api, tmp_path: Path) -> None:
    data = _small_bundle(api, tmp_path)
    undetected = []
    for at in range(len(data)):
        for bit in (0x01, 0x80):
            damaged = bytearray(data)
            damaged[at] ^= bit
            report = verify_bundle(io.BytesIO(bytes(damaged)))
            if report.broken is None:
                undetected.append((at, bit))
            else:
                assert report.broken.file and report.broken.kind
    assert undetected == []


def test_a_flipped_bundle_is_one_line_on_the_command_line(api: Api, tmp_path: Path) -> None:
    data = _small_bundle(api, tmp_path)
    damaged_file = tmp_path / "damaged.zip"
    # A byte in each region: a local header, a file's bytes, the directory, the end record.
    for at in (8, len(data) // 3, len(data) - 60, len(data) - 10):
        damaged = bytearray(data)
        damaged[at] ^= 0x04
        damaged_file.write_bytes(bytes(damaged))
        r = runner.invoke(cli, ["verify", "--bundle", str(damaged_file)])
        assert r.exit_code == 1, (at, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit)
        [line] = r.output.strip().splitlines()
        assert line.startswith(f"error: bundle {damaged_file}: tampering detected:")
