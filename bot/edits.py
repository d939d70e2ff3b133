"""Which of the bot's messages still carry an inline keyboard, so that removing a keyboard
that is already gone is not sent at all.

Telegram answers such an edit 400 "message is not modified": a wasted call on every tidy-up
of a message whose buttons went earlier (a double tap, a step that removed them already).
A send or an edit leaves its message with the inline keyboard the request carried, or none (an
edit without `reply_markup` removes it, as Telegram does); the rate limiter, which sees every
request and its answer, notes it here and asks before removing,
then answers such an edit itself with the BadRequest Telegram would have sent.
A message not seen since the start (sent before a restart) is unknown: the edit goes out.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from telegram import InlineKeyboardMarkup

REMEMBERED = 50_000  # messages: enough for every open conversation, a few MB at most


class KeyboardLedger:
    def __init__(self, size: int = REMEMBERED) -> None:
        self._has_keyboard: OrderedDict[tuple[Any, Any], bool] = OrderedDict()
        self._size = size
        self.skipped = 0  # edits not sent because they would change nothing

    def note(self, endpoint: str, data: dict[str, Any], result: Any) -> None:
        """Remembers whether a message the bot sent or edited now has an inline keyboard. Read
        from the request, not the answer: bot/request.py drops keyboards from answers unread."""
        if not endpoint.startswith(("send", "edit", "copy")):
            return
        if not isinstance(result, dict) or "message_id" not in result:
            return
        chat = result.get("chat") or {}
        key = (str(chat.get("id")), str(result["message_id"]))
        self._has_keyboard[key] = _has_inline_keyboard(data.get("reply_markup"))
        self._has_keyboard.move_to_end(key)
        if len(self._has_keyboard) > self._size:
            self._has_keyboard.popitem(last=False)

    def removal_changes_nothing(self, endpoint: str, data: dict[str, Any]) -> bool:
        """True for editMessageReplyMarkup without a keyboard on a message known to have none."""
        if endpoint != "editMessageReplyMarkup" or data.get("reply_markup") is not None:
            return False
        key = (str(data.get("chat_id")), str(data.get("message_id")))
        if self._has_keyboard.get(key) is False:
            self.skipped += 1
            return True
        return False


def _has_inline_keyboard(markup: Any) -> bool:
    """A request's reply_markup as PTB's object or as bot/request.plain_keyboard's dict."""
    if isinstance(markup, InlineKeyboardMarkup):
        return bool(markup.inline_keyboard)
    return isinstance(markup, dict) and bool(markup.get("inline_keyboard"))
