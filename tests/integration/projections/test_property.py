"""Property: the read models kept live (the append listener, catch-up in pages of any size) equal
the ones rebuilt from zero, on randomly generated histories (bench.synthetic: every
procedure, with rejections, runoffs, late and backdated entries, extensions, vacancies, imports
with every fact a registry may give, or none, joint unions naming the units they cover,
dissolutions that withdraw what is under way)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import projections
from bench import synthetic
from bench.synthetic import Item, Shape
from events import EventStore, NewEvent
from events.catalogue import CATALOGUE, ExistingTermImported
from projections import Projections
from projections.models import alerts as alert_model

SHAPE = Shape(provinces=2, cities=2, counties=3, townships=3)


def _live(engine: sa.Engine, items: Sequence[Item], rng: random.Random, pages: tuple[int, int]) -> None:
    """Write `items` the ways a live system would: in bulk then caught up in pages of a random
    size, one command at a time with the listener attached, in bulk again."""
    n = len(items)
    a = rng.randint(0, n)
    b = min(n, a + rng.randint(0, max(1, min(600, n // 25))))
    synthetic.write_log(engine, items[:a])
    Projections(engine, page_size=rng.randint(*pages), batch_events=rng.randint(pages[0], 5 * pages[1])).catch_up()
    store = EventStore(engine, CATALOGUE)
    live = Projections(engine)
    for _rec, _key, _seq, stream, on, event, meta in items[a:b]:
        store.append(
            stream,
            [NewEvent(event, on)],
            expected_version=store.stream_version(stream),
            metadata=meta,
            listener=live.listener,
        )
    synthetic.write_log(engine, items[b:])
    Projections(engine, page_size=rng.randint(*pages)).catch_up()


@pytest.mark.slow
def test_rebuild_equals_live_on_a_history_of_thousands_of_unions(engine: sa.Engine) -> None:
    rng = random.Random(20261121)
    items = list(synthetic.generate(2500, seed=5, shape=SHAPE))
    # Imports with each of the registry's facts, and without (issue 18: imported unions).
    imports = [ev for *_, ev, _meta in items if isinstance(ev, ExistingTermImported)]
    for fact in set(ExistingTermImported.model_fields) - {"org_id", "source", "evidence"}:
        assert any(getattr(ev, fact) not in (None, []) for ev in imports), fact
        assert fact.startswith("term_") or any(getattr(ev, fact) in (None, []) for ev in imports), fact
    _live(engine, items, rng, (200, 2000))
    runner = Projections(engine)
    report = runner.compare_with_rebuild()
    assert report.ok, str(report)
    assert report.rows_compared["proj_orgs"] == 2500 + 1 + 2 + 4 + 12 + 36
    assert report.rows_compared["proj_alerts"] > 10_000  # every alert kind, past and present
    assert report.rows_compared["proj_covered_units"] > 100  # joint unions' units (RULES.md §7)
    with engine.connect() as conn:
        orgs = projections.schema.orgs
        dissolved = conn.execute(sa.select(sa.func.count()).where(orgs.c.dissolved_on.is_not(None))).scalar()
    assert dissolved is not None and dissolved > 100  # R-DISSOLVE
    kinds = {a.kind for a in projections.alerts(engine, dt.date(2026, 6, 30), limit=None).items}
    assert kinds == set(alert_model.KINDS)
    assert EventStore(engine, CATALOGUE).verify().ok  # the bulk writer kept the hash chains
    # After a rebuild the tables still equal a rebuild of themselves.
    runner.rebuild()
    assert runner.compare_with_rebuild().ok


@pytest.mark.slow
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), unions=st.integers(1, 40), order=st.randoms(use_true_random=False))
def test_rebuild_equals_live_on_small_random_histories(
    engine: sa.Engine, seed: int, unions: int, order: random.Random
) -> None:
    # Examples share the database: each adds its own unions (and the tree the first time).
    with engine.connect() as conn:
        first = int(conn.execute(sa.select(sa.func.count()).select_from(projections.schema.orgs)).scalar() or 0) + 1
    items = list(synthetic.generate(unions, seed=seed, shape=SHAPE, first=first, federations=first == 1))
    _live(engine, items, order, (1, 60))
    report = Projections(engine).compare_with_rebuild()
    assert report.ok, str(report)
