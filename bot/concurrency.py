"""Updates of different chats handled at once; one chat's updates one after another, in order.

With `concurrent_updates(False)` PTB handles one update at a time, so every reply's HTTP round
trips and SQLite writes queue all other people behind them. With PTB's plain concurrency
(`concurrent_updates(n)`), two taps of one person could run interleaved and be applied out of
order. This processor gives each chat a chain: an update waits for the previous update of
its own chat to finish, and nobody else's. The order is taken when PTB hands the update over,
before anything awaits, so it is the order in which getUpdates delivered them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own semaphore (in the final `process_update`) must never make an update wait: a
# waiter there could be overtaken, and the order is decided after it. The real limit is ours.
_ADMIT_ALL = 1 << 30


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """At most `max_concurrent_updates` handlers run at once; per chat, strictly in order."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        if max_concurrent_updates < 1:
            raise ValueError("`max_concurrent_updates` must be a positive integer!")
        self._limit_value = max_concurrent_updates
        super().__init__(_ADMIT_ALL)
        self._limit = asyncio.Semaphore(max_concurrent_updates)
        self._tails: dict[Any, asyncio.Future[None]] = {}

    @property
    def max_concurrent_updates(self) -> int:
        return self._limit_value

    @property
    def chats_in_progress(self) -> int:
        """Chats with an update running or waiting (tests, benchmarks)."""
        return len(self._tails)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:  # no chat to keep in order (e.g. an inline query)
            async with self._limit:
                await coroutine
            return
        loop = asyncio.get_running_loop()
        previous = self._tails.get(key)
        done: asyncio.Future[None] = loop.create_future()
        self._tails[key] = done  # before any await: this fixes the order within the chat
        started = False
        try:
            if previous is not None:
                await asyncio.shield(previous)
            async with self._limit:
                started = True
                await coroutine
        finally:
            if not started:
                _close(coroutine)
            if not started and previous is not None and not previous.done():
                # Cancelled while waiting: the next one still waits for the one before.
                previous.add_done_callback(lambda _: self._release(key, done))
            else:
                self._release(key, done)

    def _release(self, key: Any, done: asyncio.Future[None]) -> None:
        if not done.done():
            done.set_result(None)
        if self._tails.get(key) is done:
            del self._tails[key]


def _chat_key(update: object) -> Any:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
