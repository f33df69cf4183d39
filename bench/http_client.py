"""The load's HTTP client: one keep-alive HTTP/1.1 connection per client over asyncio's streams,
the request's bytes written at once and the answer read by its Content-Length, as `wrk`-style
load generators do. It shares the machine's two cores with the server it measures, so what it
costs is CPU the server does not get; a general-purpose client (httpx) spent more per request
than some of the requests it timed (bench/README.md, issue 21).

Only what the benchmark's requests need: JSON bodies, answers with a Content-Length (uvicorn
sends one for every non-streamed response) or chunked; anything else is a `ClientError`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

import orjson


class ClientError(Exception):
    """The connection failed or the answer could not be read."""


class KeepAlive:
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            raise ValueError(f"a loopback http://host:port URL is needed, not {base_url!r}")
        self.host, self.port = parts.hostname, parts.port
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in ({"Host": f"{self.host}:{self.port}"} | headers).items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> KeepAlive:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
            self._reader = self._writer = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        """The answer's status and body; one retry on a fresh connection if the kept one was
        closed by the server before this request was written."""
        payload = b"" if body is None else orjson.dumps(body)
        head = f"{method} {path} HTTP/1.1\r\n{self._fixed}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        data = (head + "\r\n").encode() + payload
        fresh = self._writer is None
        try:
            return await self._exchange(data)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            await self.close()
            if fresh:
                raise ClientError(f"{type(exc).__name__}: {exc}") from exc
            try:
                return await self._exchange(data)
            except (ConnectionError, asyncio.IncompleteReadError) as again:
                await self.close()
                raise ClientError(f"{type(again).__name__}: {again}") from again

    async def _exchange(self, data: bytes) -> tuple[int, bytes]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        self._writer.write(data)
        head = await self._reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        else:
            raise ClientError(f"an answer without Content-Length or chunked encoding (status {status})")
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def _chunked(self) -> bytes:
        assert self._reader is not None
        chunks = []
        while True:
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await self._reader.readexactly(size + 2)
            if size == 0:
                return b"".join(chunks)
            chunks.append(chunk[:-2])
