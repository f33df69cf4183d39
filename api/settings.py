"""The deployment's settings, read once from the environment (UNIONFLOW_*) by pydantic-settings.

The layers below `api/` take their configuration as arguments: `events.make_engine` is given a
URL, the workflow is given its profiles; only the composition root reads the environment."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///unionflow.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="UNIONFLOW_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # Local rule profiles (a city's or province's *.json) beside the shipped national default.
    profiles_dir: Path | None = None
    # Web sessions end after this long without a request, and this long after signing in at most.
    session_idle_minutes: int = Field(default=60, ge=1, le=24 * 60)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    # The session cookie's Secure flag: unset, it follows the request's scheme (https: Secure);
    # set it to true behind a TLS-terminating proxy that forwards plain http.
    cookie_secure: bool | None = None
    # Connections each server process keeps open to PostgreSQL (per engine: reads, and the
    # appends'), so that a busy server does not open and close one every few requests; up to as
    # many again are opened for a burst and closed after it.
    db_pool_size: int = Field(default=20, ge=1, le=200)
    # Threads of a server process that run the synchronous routes and dependencies (anyio's pool
    # would have 40): Python runs one of them at a time, so more threads than the database can keep
    # busy only take turns on the interpreter's lock; and fewer than `db_pool_size`, so that a busy
    # server never opens a connection beyond its pool for one request and closes it after.
    route_threads: int = Field(default=16, ge=1, le=400)
    # How long a bearer token's check is remembered by a server process: a revocation (or an
    # account disabled) made elsewhere takes effect within this many seconds; 0 checks each request.
    token_cache_seconds: float = Field(default=5.0, ge=0, le=60)
    # The largest request body the HTTP API reads (413 above it): far above any command's body,
    # whose text `workflow.bounds` limits, and far below what would tie up a worker.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # The audit page marks an entry as late (补录) when it was recorded more than this many days
    # after its business date: a fact entered long after it happened deserves an auditor's look.
    late_entry_days: int = Field(default=30, ge=0, le=3650)
    # The deployment's time zone (an IANA name): the business day "today" is, and the zone in which
    # the pages show times of recording (kept in UTC in the log).
    time_zone: str = "Asia/Shanghai"
    # The command line's language (en or zh) when --lang does not say; unset, LANG decides (zh_CN...:
    # Chinese), else English.
    lang: str | None = Field(default=None, pattern="^(en|zh)$")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def database_url(explicit: str | None = None) -> str:
    """The URL in force: an explicit one (a --database-url), else $UNIONFLOW_DATABASE_URL, else the
    SQLite default in the working directory."""
    return explicit or Settings().database_url
