"""Small form POSTs over a few kept-alive HTTP/1.1 connections: the Bot API's hot path.

Nearly every call the bot makes (send a message, edit one, answer a tap, poll for updates) is
one small form-encoded POST to the same host, answered with a small JSON body. aiohttp's client
spends about 300 us of CPU on each (building a ClientRequest, headers, tracing, timers, the
response object); writing the request line by hand and reading the answer with a
StreamReader costs about 70 us (bench/updates.py makes ~2.5 such calls an update). Uploads and
proxied requests stay with aiohttp (bot/request.py), which handles multipart and CONNECT.

What it does, and what it does not:
- One request per connection at a time, at most `size` connections, reused while the server
  keeps them open; one closed by the server while idle is noticed before reuse, and one idle
  longer than IDLE_SECONDS is not reused (servers drop idle connections after a while).
- Answers with Content-Length, chunked, or (HTTP/1.0, Connection: close) ending with the
  connection. No compression is asked for, no redirects are followed (the Bot API sends none).
- A failure mid-request closes that connection: it is never returned half-read.
Errors are the caller's to map (bot/request.py): OSError and asyncio.IncompleteReadError for
the network, TimeoutError for timeouts, PoolTimeout when no connection frees up in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

IDLE_SECONDS = 30.0  # a connection idle longer than this is closed, not reused
MAX_HEADER_BYTES = 64 * 1024


class PoolTimeout(TimeoutError):
    """No connection became free within the pool timeout."""


class ProtocolError(OSError):
    """The server's answer is not HTTP/1.1 as we read it."""


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def reusable(self) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < IDLE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a URL's requests go, worked out once per URL (the bot posts to a few dozen)."""

    host: str
    port: int
    tls: bool
    head: bytes  # "POST /path HTTP/1.1\r\nHost: ...\r\n" and the fixed headers


class KeepAlivePool:
    """Form POSTs to one or more hosts over at most `size` kept-alive connections in all."""

    def __init__(self, size: int, user_agent: str, ssl_context: ssl.SSLContext) -> None:
        self._slots = asyncio.Semaphore(size)
        self._idle: dict[tuple[str, int, bool], list[_Connection]] = {}
        self._targets: dict[tuple[str, str], _Target] = {}
        self._user_agent = user_agent
        self._ssl = ssl_context
        self._closed = False

    async def post(
        self,
        url: str,
        method: str,
        body: bytes,
        content_type: str,
        *,
        pool_timeout: float | None,
        connect_timeout: float | None,
        read_timeout: float | None,
    ) -> tuple[int, bytes]:
        """Sends one request and returns its status and body."""
        if self._closed:
            raise RuntimeError("This KeepAlivePool is closed")
        target = self._target(url, method)
        try:
            async with asyncio.timeout(pool_timeout):
                await self._slots.acquire()
        except TimeoutError as err:
            raise PoolTimeout("no free connection within the pool timeout") from err
        try:
            connection = await self._connection(target, connect_timeout)
            done = False
            try:
                async with asyncio.timeout(read_timeout):
                    connection.writer.write(
                        b"%sContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s"
                        % (target.head, content_type.encode(), len(body), body)
                    )
                    status, payload, keep = await _read_response(connection.reader)
                done = True
            finally:
                if done and keep and not self._closed:
                    connection.idle_since = time.monotonic()
                    self._idle.setdefault((target.host, target.port, target.tls), []).append(
                        connection
                    )
                else:  # cut off mid-request (error, timeout, cancel) or closed by the server
                    connection.close()
            return status, payload
        finally:
            self._slots.release()

    def _target(self, url: str, method: str) -> _Target:
        key = (url, method)
        target = self._targets.get(key)
        if target is None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"not an http(s) URL: {parts.scheme}://{parts.hostname}")
            tls = parts.scheme == "https"
            port = parts.port or (443 if tls else 80)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {self._user_agent}\r\n"
                "Accept: */*\r\nConnection: keep-alive\r\n"
            ).encode()
            target = _Target(parts.hostname, port, tls, head)
            if len(self._targets) < 1024:  # a handful in practice: one URL per API method
                self._targets[key] = target
        return target

    async def _connection(self, target: _Target, connect_timeout: float | None) -> _Connection:
        idle = self._idle.get((target.host, target.port, target.tls))
        while idle:
            connection = idle.pop()
            if connection.reusable():
                return connection
            connection.close()
        async with asyncio.timeout(connect_timeout):
            reader, writer = await asyncio.open_connection(
                target.host,
                target.port,
                ssl=self._ssl if target.tls else None,
                limit=MAX_HEADER_BYTES,
            )
        return _Connection(reader, writer)

    async def close(self) -> None:
        self._closed = True
        connections = [c for idle in self._idle.values() for c in idle]
        self._idle.clear()
        for connection in connections:
            connection.close()
        for connection in connections:
            with contextlib.suppress(OSError):  # reset by the server: closed either way
                await connection.writer.wait_closed()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Reads one answer: its status, its body, and whether the connection may be reused."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].split(b"\r\n")
        version, _, rest = lines[0].partition(b" ")
        if not version.startswith(b"HTTP/1.") or len(rest) < 3 or not rest[:3].isdigit():
            raise ProtocolError("malformed status line")
        status = int(rest[:3])
        if status >= 200 or status == 101:
            break
        # 1xx interim answers (100 Continue) come before the real one.
    length: int | None = None
    chunked = False
    keep = version == b"HTTP/1.1"
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            token = value.strip().lower()
            if token == b"close":
                keep = False
            elif token == b"keep-alive":
                keep = True
    if chunked:
        return status, await _read_chunked(reader), keep
    if length is not None:
        return status, await reader.readexactly(length), keep
    if status == 204 or status == 304:
        return status, b"", keep
    return status, await reader.read(), False  # the body ends with the connection


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise ProtocolError("malformed chunk")
