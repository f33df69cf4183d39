"""Structured (JSON) logs, one object a line, each carrying the request id of the request being
served (from X-Request-ID, or generated)."""

from __future__ import annotations

import contextvars
import json
import logging
import math
import time
from json.encoder import encode_basestring
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# One encoder for every line: `json.dumps` with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _flat_json(body: dict[str, Any]) -> str | None:
    """`_ENCODE(body)`, character for character, when every value is a string, a boolean, an
    integer, a finite float or None (every request's line): Python's JSON encoder costs many times
    more for a dozen keys. None when some value is of another kind."""
    parts = []
    for key, value in body.items():
        if value is None:
            text = "null"
        elif isinstance(value, str):
            text = encode_basestring(value)
        elif value is True or value is False:
            text = "true" if value else "false"
        elif type(value) is int:
            text = int.__repr__(value)
        elif type(value) is float and math.isfinite(value):
            text = float.__repr__(value)
        else:
            return None
        parts.append(f"{encode_basestring(key)}: {text}")
    return "{" + ", ".join(parts) + "}"


_second: tuple[int, str] = (-1, "")


def _utc_time(created: float) -> str:
    """`datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`, the date and
    time formatted once a second."""
    global _second
    fraction, whole = math.modf(created)
    micro = round(fraction * 1e6)
    seconds = int(whole) + (micro >= 1_000_000)
    micro %= 1_000_000
    if _second[0] != seconds:
        _second = (seconds, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)))
    return f"{_second[1]}.{micro // 1000:03d}+00:00"


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": _utc_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                body[key] = value
        if record.exc_info:
            body["exception"] = self.formatException(record.exc_info)
        return _flat_json(body) or _ENCODE(body)


def log_line(logger: logging.Logger, message: str, extra: dict[str, Any]) -> None:
    """`logger.info(message, extra=extra)` without looking up the caller's file and line in the
    stack, which no line shows (`JsonFormatter` leaves them out): the access line of every request."""
    if logger.isEnabledFor(logging.INFO):
        logger.handle(logger.makeRecord(logger.name, logging.INFO, "", 0, message, (), None, extra=extra))


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the `unionflow` loggers (called by `unionflow serve`)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("unionflow")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
