"""What every answer passes through on its way out, as one plain ASGI middleware (no task or
stream of its own per request, as `app.middleware("http")` would add): the request id
(`X-Request-ID`, echoed or generated), a URL with a NUL character refused at the edge, the
security headers, one JSON log line, and a bug's 500 problem carrying the request id."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import log_line, request_id_var
from api.problems import nul_in_url, unexpected_error

log = logging.getLogger("unionflow.api")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _nul_in_url(request: Request) -> str | None:
    """Where the URL carries a NUL character (the path, or a query parameter by name), if it does."""
    if "\x00" in request.scope.get("path", ""):
        return "path"
    query = request.scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:
        return None
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            return f"query.{name.replace(chr(0), '?')}"
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class RequestIdAndErrors:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id") or ""
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        token = request_id_var.set(request_id)
        try:
            await self._serve(scope, receive, send, request_id)
        finally:
            request_id_var.reset(token)

    async def _serve(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        request = Request(scope, receive)
        nul = _nul_in_url(request)
        if nul is not None:
            # PostgreSQL text cannot hold U+0000: refuse it at the edge, naming where it was.
            refused = nul_in_url(request, nul)
            refused.headers["X-Request-ID"] = request_id
            await refused(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0
        authorised = _header(scope, b"authorization") is not None

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                # A browser must not guess a JSON answer to be HTML or script; an answer given to a
                # bearer of a token holds personal data that no cache between may keep.
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if authorised or scope["state"].get("token_id") is not None:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unhandled error", extra={"method": scope["method"], "path": scope["path"]})
            if status:  # the answer had begun: nothing better to do than end the connection
                raise
            await unexpected_error(request)(scope, receive, sending)
        log_line(
            log,
            "request",
            {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "client": (scope.get("client") or (None,))[0],
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "token_id": scope["state"].get("token_id"),
            },
        )
