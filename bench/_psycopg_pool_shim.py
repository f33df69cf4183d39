"""A stand-in for `psycopg_pool`, used by the benchmark only when that package is missing.

`eventsourcing.postgres` imports `psycopg_pool` (it comes with `eventsourcing[postgres]`, i.e.
`psycopg[pool]`). Where the package is not installed, this module takes its place so the real
`eventsourcing.postgres` recorders, SQL and transactions can still be measured. It is a plain
list of idle connections, lighter than the real pool (no background workers, no health checks),
so if anything it flatters eventsourcing. The benchmark labels rows measured with it."""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

import psycopg
from psycopg import pq

CT = TypeVar("CT", bound=psycopg.Connection[Any])


class ConnectionPool(Generic[CT]):
    def __init__(
        self,
        conninfo: str = "",
        *,
        connection_class: type[CT] | None = None,
        kwargs: dict[str, Any] | None = None,
        configure: Callable[[CT], None] | None = None,
        **_ignored: Any,
    ) -> None:
        self.conninfo = conninfo
        self.connection_class: Any = connection_class or psycopg.Connection
        self.kwargs = dict(kwargs or {})
        self._configure = configure
        self._idle: list[CT] = []
        self._lock = threading.Lock()

    @staticmethod
    def check_connection(conn: CT) -> None:
        conn.execute("SELECT 1")

    def _connect(self, timeout: float | None = None) -> CT:
        conn: CT = self.connection_class.connect(self.conninfo, **self.kwargs)
        if self._configure is not None:
            self._configure(conn)
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:
            conn.rollback()
        return conn

    def open(self, wait: bool = False, timeout: float = 30.0) -> None:
        pass

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[CT]:
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None or conn.closed:
            conn = self._connect(timeout)
        try:
            yield conn
        finally:
            if not conn.closed:
                if conn.info.transaction_status != pq.TransactionStatus.IDLE:
                    conn.rollback()
                with self._lock:
                    self._idle.append(conn)

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def __enter__(self) -> ConnectionPool[CT]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def install() -> None:
    """Register this module as `psycopg_pool` (and `psycopg_pool.abc`)."""
    module = sys.modules[__name__]
    abc = types.ModuleType("psycopg_pool.abc")
    abc.CT = CT  # type: ignore[attr-defined]
    for name in ("ConnectFailedCB", "ConnectionCB", "ConninfoParam", "KwargsParam"):
        setattr(abc, name, Any)
    sys.modules["psycopg_pool"] = module
    sys.modules["psycopg_pool.abc"] = abc
