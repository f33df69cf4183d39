"""An anchor of the log: its head (last position and running hash) written as `POSITION:HASH`, to
keep outside the database and compare with later (`EventStore.verify(expected_head=...)`). A
consistent rewrite of every chain and of the head passes the internal checks; only an anchor kept
elsewhere shows it."""

from __future__ import annotations

import re

_ANCHOR = re.compile(r"^(?P<position>[0-9]{1,18}):(?P<hash>[0-9a-f]{64})$")


class BadAnchor(ValueError):
    """Text that is not an anchor."""


def format_anchor(head: tuple[int, str]) -> str:
    position, log_hash = head
    return f"{position}:{log_hash}"


def parse_anchor(text: str) -> tuple[int, str]:
    """`POSITION:HASH` as the log's head printed it: a position and 64 lowercase hex digits."""
    match = _ANCHOR.match(text.strip())
    if match is None:
        raise BadAnchor(
            "an anchor is POSITION:HASH as `unionflow head` prints it: a position, a colon and "
            f"the 64 hexadecimal digits of the log hash (got {text[:80]!r})"
        )
    return int(match["position"]), match["hash"]
