"""One listening socket per worker process of `unionflow serve --workers N`.

uvicorn binds one socket in its supervisor and hands it to every worker. The workers all wait on
it, and the one that wakes first accepts every connection waiting (asyncio and uvloop accept until
the queue is empty). A burst of new keep-alive connections (a page's, a proxy's, a benchmark's)
then lands on one worker, whose one core serves them all while the others idle.

Here every worker listens on a socket of its own, bound to the same address with SO_REUSEPORT, and
the kernel spreads new connections over the workers' sockets by a hash of the connection's
addresses. The supervisor keeps a socket bound to that address, not listening: it holds the port
(a port already taken is refused before any worker starts) and receives no connection.

The socket in the supervisor is handed to each worker as uvicorn hands it any socket: pickled for
the process it spawns. A `WorkerListener` pickles as the instruction to open the worker's own, so
that uvicorn's supervision (health checks, restarting a worker that died, signals) stays as it is.
A worker's connections still waiting to be accepted when it dies are lost with its socket."""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

# Linux spreads connections over sockets sharing a port; elsewhere (or without SO_REUSEPORT) the
# workers share uvicorn's one socket.
SPREADS_CONNECTIONS = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _bound(family: int, address: tuple[Any, ...]) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart while old connections linger
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def worker_socket(family: int, address: tuple[Any, ...], backlog: int) -> socket.socket:
    """The worker's own listening socket (what a `WorkerListener` becomes in the worker)."""
    sock = _bound(family, address)
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


class WorkerListener(socket.socket):
    """The supervisor's socket: bound to the address, not listening; in each worker it is
    unpickled as `worker_socket` on the same address."""

    backlog: int

    @classmethod
    def hold(cls, host: str, port: int, backlog: int) -> WorkerListener:
        """OSError if the address is taken, by any process: a socket sharing the port with others
        would also join another server's, and take its share of that server's connections."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP) as alone:
            alone.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            alone.bind((host, port))
            port = alone.getsockname()[1]  # port 0: the one the system chose
        bound = _bound(family, (host, port))
        listener = cls(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, fileno=bound.detach())
        listener.backlog = backlog
        return listener

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return worker_socket, (self.family, self.getsockname(), self.backlog)


def worker_sockets(config: Any) -> list[socket.socket]:
    """The sockets to hand uvicorn's supervisor for `config` (a `uvicorn.Config`): a
    `WorkerListener` where the system spreads connections over a socket per worker, else uvicorn's
    one shared socket. OSError if the address is taken."""
    if not SPREADS_CONNECTIONS:
        return [config.bind_socket()]
    listener = WorkerListener.hold(config.host, config.port, config.backlog)
    host, port = listener.getsockname()[:2]
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d, a socket per worker", host, port)
    return [listener]


def serve_workers(config: Any, sockets: list[socket.socket]) -> None:
    """uvicorn's supervisor of `config.workers` processes (a `uvicorn.Config` of an import string)
    on `sockets` (`worker_sockets`), until it is stopped."""
    from uvicorn.supervisors import Multiprocess

    try:
        Multiprocess(config, sockets=sockets).run()
    except KeyboardInterrupt:
        pass
    finally:
        for sock in sockets:
            sock.close()
