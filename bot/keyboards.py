"""Which inline keyboards are still current: the one guard every button press goes through.

Rule for the whole bot: once a question is answered (by a button or by typing), its keyboard
goes; a button on a message whose question was answered, or asked again in a newer message,
changes nothing and says so. Telegram keeps a button on screen until the bot edits it away, so
the bot has to remember which keyboards are current: every request that shows, removes or
replaces a keyboard passes `KeyboardTracker`, which writes that down in the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseRateLimiter

from bot.store import Store

log = logging.getLogger(__name__)

# Requests whose answer is the message as it now looks (its keyboard included).
SHOWING = ("send", "edit", "copy")
# The step a typed answer goes to (subscribers.awaiting) -> the kind of button answering the
# same question, whose keyboard a typed answer closes.
STEP_BUTTONS = {
    "zone": "ob:z",
    "time": "ob:t",
    "practice": "pr:tension",
    "checkin_tension": "ci:t",
    "checkin_pain": "ci:p",
    "checkin_areas": "ci:a",
    "checkin_completion": "ci:c",
    "checkin_note": "ci:n",
}


def button_kind(data: str) -> str:
    """The family of a button: its data's first two word parts ('ci:12:t:5' -> 'ci:t')."""
    words = [part for part in data.split(":") if part and not _is_number(part)]
    return ":".join(words[:2])


def _is_number(part: str) -> bool:
    """What the regex -?\\d+ matches, without a regex: every button of every keyboard shown
    passes here, a dozen per check-in update."""
    digits = part[1:] if part.startswith("-") else part
    return digits.isdecimal()


def signature(markup: Any) -> str | None:
    """The kinds of callback button on a keyboard, sorted; None when it has none."""
    if isinstance(markup, InlineKeyboardMarkup):
        data = [button.callback_data for row in markup.inline_keyboard for button in row]
    elif isinstance(markup, dict) and "inline_keyboard" in markup:
        # bot/request.plain_keyboard may already have made the keyboard plain dicts.
        data = [button.get("callback_data") for row in markup["inline_keyboard"] for button in row]
    else:
        return None
    # A keypad's buttons differ only in their last part ('ci:12:t:0' .. 'ci:12:t:10'): once the
    # rest holds a kind's two words, it is the kind of every button under it (one split, not 12).
    kinds = set()
    by_stem: dict[str, str] = {}
    for item in data:
        if not isinstance(item, str):
            continue
        stem = item.rpartition(":")[0]
        kind = by_stem.get(stem)
        if kind is None:
            kind = by_stem[stem] = button_kind(stem)
        kinds.add(kind if ":" in kind else button_kind(item))
    return ",".join(sorted(kinds)) or None


class KeyboardTracker(BaseRateLimiter[dict[str, Any]]):
    """Watches every request on its way out and its answer on the way back.

    PTB's rate-limiter slot is the one place that sees each request with its result, so this
    wraps the real limiter (everything else is passed through to it) rather than adding a
    second path to Telegram.
    """

    def __init__(
        self,
        inner: BaseRateLimiter,
        store: Callable[[], Store | None],
        now: Callable[[], datetime],
    ) -> None:
        self.inner = inner
        self._store = store
        self._now = now

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # acquire(), pauses: the real limiter's

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        result = await self.inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
        store = self._store()
        if store is not None:
            try:
                self._observe(store, endpoint, data, result)
            except Exception:  # bookkeeping must never fail a send that went out
                log.exception("keyboards.observe_failed endpoint=%s", endpoint)
        return result

    def _observe(self, store: Store, endpoint: str, data: dict[str, Any], result: Any) -> None:
        now = self._now()
        if endpoint == "deleteMessage":
            store.keyboard_closed(int(data["chat_id"]), int(data["message_id"]), now)
            return
        if not endpoint.startswith(SHOWING) or not isinstance(result, dict):
            return
        chat_id = (result.get("chat") or {}).get("id")
        message_id = result.get("message_id")
        if chat_id is None or message_id is None:
            return
        kinds = signature(data.get("reply_markup"))
        if kinds is not None:
            store.keyboard_shown(chat_id, message_id, kinds, now)
        elif endpoint.startswith("edit"):
            # An edit without an inline keyboard removes it, as Telegram does.
            store.keyboard_closed(chat_id, message_id, now)


# Buttons that always reach their flow: "Yes" to the red-flag question must get the urgent
# advice however old the screen is (the safety flow decides what an old answer changes).
ALWAYS_CURRENT = ("sf:",)


def is_current(store: Store, chat_id: int, message_id: int, data: str | None) -> bool:
    """Whether a button on this message may still act. A message never recorded (sent before
    keyboards were tracked) gets the benefit of the doubt, as before."""
    if data and data.startswith(ALWAYS_CURRENT):
        return True
    return store.keyboard_state(chat_id, message_id) is not False


async def close(bot: Any, store: Store, chat_id: int, message_id: int, now: datetime) -> None:
    """Takes a keyboard off its message, only if it is still shown: an edit that changes
    nothing is refused by Telegram ("message is not modified")."""
    if store.keyboard_state(chat_id, message_id) is not True:
        return
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest as err:  # deleted by the person, or too old to edit: it is gone anyway
        log.info("keyboards.close_refused chat=%s reason=%s", chat_id, type(err).__name__)
    except TelegramError:
        log.warning("keyboards.close_failed chat=%s", chat_id)
    store.keyboard_closed(chat_id, message_id, now)


async def close_answered(bot: Any, store: Store, chat_id: int, step: str, now: datetime) -> None:
    """A typed answer to `step` answered the question its buttons asked: those keyboards go."""
    kind = STEP_BUTTONS.get(step)
    if kind is None:
        return
    for message_id in store.live_keyboards(chat_id, kind):
        await close(bot, store, chat_id, message_id, now)
