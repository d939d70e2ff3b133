"""Answering in the chat a button was pressed in, even when its message is out of reach.

A callback query's `message` is a `MaybeInaccessibleMessage`: Telegram sends an
`InaccessibleMessage` (date 0, a chat and a message id, nothing else) when the bot can no
longer see the message with the button, for example one deleted or older than 48 hours. It
has no `reply_text` and no `photo`, so a handler calling them would fail and the person would
get the generic error reply instead of the answer meant for them. Every handler answers
through `reply` below, which sends a new message to the same chat in that case.

`send_text`, `edit_text` and `edit_keyboard` are the check-in's hot path (an update a tap):
the same requests as PTB's send_message and edit_message_*, without the Message PTB would
build from Telegram's answer (a hundred attributes, ~175 us, a third of the cost of a call
on our side), which these callers never read.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update, User
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.ext import CallbackContext

# What a handler's registration promises about its update, as types: PTB's Update makes every
# part Optional, and a handler only runs for the updates its filter lets through. Each raises
# (the error handler answers kindly) if wiring ever breaks that promise, rather than failing
# later on None.


def query_of(update: Update) -> CallbackQuery:
    """The pressed button, for a handler registered as a CallbackQueryHandler."""
    if update.callback_query is None:
        raise TypeError("a button handler got an update without a callback query")
    return update.callback_query


def message_of(update: Update) -> Message:
    """The person's message, for a command or message handler."""
    if update.effective_message is None:
        raise TypeError("a message handler got an update without a message")
    return update.effective_message


def user_of(update: Update) -> User:
    """Who sent the update, for handlers of private messages and buttons."""
    if update.effective_user is None:
        raise TypeError("a handler got an update without a user")
    return update.effective_user


def private_chat_of(update: Update) -> int:
    """The chat of a private message or button: the person's own chat id."""
    if update.effective_chat is None:
        raise TypeError("a handler got an update without a chat")
    return update.effective_chat.id


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


# The bot's Defaults (parse_mode HTML, no link previews) are filled in by ExtBot where a value
# is DEFAULT_NONE, as in its own methods; None values are left out of the request.
_FORMATTED = {"parse_mode": DEFAULT_NONE, "link_preview_options": DEFAULT_NONE}


async def send_text(bot: Bot, chat_id: int, text: str, reply_markup: Any = None) -> int:
    """bot.send_message(chat_id, text, reply_markup=...), returning the new message's id."""
    data = {"chat_id": chat_id, "text": text, **_FORMATTED, "reply_markup": reply_markup}
    result = await bot._post("sendMessage", data)
    return int(result["message_id"])


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, reply_markup: Any = None
) -> None:
    """bot.edit_message_text: the new text, and the keyboard in the same call (none: removed)."""
    data = {"chat_id": chat_id, "message_id": message_id, "text": text, **_FORMATTED}
    await bot._post("editMessageText", {**data, "reply_markup": reply_markup})


async def edit_keyboard(bot: Bot, chat_id: int, message_id: int, reply_markup: Any) -> None:
    """bot.edit_message_reply_markup: the keyboard replaced, or removed with None."""
    data = {"chat_id": chat_id, "message_id": message_id, "reply_markup": reply_markup}
    # parse_mode too, though no text goes with it: exactly what PTB's method sends.
    await bot._post("editMessageReplyMarkup", {**data, "parse_mode": DEFAULT_NONE})


def match_of(context: CallbackContext[Any, Any, Any, Any]) -> re.Match[str]:
    """The pattern's match, for a handler registered with a regex pattern (`context.matches`)."""
    if not context.matches:
        raise TypeError("a pattern handler ran without a match")
    return context.matches[0]
