"""Real `unionflow serve` processes on loopback ports, for the tests that need several workers or
a restart: started as the operator starts them, ready when uvicorn says it is listening (read
from its log, no sleeping and hoping), stopped with SIGTERM."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Each worker process says so once its app has started. With --workers its socket listens
# already (bound before it starts), and uvicorn's supervisor says it is "running" before any
# worker has started; a lone process binds only after its app has started, then says "running".
# Ready: every worker's startup and the "running" line, in whichever order they come.
READY = "Application startup complete"
RUNNING = "Uvicorn running on"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(url: str, *extra: str, workers: int = 1, timeout: float = 120) -> Iterator[str]:
    """The base URL of `unionflow serve` on `url` (with `extra` options) once its `workers` are
    listening; stopped after the block."""
    with server_process(url, *extra, workers=workers, timeout=timeout) as (base, _proc):
        yield base


@contextmanager
def server_process(
    url: str,
    *extra: str,
    workers: int = 1,
    timeout: float = 120,
    command: list[str] | None = None,
    output: list[str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`serving`, with the server's process (the benchmarks read its CPU time): `command` runs
    instead of `python -m api.cli` (a launcher that passes the arguments on to it), and its output
    once it listens is appended to `output` (complete once the block has ended), else dropped."""
    port = free_port()
    serve = ["serve", "--port", str(port), "--workers", str(workers), *extra]
    proc = subprocess.Popen(
        [*(command or [sys.executable, "-m", "api.cli"]), *serve],
        env=os.environ | {"UNIONFLOW_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    listening = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if not listening.is_set():
                lines.put(line)
            elif output is not None:
                output.append(line)
        lines.put(None)

    pumping = threading.Thread(target=pump, daemon=True)
    pumping.start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=timeout)
            if line is None:
                raise AssertionError("unionflow serve ended before listening:\n" + "".join(seen))
            seen.append(line)
            started = sum(READY in seen_line for seen_line in seen)
            if started == workers and any(RUNNING in seen_line for seen_line in seen):
                break
        listening.set()
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if output is not None:
            pumping.join(timeout=30)  # the output's end: every line is in `output`


def _tcp_inodes(port: int, state: str) -> set[str]:
    """The socket inodes of the TCP connections and listeners (IPv4 and IPv6) whose local port is
    `port`, in `state` (the kernel's hex code: "0A" listening, "01" established)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                    found.add(fields[9])
    return found


def sockets_by_process(root: int, port: int, state: str) -> dict[int, int]:
    """How many of the sockets of local port `port` in `state` each process under `root` (root
    included) holds, read from /proc (Linux)."""
    wanted = _tcp_inodes(port, state)
    held: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            if int(entry) != root and parent != root:
                continue
            links = [os.readlink(f"/proc/{entry}/fd/{fd}") for fd in os.listdir(f"/proc/{entry}/fd")]
        except OSError:  # the process ended meanwhile
            continue
        count = sum(link.startswith("socket:[") and link[8:-1] in wanted for link in links)
        if count:
            held[int(entry)] = count
    return held
