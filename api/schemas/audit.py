"""The auditor's chain check (`GET /audit/verify`): what was checked and the first broken link."""

from __future__ import annotations

from typing import Any

VERIFY_EXAMPLE: dict[str, Any] = {
    "ok": False,
    "org_id": "JA",
    "subtree": True,
    "streams_checked": 41,
    "events_checked": 512,
    "log_head": {"position": 20931, "hash": "9f2c…"},
    "broken": {
        "kind": "edited",
        "stream_id": "org-U7",
        "version": 4,
        "position": 1810,
        "detail": "the stored hash does not match the event's content",
    },
}
