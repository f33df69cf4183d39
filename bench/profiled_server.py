"""`unionflow serve` under cProfile, for `bench.profile_http`: every thread profiled (the event
loop's and the thread pool's that runs the app's synchronous routes and dependencies), by default
on each thread's own CPU clock (`time.thread_time`), so that waiting costs nothing and the figures
say where the CPU goes. SIGUSR1 clears what was gathered so far (start-up, warm-up); the stats of
every thread are merged and written to `--out` when the server stops (SIGTERM).

    python -m bench.profiled_server --out serve.prof [--timer cpu|wall] serve --port 8000 ...

Written for Python 3.11, whose profiler hooks one thread at a time: a profiler is started in each
thread at its first call. From 3.12 on cProfile hooks every thread at once (`sys.monitoring`), and
only one profiler is started."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

_PER_THREAD = sys.version_info < (3, 12)


class Profiles:
    """One profiler per thread (on 3.11), all cleared together and merged at the end."""

    def __init__(self, timer: str) -> None:
        self.timer = time.thread_time if timer == "cpu" else time.perf_counter
        self.profiles: list[cProfile.Profile] = []
        self.lock = threading.Lock()

    def new(self) -> cProfile.Profile:
        profile = cProfile.Profile(self.timer)
        with self.lock:
            self.profiles.append(profile)
        profile.enable()
        return profile

    def start(self) -> None:
        """Profile the main thread now, and (on 3.11) every thread from its first call."""
        if _PER_THREAD:

            def first_call(frame: FrameType, event: str, arg: Any) -> None:
                self.new()  # replaces this hook in the thread that called it

            threading.setprofile(first_call)
        self.new()
        signal.signal(signal.SIGUSR1, lambda signum, frame: self.clear())

    def clear(self) -> None:
        with self.lock:
            for profile in self.profiles:
                profile.clear()

    def dump(self, out: str) -> None:
        threading.setprofile(None)
        with self.lock:
            stats = pstats.Stats(self.profiles[0])
            for profile in self.profiles[1:]:
                stats.add(profile)
        stats.dump_stats(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="where the merged stats are written (pstats format)")
    parser.add_argument("--timer", choices=("cpu", "wall"), default="cpu")
    args, rest = parser.parse_known_args()
    from api.cli import main as unionflow  # imported before profiling starts

    profiles = Profiles(args.timer)
    sys.argv = ["unionflow", *rest]
    # uvicorn raises the SIGTERM it caught again once it has shut down, to end the process the way
    # the signal's previous handler would: this one lets it return, so that the stats get written.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    profiles.start()
    try:
        unionflow()
    except SystemExit:
        pass
    finally:
        profiles.dump(args.out)


if __name__ == "__main__":
    main()
