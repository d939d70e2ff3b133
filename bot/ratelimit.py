"""Pacing every request to Telegram's published limits, so the bot never earns a 429.

PTB's AIORateLimiter lets a burst through when its buckets start empty, has no limit per
private chat, and in 22.8 does not hold back requests already waiting when a 429 pauses it
(PTB issue #5338). This limiter hands out evenly spaced slots instead: at most `per_second`
message-sending requests a second overall, and for bulk sends (reminders, broadcasts) at most
one a second to each chat (replies in a conversation are not held to it). A 429 pauses everyone for `retry_after`, including requests that
already hold a slot, and the request is retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

SENDING_PREFIXES = ("send", "edit", "copy", "forward")
WINDOW_MARGIN = 0.02  # 2% of a second: 30 a second becomes at most 30 in any 1.02 s
# rate_limit_args for a bulk send whose slot the caller already took with `acquire()`.
PREPACED = {"prepaced": True}


class PacedRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(
        self,
        per_second: float | None = 30.0,
        per_chat_interval: float = 1.0,
        max_retries: int = 5,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._per_chat_interval = per_chat_interval
        # Evenly spaced slots alone are not enough: after a stall of the event loop (a big
        # batch, GC, a busy machine) the overdue slots all go at once, and Telegram counts
        # real arrivals in a sliding second. So the times requests really leave are kept
        # too, and no second (plus a small margin for the network's jitter) holds more than
        # `per_second` of them; the same margin applies per chat.
        self._window_limit = int(per_second) if per_second else 0
        self._window_seconds = 1.0 + WINDOW_MARGIN
        self._sent_at: deque[float] = deque()
        self._max_retries = max_retries
        self._next_slot = 0.0
        self._resume_at = 0.0
        self._chat_next: dict[Any, float] = {}
        self.pauses = 0  # how many 429s paused the bot, for logs and benchmarks

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if endpoint == "answerCallbackQuery":
            return await _answer_quietly(callback, args, kwargs)
        sending = endpoint.lower().startswith(SENDING_PREFIXES)
        prepaced = bool(rate_limit_args and rate_limit_args.get("prepaced"))
        chat_id = data.get("chat_id") if prepaced else None
        for attempt in range(self._max_retries + 1):
            if sending and not (prepaced and attempt == 0):
                await self._wait_for_slot(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as err:
                if attempt == self._max_retries:
                    raise
                delay = _seconds(err.retry_after)
                loop = asyncio.get_running_loop()
                self._resume_at = max(self._resume_at, loop.time() + delay + 0.1)
                self.pauses += 1
                log.warning("ratelimit.pause seconds=%s endpoint=%s", delay, endpoint)
        raise AssertionError("unreachable")

    async def acquire(self, chat_id: Any) -> None:
        """Waits for a bulk send's slot: the sender takes it before marking a delivery in
        flight, so a crash can only ever catch a send that was really on the wire."""
        await self._wait_for_slot(chat_id)

    async def _wait_for_slot(self, chat_id: Any) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            start = max(now, self._resume_at)
            if chat_id is not None:
                start = max(start, self._chat_next.get(chat_id, 0.0))
            slot = max(start, self._next_slot)
            self._next_slot = slot + self._interval
            if chat_id is not None:
                self._chat_next[chat_id] = slot + self._per_chat_interval
                if len(self._chat_next) > 50_000:
                    self._forget_old_chats(now)
            if slot > now:
                await asyncio.sleep(slot - now)
            wait = self._window_wait(loop.time())
            while wait > 0:
                await asyncio.sleep(wait)
                wait = self._window_wait(loop.time())
            # A 429 that arrived while we waited pauses us too (the bug in AIORateLimiter).
            now = loop.time()
            if now >= self._resume_at:
                if self._window_limit:
                    self._sent_at.append(now)
                if chat_id is not None:
                    # From when it really leaves, not when it was planned.
                    self._chat_next[chat_id] = max(
                        self._chat_next.get(chat_id, 0.0),
                        now + self._per_chat_interval * (1.0 + WINDOW_MARGIN),
                    )
                return

    def _window_wait(self, now: float) -> float:
        """Seconds until one more request fits in the sliding window (0: it fits now)."""
        if not self._window_limit:
            return 0.0
        sent = self._sent_at
        while sent and sent[0] <= now - self._window_seconds:
            sent.popleft()
        if len(sent) < self._window_limit:
            return 0.0
        return sent[0] + self._window_seconds - now

    def _forget_old_chats(self, now: float) -> None:
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}


async def _answer_quietly(callback: Callable[..., Coroutine[Any, Any, Any]], args, kwargs) -> Any:
    """A button's answer only stops its spinner. If Telegram refuses it ("query is too old"
    after a restart or a long pause) or the network drops it, the handler carries on with the
    tap: every flow answers first, and a failed courtesy must not lose what was tapped."""
    try:
        return await callback(*args, **kwargs)
    except (BadRequest, NetworkError, RetryAfter) as err:
        if isinstance(err, BadRequest) and "query" not in str(err).lower():
            raise  # a bug of ours (a toast too long), not a lost courtesy
        log.info("callback.answer_failed error=%s", type(err).__name__)
        return True


def _seconds(retry_after: Any) -> float:
    return (
        retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
    )
