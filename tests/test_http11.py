"""bot/http11.py: the kept-alive HTTP/1.1 client under the Bot API calls, against real sockets.

The emulator (an aiohttp server) answers with Content-Length and keeps connections open; these
tiny servers answer in the other ways HTTP/1.1 allows, and close connections as servers do.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram.error import NetworkError, TimedOut

from bot.http11 import KeepAlivePool, PoolTimeout
from bot.request import AiohttpRequest

Answer = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """A loopback server answering each request with `answer`; counts connections."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.stop = asyncio.Event()  # what a server that never answers waits for

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        SERVERS[self.server.sockets[0].getsockname()[1]] = self
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.stop.set()
        self.server.close()
        await self.server.wait_closed()

    @property
    def url(self) -> str:
        assert self.server is not None
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot1:x/sendMessage"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                self.requests.append(head + await reader.readexactly(length))
                await self.answer(reader, writer)
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def respond(raw: bytes, *, close: bool = False) -> Answer:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(raw)
        await writer.drain()
        if close:
            writer.close()

    return answer


async def hang(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Never answers (until the test's server stops)."""
    await server_of(writer).stop.wait()


def server_of(writer: asyncio.StreamWriter) -> Server:
    return SERVERS[writer.get_extra_info("sockname")[1]]


SERVERS: dict[int, Server] = {}
OK = b'{"ok":true,"result":true}'
LENGTH = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(OK), OK)


@pytest.fixture
async def pool() -> AsyncIterator[KeepAlivePool]:
    lean = KeepAlivePool(2, "test", ssl.create_default_context())
    yield lean
    await lean.close()


async def post(pool: KeepAlivePool, url: str, read_timeout: float = 2) -> tuple[int, bytes]:
    return await pool.post(
        url,
        "POST",
        b"chat_id=1&text=hi",
        "application/x-www-form-urlencoded",
        pool_timeout=1,
        connect_timeout=1,
        read_timeout=read_timeout,
    )


async def test_requests_reuse_one_connection_and_send_the_form(pool):
    async with Server(respond(LENGTH)) as server:
        for _ in range(3):
            assert await post(pool, server.url) == (200, OK)
    assert server.connections == 1
    head, _, body = server.requests[0].partition(b"\r\n\r\n")
    assert head.startswith(b"POST /bot1:x/sendMessage HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"Content-Type: application/x-www-form-urlencoded" in head
    assert body == b"chat_id=1&text=hi"


async def test_a_chunked_answer_is_read_whole(pool):
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5\r\n{"ok"\r\n14;x=1\r\n:true,"result":true}\r\n0\r\n\r\n'
    )
    async with Server(respond(chunked)) as server:
        assert await post(pool, server.url) == (200, OK)
        assert await post(pool, server.url) == (200, OK)
    assert server.connections == 1


async def test_an_answer_ending_with_the_connection_is_read_and_not_reused(pool):
    ending = b"HTTP/1.0 200 OK\r\n\r\n" + OK
    async with Server(respond(ending, close=True)) as server:
        assert await post(pool, server.url) == (200, OK)
        assert await post(pool, server.url) == (200, OK)
    assert server.connections == 2


async def test_connection_close_is_honoured(pool):
    closing = b"HTTP/1.1 429 Too Many\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"
    async with Server(respond(closing, close=True)) as server:
        assert await post(pool, server.url) == (429, b"{}")
        assert await post(pool, server.url) == (429, b"{}")
    assert server.connections == 2


async def test_a_connection_the_server_closed_while_idle_is_not_reused(pool):
    async with Server(respond(LENGTH)) as server:
        assert await post(pool, server.url) == (200, OK)
        server.server.close()  # stop listening first, then drop the open connection
        await server.server.wait_closed()
    async with Server(respond(LENGTH)) as second:
        # The old connection has seen EOF: the next request opens a new one, on the new port.
        assert await post(pool, second.url) == (200, OK)
    assert second.connections == 1


async def test_an_answer_that_never_comes_times_out_and_the_connection_is_dropped(pool):
    answers = [hang, respond(LENGTH)]

    async def first_hangs(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await answers.pop(0)(reader, writer)

    async with Server(first_hangs) as server:
        with pytest.raises(TimeoutError):
            await post(pool, server.url, read_timeout=0.2)
        # Never reused half-read: the next request gets its own answer on a new connection.
        assert await post(pool, server.url) == (200, OK)
    assert server.connections == 2


async def test_a_full_pool_times_out_as_a_pool_timeout():
    lean = KeepAlivePool(1, "test", ssl.create_default_context())
    started = asyncio.Event()

    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        started.set()
        await hang(reader, writer)

    try:
        async with Server(slow) as server:
            first = asyncio.create_task(post(lean, server.url, read_timeout=5))
            await asyncio.wait_for(started.wait(), 5)
            with pytest.raises(PoolTimeout):
                await lean.post(
                    server.url, "POST", b"", "text/plain",
                    pool_timeout=0.1, connect_timeout=1, read_timeout=1,
                )  # fmt: skip
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first
    finally:
        await lean.close()


async def test_a_malformed_answer_is_a_network_error_through_the_request_class():
    request = AiohttpRequest(read_timeout=2)
    await request.initialize()
    try:
        async with Server(respond(b"SPDY/9 what\r\n\r\n", close=True)) as server:
            with pytest.raises(NetworkError):
                await request.do_request(server.url, "POST")
        short = b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{}"
        async with Server(respond(short, close=True)) as server:
            with pytest.raises(NetworkError):  # cut off inside the body
                await request.do_request(server.url, "POST")
    finally:
        await request.shutdown()


async def test_a_request_class_timeout_is_ptbs_timed_out():
    request = AiohttpRequest(read_timeout=0.2, write_timeout=0.1)
    await request.initialize()
    try:
        async with Server(hang) as server:
            with pytest.raises(TimedOut):
                await request.do_request(server.url, "POST")
    finally:
        await request.shutdown()
