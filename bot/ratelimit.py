"""Pacing every request to Telegram's published limits, and the one place requests are retried.

PTB's AIORateLimiter lets a burst through when its buckets start empty, has no limit per
private chat, and in 22.8 does not hold back requests already waiting when a 429 pauses it
(PTB issue #5338). This limiter hands out evenly spaced slots instead: at most `per_second`
message-sending requests a second overall, and for bulk sends (reminders, broadcasts) at most
one a second to each chat (replies in a conversation are not held to it).

Every request goes through `process_request`, so it is also where transient faults are
retried, for every handler at once:
- 429: after `retry_after`. The pause holds back only the chat that earned it (a request
  without a chat, such as setMyCommands, pauses everyone), so one person's flood does not
  make every other person wait.
- 5xx, timeouts, refused connections: after a short backoff (0.5 s, 1 s, 2 s, ...).
- Within RETRY_BUDGET seconds from the first attempt: a reply later than that helps nobody,
  and the error then reaches the handler as before.
Duplicate or lost: a timeout may come after Telegram accepted the message. Retrying it may
show the person the same reply twice; not retrying may show them nothing, and a person in pain
left without an answer is worse than one repeated line. So timeouts are retried. An edit
retried after it took effect answers "message is not modified": that is its success.
Not retried here: getUpdates (the Updater polls again with its own backoff) and bulk sends
that took their slot with `acquire()` (the sender keeps a delivery row and retries it later,
across restarts); a 429 on those is still waited out here, as before.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.edits import KeyboardLedger
from bot.request import direct_post, plain_keyboard
from bot.telegram_errors import is_not_modified, retry_after_seconds

log = logging.getLogger(__name__)

SENDING_PREFIXES = ("send", "edit", "copy", "forward")
WINDOW_MARGIN = 0.03  # 30 a second becomes at most 30 in any 1.03 s: 29.1 a second
PENDING_EXPIRY = 10.0  # seconds after which a slot never used stops holding its place
SLOW_REQUEST = 0.01  # a request answered later than this is counted from its answer
# rate_limit_args for a bulk send whose slot the caller already took with `acquire()`.
PREPACED = {"prepaced": True}
# ...and for a paid broadcast (allow_paid_broadcast) whose slot came from `acquire_paid()`.
PAID_PREPACED = {"prepaced": True, "paid": True}
RETRY_BUDGET = 12.0  # seconds from the first attempt within which a request is tried again
# A button's answer only stops a spinner, and the tap's real work waits behind it: one quick
# retry at most.
ANSWER_BUDGET = 1.0
FIRST_BACKOFF = 0.5  # seconds before the first retry of a 5xx or timeout, doubled each time
NOT_RETRIED = frozenset({"getupdates"})  # the Updater's own loop polls again
NOT_MODIFIED = "Message is not modified: it has no buttons to remove (known here, not sent)"


class PacedRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(
        self,
        per_second: float | None = 30.0,
        per_chat_interval: float = 1.0,
        max_retries: int = 5,
        paid_per_second: float | None = None,
    ) -> None:
        self._interval = 1.0 / per_second if per_second else 0.0
        self._per_chat_interval = per_chat_interval
        # Evenly spaced slots alone are not enough: a request can leave well after its slot
        # (the loop busy with a batch, a new connection, a busy machine), and Telegram counts
        # real arrivals in a sliding second: one late request and the next ones on time make
        # 31 in a second. So the moments requests really start are kept, slots taken but not
        # yet used count as starting now, and no second (plus a small margin for the
        # network's jitter) holds more than `per_second` of them. The same per chat.
        self._window_limit = int(per_second) if per_second else 0
        self._window_seconds = 1.0 + WINDOW_MARGIN
        self._sent_at: deque[float] = deque()  # when sending requests started
        self._pending: deque[float] = deque()  # slots handed out, their requests not started
        self._max_retries = max_retries
        self._next_slot = 0.0
        self._resume_at = 0.0
        self._chat_next: dict[Any, float] = {}
        self._chat_resume_at: dict[Any, float] = {}  # chats paused by a 429, until when
        self.pauses = 0  # how many 429s paused the bot, for logs and benchmarks
        # Paid broadcasts (allow_paid_broadcast): up to `paid_per_second` in all, so the paid
        # lane gets what the free one leaves; its own slots and window, the same margin.
        self.paid_lane = (
            _Lane(paid_per_second - (per_second or 0.0))
            if paid_per_second and per_second and paid_per_second > per_second
            else None
        )
        self.keyboards = KeyboardLedger()  # edits that would change nothing are not sent

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
        plain_keyboard(data)  # request building: every call but getUpdates passes here
        callback = direct_post(callback)
        if endpoint == "answerCallbackQuery":
            return await _answer_quietly(
                self._send, callback, args, kwargs, endpoint, data, budget=ANSWER_BUDGET
            )
        if self.keyboards.removal_changes_nothing(endpoint, data):
            # Answered here as Telegram would answer it, without the call: the flows read
            # "not modified" as "the buttons were used already" (a double tap).
            log.debug("edit.skipped endpoint=%s reason=no_keyboard", endpoint)
            raise BadRequest(NOT_MODIFIED)
        prepaced = bool(rate_limit_args and rate_limit_args.get("prepaced"))
        paid = bool(rate_limit_args and rate_limit_args.get("paid"))
        result = await self._send(
            callback, args, kwargs, endpoint, data, prepaced=prepaced, paid=paid
        )
        self.keyboards.note(endpoint, data, result)
        return result

    async def _send(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        *,
        prepaced: bool = False,
        paid: bool = False,
        budget: float = RETRY_BUDGET,
    ) -> Any:
        sending = endpoint.lower().startswith(SENDING_PREFIXES)
        chat_id = data.get("chat_id") if prepaced else None
        # Whom a 429 pauses: the chat, or the one button answer; everyone if neither.
        target = data.get("chat_id", data.get("callback_query_id"))
        retry_faults = not prepaced and endpoint.lower() not in NOT_RETRIED
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        timed_out = False  # whether an attempt timed out (and so may have taken effect)
        paid = paid and self.paid_lane is not None
        for attempt in range(self._max_retries + 1):
            if paid:  # counted in the paid lane's own window; the free one stays free
                if attempt:
                    await self.acquire_paid(chat_id)
                started = None
            else:
                if sending and not (prepaced and attempt == 0):
                    await self._wait_for_slot(chat_id, target)
                else:
                    await self._wait_for_chat(target)
                started = self._started(chat_id) if sending else None
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as err:
                delay = retry_after_seconds(err.retry_after)
                if (
                    endpoint.lower() in NOT_RETRIED  # PTB's loop waits it out; nobody else must
                    or attempt == self._max_retries
                    or loop.time() + delay > deadline
                ):
                    raise
                self._pause(target, loop.time() + delay + 0.1)
                log.warning("ratelimit.pause seconds=%s endpoint=%s", delay, endpoint)
            except BadRequest as err:
                if timed_out and is_not_modified(err):
                    # The attempt that timed out had taken effect: the edit is done.
                    log.info("request.retry_took_effect endpoint=%s", endpoint)
                    return True
                raise
            except NetworkError as err:  # 5xx, timeouts, refused connections (not BadRequest)
                timed_out = timed_out or isinstance(err, TimedOut)  # it may have taken effect
                delay = FIRST_BACKOFF * 2**attempt
                if (
                    not retry_faults
                    or attempt == self._max_retries
                    or loop.time() + delay > deadline
                ):
                    raise
                log.info(
                    "request.retry endpoint=%s attempt=%s error=%s",
                    endpoint,
                    attempt + 1,
                    type(err).__name__,
                )
                await asyncio.sleep(delay)
            finally:
                if started is not None:
                    self._finished(started, chat_id)
        raise AssertionError("unreachable")

    def _pause(self, target: Any, until: float) -> None:
        """A 429 holds back the chat it was about, or everyone when it was about no chat."""
        self.pauses += 1
        if target is None:
            self._resume_at = max(self._resume_at, until)
        else:
            self._chat_resume_at[target] = max(self._chat_resume_at.get(target, 0.0), until)

    async def _wait_for_chat(self, target: Any) -> None:
        """Waits out a 429 pause of everyone or of `target`'s chat."""
        loop = asyncio.get_running_loop()
        while True:
            resume = max(self._resume_at, self._chat_resume_at.get(target, 0.0))
            if loop.time() >= resume:
                self._chat_resume_at.pop(target, None)
                return
            await asyncio.sleep(resume - loop.time())

    async def acquire(self, chat_id: Any) -> None:
        """Waits for a bulk send's slot: the sender takes it before marking a delivery in
        flight, so a crash can only ever catch a send that was really on the wire."""
        await self._wait_for_slot(chat_id, chat_id)

    async def acquire_paid(self, chat_id: Any) -> None:
        """A paid broadcast's slot: the paid lane's pace, each chat still once a second, and a
        429 pause holds it too. Send with allow_paid_broadcast and PAID_PREPACED."""
        if self.paid_lane is None:
            raise RuntimeError("paid broadcasts are not configured")
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            start = max(now, self._resume_at, self._chat_next.get(chat_id, 0.0))
            self._chat_next[chat_id] = start + self._per_chat_interval * (1.0 + WINDOW_MARGIN)
            if start > now:
                await asyncio.sleep(start - now)
            await self.paid_lane.wait(loop)
            if loop.time() >= self._resume_at:
                return

    async def _wait_for_slot(self, chat_id: Any, target: Any = None) -> None:
        loop = asyncio.get_running_loop()
        while True:
            # A paused chat waits before it takes a slot: a slot 3 s ahead would hold back
            # every chat behind it.
            await self._wait_for_chat(target)
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
            if now >= max(self._resume_at, self._chat_resume_at.get(target, 0.0)):
                self._chat_resume_at.pop(target, None)
                if self._window_limit:
                    self._pending.append(now)
                return

    def _started(self, chat_id: Any) -> float:
        """The request is going on the wire now: from here on it counts where it really is."""
        now = asyncio.get_running_loop().time()
        if self._window_limit:
            if self._pending:
                self._pending.popleft()
            self._sent_at.append(now)
        self._hold_chat(chat_id, now)
        return now

    def _finished(self, started: float, chat_id: Any) -> None:
        """A slow request (a new connection, a busy server) may have arrived as late as its
        answer: it counts from then, so the requests after it cannot bunch up behind it."""
        now = asyncio.get_running_loop().time()
        if now - started <= SLOW_REQUEST:
            return
        if self._window_limit:
            with contextlib.suppress(ValueError):  # already out of the window
                self._sent_at.remove(started)
            bisect.insort(self._sent_at, now)
        self._hold_chat(chat_id, now)

    def _hold_chat(self, chat_id: Any, since: float) -> None:
        if chat_id is not None:
            self._chat_next[chat_id] = max(
                self._chat_next.get(chat_id, 0.0),
                since + self._per_chat_interval * (1.0 + WINDOW_MARGIN),
            )

    def _window_wait(self, now: float) -> float:
        """Seconds until one more request fits in the sliding window (0: it fits now)."""
        if not self._window_limit:
            return 0.0
        sent, pending = self._sent_at, self._pending
        while sent and sent[0] <= now - self._window_seconds:
            sent.popleft()
        while pending and pending[0] <= now - PENDING_EXPIRY:
            pending.popleft()  # a slot taken and never used (the send was abandoned)
        if len(sent) + len(pending) < self._window_limit:
            return 0.0
        if sent:
            return max(sent[0] + self._window_seconds - now, 0.001)
        return 0.005  # every place is held by a request about to start

    def _forget_old_chats(self, now: float) -> None:
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}


class _Lane:
    """Evenly spaced slots, and at most `per_second` starts in any 1 + WINDOW_MARGIN seconds."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self._interval = 1.0 / per_second
        self._limit = max(int(per_second), 1)
        self._window = 1.0 + WINDOW_MARGIN
        self._next_slot = 0.0
        self._started: deque[float] = deque()

    async def wait(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)
        while True:
            now = loop.time()
            while self._started and self._started[0] <= now - self._window:
                self._started.popleft()
            if len(self._started) < self._limit:
                self._started.append(now)
                return
            await asyncio.sleep(max(self._started[0] + self._window - now, 0.001))


async def _answer_quietly(
    send: Callable[..., Coroutine[Any, Any, Any]], *args: Any, **kwargs: Any
) -> Any:
    """A button's answer only stops its spinner. If Telegram refuses it ("query is too old"
    after a restart or a long pause) or the network drops it after the retries, the handler
    carries on with the tap: every flow answers first, and a failed courtesy must not lose
    what was tapped."""
    try:
        return await send(*args, **kwargs)
    except (BadRequest, NetworkError, RetryAfter) as err:
        if isinstance(err, BadRequest) and "query" not in str(err).lower():
            raise  # a bug of ours (a toast too long), not a lost courtesy
        log.info("callback.answer_failed error=%s", type(err).__name__)
        return True
