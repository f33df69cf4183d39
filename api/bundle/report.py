"""What a bundle's check reports: counts, the manifest, and the first break found (its kind, file,
stream, version and line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from events.verify import log_place


@dataclass(frozen=True)
class BundleBreak:
    kind: str
    file: str
    detail: str
    stream_id: str | None = None
    version: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        file = self.file + (f" line {self.line}" if self.line is not None else "")
        return f"{self.kind} at {', '.join([file, *log_place(self.stream_id, self.version)])}: {self.detail}"


@dataclass
class BundleReport:
    streams_checked: int = 0
    events_checked: int = 0
    profiles_checked: int = 0
    broken: BundleBreak | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    manifest_sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None

    @property
    def log_head(self) -> dict[str, Any]:
        head = self.manifest.get("log_head")
        return head if isinstance(head, dict) else {}


class Broken(Exception):
    """The first break found: stops the check, and becomes the report's `broken`."""

    def __init__(self, brk: BundleBreak) -> None:
        super().__init__(str(brk))
        self.brk = brk


def broken(kind: str, file: str, detail: str, **where: Any) -> Broken:
    return Broken(BundleBreak(kind, file, detail, **where))
