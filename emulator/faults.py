"""Telegram on a bad day, and its limits: blocked chats, flood control (sliding windows, as
Telegram publishes them), and injected failures (fail_next, fail_ratio, chaos, hang_next).
"""

from __future__ import annotations

import random
from collections import deque

from emulator.state import State, _Chat
from emulator.validation import DEFAULT_ERRORS, ApiError, _too_many


class Faults(State):
    """Which calls fail, which answer late, and which a flood limit or a block refuses."""

    def _injected(self, name: str) -> ApiError | None:
        key = name.lower()
        queue = self._fail_next.get(key)
        if queue:
            status, retry_after, description = queue.popleft()
        elif key in self._fail_ratio:
            status, ratio, retry_after, rng = self._fail_ratio[key]
            if rng.random() >= ratio:
                return None
            description = None
        elif self._chaos:
            ratio, _, _, retry_after, rng = self._chaos
            roll = rng.random()
            if roll >= ratio:
                return None
            status, description = (500 if roll < ratio / 2 else 429), None
        else:
            return None
        self.stats["errors_injected"] += 1
        if status == 429:
            error = _too_many(retry_after or 1)
            error.description = description or error.description
            return error
        return ApiError(
            status,
            description or DEFAULT_ERRORS.get(status, "Injected error"),
            html_body=status in (502, 504),
        )

    def _deliver(self, chat: _Chat, *, flood: bool = True, paid: bool = False) -> None:
        """Last checks before something reaches the person: blocked, then flood control."""
        if chat.obj["id"] in self._blocked:
            self.stats["blocked"] += 1
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if flood and self.rate_limits:
            if paid:
                self._check_paid_flood()
            self._check_flood(chat, paid=paid)
        if paid:
            self.stats["paid_sent"] += 1

    def _check_paid_flood(self) -> None:
        """allow_paid_broadcast (Bot API 7.11): up to `paid_per_second` messages a sliding
        second in all, paid and free together; each paid one costs the bot 0.1 Star."""
        now = self._clock()
        every = self._all_sends
        while every and every[0] <= now - 1.0:
            every.popleft()
        if len(every) >= self.paid_per_second:
            raise _too_many(every[0] + 1.0 - now)

    def _check_flood(self, chat: _Chat, *, paid: bool = False) -> None:
        """Sliding windows: `overall_per_second` for the bot, `per_chat_per_second` per private
        chat, `per_group_per_minute` per group; a refused send does not count. A paid broadcast
        is not held to `overall_per_second` (_check_paid_flood counts it)."""
        now = self._clock()
        overall = self._overall
        while overall and overall[0] <= now - 1.0:
            overall.popleft()
        if not paid and len(overall) >= self.overall_per_second:
            raise _too_many(overall[0] + 1.0 - now)
        group = chat.obj["type"] != "private"
        limit, window = (
            (self.per_group_per_minute, 60.0) if group else (self.per_chat_per_second, 1.0)
        )
        stamps = self._per_chat.get(chat.obj["id"])
        if stamps is None:
            if len(self._per_chat) >= 10_000:  # bounded: forget chats quiet for a minute
                self._per_chat = {k: v for k, v in self._per_chat.items() if v and v[-1] > now - 60}
            stamps = self._per_chat[chat.obj["id"]] = deque()
        while stamps and stamps[0] <= now - window:
            stamps.popleft()
        if len(stamps) >= limit:
            raise _too_many(stamps[0] + window - now)
        if not paid:
            overall.append(now)
        self._all_sends.append(now)
        stamps.append(now)

    # ---- blocked people and injected failures
    def block(self, user_id: int) -> None:
        """The person blocked the bot: sends to their chat answer 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self._blocked.discard(user_id)

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> None:
        """The next `times` calls of `method` answer `status` without taking effect; 502 and
        504 answer nginx's HTML page, as Telegram's front end does."""
        queue = self._fail_next.setdefault(method.lower(), deque())
        queue.extend([(status, retry_after, description)] * times)

    def fail_ratio(
        self, method: str, status: int, ratio: float, *, retry_after: int = 1, seed: int = 0
    ) -> None:
        """A seeded random share of `method` calls fail; ratio 0 turns it off."""
        if ratio <= 0:
            self._fail_ratio.pop(method.lower(), None)
        else:
            self._fail_ratio[method.lower()] = (status, ratio, retry_after, random.Random(seed))

    def chaos(
        self,
        ratio: float,
        *,
        slow: float = 0.0,
        slow_seconds: float = 0.3,
        retry_after: int = 1,
        seed: int = 0,
    ) -> None:
        """Telegram on a bad day, for every method: a seeded `ratio` of calls answer 500 or 429
        (half each) without taking effect, and `slow` of the rest take effect but answer after
        `slow_seconds`. fail_next, fail_ratio and hang_next still come first. 0, 0 ends it."""
        self._chaos = (
            (ratio, slow, slow_seconds, retry_after, random.Random(seed)) if ratio or slow else None
        )

    def hang_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next calls take effect but answer only after `seconds` (or at stop()), so the
        client times out on a message that was in fact delivered: the duplicate-send trap."""
        self._hang_next.setdefault(method.lower(), deque()).extend([seconds] * times)
