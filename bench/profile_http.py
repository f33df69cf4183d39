"""Where a request's time goes in the real server: one `bench_http` workload at one number of
clients, with `unionflow serve` running under cProfile (`bench.profiled_server`: every thread, on
each thread's own CPU clock unless `--timer wall`), then the functions that took most of it, per
request answered in the cell.

    .venv/bin/python -m bench.profile_http --workload facts --clients 8 --duration 10
    .venv/bin/python -m bench.profile_http --workload union --backend postgres --timer wall --top 60
    .venv/bin/python -m bench.profile_http --workload alerts --out /tmp/alerts.prof   # then: python -m pstats

The profiler slows every Python call, the cheap ones most, so the profiled server's rate is not the
benchmark's; the shares are what to read. What was gathered before the cell's first timed request
(start-up, the warm-up requests) is dropped. The stats are kept in `--out` (pstats format) for
`python -m pstats`, snakeviz or gprof2dot."""

from __future__ import annotations

import argparse
import os
import pstats
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_http import PG_URL, WORKLOADS, measure, parse_args
from bench.http_report import markdown

_ROOT = str(Path(__file__).resolve().parents[1]) + os.sep

# pstats' key of a function and its row: (file, line, name) -> (primitive calls, calls, own
# seconds, cumulative seconds, callers)
Key = tuple[str, int, str]


def where(key: Key) -> str:
    """A function's place, short: relative to the project, site-packages or the standard library."""
    file, line, name = key
    if file == "~":
        return name  # a built-in
    stdlib = sysconfig.get_paths()["stdlib"] + os.sep
    for prefix in (_ROOT, *(p + os.sep for p in sys.path if p.endswith("site-packages")), stdlib):
        if file.startswith(prefix):
            file = file[len(prefix) :]
            break
    return f"{file}:{line} {name}"


def top(stats: pstats.Stats, requests: int, n: int, by: int) -> list[str]:
    """The `n` functions first by column `by` of pstats' rows (3: cumulative, 2: own time), per
    request, with their share of all the profiled time."""
    rows: dict[Key, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in rows.values()) or 1.0
    ranked = sorted(rows.items(), key=lambda item: item[1][by], reverse=True)[:n]
    lines = [
        "| cumulative µs/req | own µs/req | share of all (cumulative) | calls/req | function |",
        "| ---: | ---: | ---: | ---: | --- |",
    ]
    for key, (_primitive, calls, own, cumulative, _callers) in ranked:
        lines.append(
            f"| {cumulative / requests * 1e6:,.0f} | {own / requests * 1e6:,.0f} | {cumulative / total:.1%} "
            f"| {calls / requests:,.1f} | `{where(key)}` |"
        )
    return lines


def report(prof: Path, requests: int, n: int, timer: str) -> str:
    stats = pstats.Stats(str(prof))
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    clock = "CPU time of each thread" if timer == "cpu" else "wall-clock time"
    return "\n".join(
        [
            f"## The server's profile: {requests:,} requests, {total:.2f} s of {clock} profiled "
            f"({total / max(requests, 1) * 1e3:.2f} ms a request, every thread)",
            "",
            f"Top {n} by cumulative time:",
            "",
            *top(stats, max(requests, 1), n, 3),
            "",
            f"Top {n} by own time:",
            "",
            *top(stats, max(requests, 1), n, 2),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", choices=tuple(WORKLOADS), default="facts")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of the profiled cell (default 10)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--unions", type=int, default=300, help="`unionflow demo --unions` (default 300)")
    parser.add_argument("--timer", choices=("cpu", "wall"), default="cpu", help="each thread's CPU time, or wall")
    parser.add_argument("--top", type=int, default=40, help="functions listed (default 40)")
    parser.add_argument("--out", type=Path, help="keep the stats here (pstats format)")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="unionflow-profile-")) / "serve.prof"
    bench = parse_args(
        [
            *("--backend", args.backend, "--workloads", args.workload, "--clients", str(args.clients)),
            *("--duration", str(args.duration), "--unions", str(args.unions), "--pg-url", args.pg_url),
            *("--profile", str(out.resolve()), "--profile-timer", args.timer),
        ]
    )
    result = measure(bench)
    print(markdown(result))
    print()
    (cell,) = result["backends"][args.backend]["cells"]
    print(report(out, cell["requests"], args.top, args.timer))
    print(f"\nstats kept in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
