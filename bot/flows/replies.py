"""Answering in the chat a button was pressed in, even when its message is out of reach.

A callback query's `message` is a `MaybeInaccessibleMessage`: Telegram sends an
`InaccessibleMessage` (date 0, a chat and a message id, nothing else) when the bot can no
longer see the message with the button, for example one deleted or older than 48 hours. It
has no `reply_text` and no `photo`, so a handler calling them would fail and the person would
get the generic error reply instead of the answer meant for them. Every handler answers
through `reply` below, which sends a new message to the same chat in that case.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import Bot, CallbackQuery, Message
from telegram.error import BadRequest


def shown_message(query: CallbackQuery) -> Message | None:
    """The message the button sits on, or None when Telegram no longer shows it to the bot."""
    return query.message if isinstance(query.message, Message) else None


def chat_id_of(query: CallbackQuery) -> int:
    """The chat the button was pressed in: the message's chat, even an inaccessible one's,
    else the person's private chat (a button on an inline message carries no message)."""
    if query.message is not None:
        return query.message.chat.id
    return query.from_user.id


async def reply(target: Message | CallbackQuery, text: str, **kwargs: Any) -> Message:
    """Replies to a message, or answers in the chat of a pressed button."""
    if isinstance(target, Message):
        return await target.reply_text(text, **kwargs)
    message = shown_message(target)
    if message is not None:
        return await message.reply_text(text, **kwargs)
    return await target.get_bot().send_message(chat_id_of(target), text, **kwargs)


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
            await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        else:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)


async def strip_buttons(query: CallbackQuery) -> None:
    """Takes the buttons off the message of a pressed button (see strip_keyboard)."""
    message_id = query.message.message_id if query.message is not None else None
    await strip_keyboard(query.get_bot(), chat_id_of(query), message_id)
