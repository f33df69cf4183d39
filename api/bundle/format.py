"""The bundle's format, shared by writing and verifying: the file names, the fields of an event
line, and how a rule profile pinned in an event's payload is read and written canonically."""

from __future__ import annotations

import json
from typing import Any

FORMAT = "unionflow-audit-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVENTS = "events.jsonl"
PROFILES_DIR = "profiles/"
GENESIS_HASH = "0" * 64  # the `prev_hash` of every stream's first event (events.schema.GENESIS_HASH)

EVENT_FIELDS = (
    "position",
    "stream_id",
    "version",
    "event_type",
    "schema_version",
    "occurred_on",
    "recorded_at",
    "metadata",
    "payload",
    "prev_hash",
    "hash",
)


def canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def pinned_profile(payload: str) -> tuple[str, int, str] | None:
    """The rule profile an event's stored payload pins (a procedure's first event): its name,
    version and canonical settings; None for every other event (or a payload that is not JSON)."""
    if '"profile_name"' not in payload:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(data, dict) or "profile" not in data or "profile_version" not in data:
        return None
    return str(data["profile_name"]), int(data["profile_version"]), canonical(data["profile"])
