"""The small Telegram chores every flow shares, in one place: taking a keyboard off, editing a
message in place or sending it anew, and telling a double tap's "not modified" from a refusal.

Best effort by design: a message the person deleted, one older than 48 hours, or one already
without buttons is left as it is, and what the handler says next still goes out.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import Bot, CallbackQuery
from telegram.error import BadRequest

from bot.flows.replies import chat_id_of, edit_keyboard, edit_text, reply, shown_message

# Where it is defined: bot/ratelimit.py reads it too, and it imports nothing of the flows.
from bot.telegram_errors import is_not_modified

__all__ = ["edit_or_send", "is_not_modified", "strip_buttons", "strip_keyboard"]


async def strip_keyboard(
    bot: Bot, chat_id: int, message_id: int | None, *, text: str | None = None
) -> None:
    """Takes the buttons off a message (rewriting its text, if given). Best effort: a message
    deleted, too old to edit, or already without buttons (a double tap: "not modified") is
    left as it is, and what the handler says next still goes out."""
    if message_id is None:
        return
    with contextlib.suppress(BadRequest):
        if text is None:
            await edit_keyboard(bot, chat_id, message_id, None)
        else:
            await edit_text(bot, chat_id, message_id, text)


async def strip_buttons(query: CallbackQuery) -> None:
    """Takes the buttons off the message of a pressed button (see strip_keyboard)."""
    message_id = query.message.message_id if query.message is not None else None
    await strip_keyboard(query.get_bot(), chat_id_of(query), message_id)


async def edit_or_send(query: CallbackQuery, text: str, reply_markup: Any = None) -> None:
    """Shows `text` in place of the pressed button's message; a double tap (the message shows
    it already) changes nothing. A message that cannot take the text (a chart's caption, one
    deleted or too old) gets it as a new message instead, so the answer is never lost."""
    if shown_message(query) is None and query.inline_message_id is None:
        # An InaccessibleMessage: PTB's edit shortcut would raise TypeError before asking.
        await reply(query, text, reply_markup=reply_markup)
        return
    try:
        await query.edit_message_text(text, reply_markup=reply_markup)
    except BadRequest as err:
        if not is_not_modified(err):
            await reply(query, text, reply_markup=reply_markup)
