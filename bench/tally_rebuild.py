"""What the summaries' tallies cost a rebuild: the same generated log rebuilt by this checkout and
by another (run this file as a script with PYTHONPATH pointing at that checkout; it uses only what
both have), on SQLite and PostgreSQL.

    PYTHONPATH=. .venv/bin/python bench/tally_rebuild.py --unions 3000 --url sqlite:////tmp/tr-new.db
    PYTHONPATH=/path/to/before .venv/bin/python bench/tally_rebuild.py --unions 3000 --url sqlite:////tmp/tr-old.db

Each database gets the log (`bench.synthetic`, written once, reused), then `--repeat` full rebuilds
(one replay process, so that the two checkouts do the same work); the best is printed with its
phases (this checkout's include "tallies": summing the tallies after the replay)."""

from __future__ import annotations

import argparse
import json

import sqlalchemy as sa

import projections
from bench import synthetic
from bench.support import ensure_database
from events import make_engine, migrate
from events.reading import head_position


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--unions", type=int, default=3000)
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args()
    if not args.url.startswith("sqlite"):
        ensure_database(args.url)
    engine = make_engine(args.url)
    projections.register_migrations()
    migrate.upgrade(engine)
    with engine.connect() as conn:
        empty = head_position(conn) == 0
    if empty:
        synthetic.write_log(engine, synthetic.generate(args.unions, seed=7), batch=50_000)
    best = None
    for _ in range(args.repeat):
        report = projections.Projections(engine, workers=1).rebuild()
        if best is None or report.seconds < best.seconds:
            best = report
    assert best is not None
    with engine.connect() as conn:
        rows = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in best.rows}
    out: dict[str, object] = {"events": best.events, "seconds": round(best.seconds, 2)}
    out |= {"phases": {k: round(v, 2) for k, v in best.phases.items()}, "rows": rows}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
