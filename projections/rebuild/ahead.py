"""PostgreSQL: a replay's next page read while it folds the page before.

Each page of the stream-ordered read is a statement the server answers while the replay process
waits (SQLite answers in the process itself). The page after a page starts right after that
page's last event, so it can be asked for as soon as that page has come: a thread asks for it, on
a connection of its own (autocommit, one statement a page), while the replay folds, and the
replay takes it when it is done folding. One page ahead at most: memory holds two pages."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine

from projections.feed import Ev, StreamPages


class PagesAhead:
    """`projections.feed.StreamPages`, each page after the first asked for ahead (see the module's
    docstring). Make one with `pages_ahead`, which closes its thread and connection."""

    def __init__(self, pages: StreamPages, thread: ThreadPoolExecutor) -> None:
        self._pages = pages
        self._thread = thread
        self._ahead: tuple[tuple[str, int], int, Future[list[Ev[Any]]]] | None = None

    def after(self, last: tuple[str, int] | None, limit: int) -> list[Ev[Any]]:
        """Up to `limit` events after the event `last` ((stream_id, version); None: from the
        first), as `StreamPages.after`."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == last and ahead[1] == limit:
            page = ahead[2].result()
        else:
            if ahead is not None:
                ahead[2].result()  # one statement at a time on the connection
            page = self._pages.after(last, limit)
        if len(page) == limit:  # a full page: more may follow
            tail = (page[-1].stream_id, page[-1].version)
            self._ahead = (tail, limit, self._thread.submit(self._pages.after, tail, limit))
        return page

    def wait(self) -> None:
        """Let the page asked for ahead, if any, finish (before the connection is given back)."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead[2].exception()


@contextmanager
def pages_ahead(
    engine: Engine, to_position: int, *, low: str | None = None, high: str | None = None
) -> Iterator[PagesAhead]:
    """Stream-ordered pages of the log read one ahead, on a connection of their own."""
    with engine.connect() as conn, ThreadPoolExecutor(1, thread_name_prefix="replay-read") as thread:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        pages = PagesAhead(StreamPages(conn, to_position, low=low, high=high), thread)
        try:
            yield pages
        finally:
            pages.wait()
