"""Every payload of the demo's log, read back as the read side reads it, decodes without validation
(`EventRegistry.stored_decoder`) to exactly what validation gives (see tests/unit/test_trusted_decoding.py
for the synthetic history, the classes it leaves out and the fallbacks)."""

from __future__ import annotations

from typer.testing import CliRunner

from api.cli import app as cli
from api.demo import MIN_UNIONS
from events import make_engine, reading
from events.catalogue import CATALOGUE
from tests.unit.test_trusted_decoding import same


def test_the_demos_payloads_decode_as_validation_decodes_them(db_url: str) -> None:
    r = CliRunner().invoke(cli, ["demo", "--unions", str(MIN_UNIONS), "--database-url", db_url])
    assert r.exit_code == 0, r.output
    engine = make_engine(db_url)
    types: set[str] = set()
    with engine.connect() as conn:
        rows = reading.rows_after(conn, 0, None, 1_000_000)
    engine.dispose()
    assert len(rows) > 500
    for row in map(reading.FeedRow._make, rows):
        decoded = CATALOGUE.stored_decoder(row.event_type, row.schema_version)(row.payload)
        same(decoded, CATALOGUE.decoder(row.event_type, row.schema_version)(row.payload))
        types.add(row.event_type)
    assert len(types) > 30  # most of the catalogue: the demo's unions are in every situation
