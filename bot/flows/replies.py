"""Answering in the chat a button was pressed in, even when its message is out of reach.

A callback query's `message` is a `MaybeInaccessibleMessage`: Telegram sends an
`InaccessibleMessage` (date 0, a chat and a message id, nothing else) when the bot can no
longer see the message with the button, for example one deleted or older than 48 hours. It
has no `reply_text` and no `photo`, so a handler calling them would fail and the person would
get the generic error reply instead of the answer meant for them. Every handler answers
through `reply` below, which sends a new message to the same chat in that case.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message


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
