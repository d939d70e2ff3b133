"""/start, /help and the catch-alls: unknown commands, stickers, stray text, stale buttons."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    filters,
)

from bot import keyboards, texts
from bot.buttons import MoreButton
from bot.errors import BotError
from bot.flows.replies import chat_id_of, message_of, query_of
from bot.runtime import BotContext
from bot.store import StoreError
from bot.telegram_errors import expected_condition

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE


async def help_command(update: Update, context: BotContext) -> None:
    """Lists the commands from the same list as the Telegram menu."""
    lines = "\n".join(f"/{name} — {texts.escape(about)}" for name, about in texts.menu())
    await message_of(update).reply_text(texts.t("help", commands=texts.Safe(lines)))


async def unknown_command(update: Update, context: BotContext) -> None:
    """Points unknown commands (and admin commands from non-admins) to /help."""
    await message_of(update).reply_text(texts.t("unknown_command"))


async def edited_message(update: Update, context: BotContext) -> None:
    """Edits are not re-read: answers saved already stay as first sent."""
    await message_of(update).reply_text(texts.t("edited_message"))


async def guard_buttons(update: Update, context: BotContext) -> None:
    """The one guard in front of every button: a button on a message whose question was
    answered or asked again changes nothing, and the person is told so."""
    query = query_of(update)
    message = query.message
    if message is None:
        return
    if keyboards.is_current(context.store, message.chat.id, message.message_id, query.data):
        return
    log.info("button.superseded chat=%s", message.chat.id)
    await query.answer(texts.t("button_superseded"))
    raise ApplicationHandlerStop


# A long message is cut to what a person needs first; the rest comes with one tap.
# Button "more:<name>" -> (the button's label, the rest of the message).
MORE = {
    "welcome": ("btn_more_welcome", "welcome_more"),
    "privacy": ("btn_more_privacy", "hi_privacy_more"),
}


def more_keyboard(name: str) -> InlineKeyboardMarkup:
    label, _ = MORE[name]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.t(label), callback_data=MoreButton(name).pack())]]
    )


async def more_pressed(update: Update, context: BotContext) -> None:
    """Sends the rest of a long message; its button goes, it has done its work."""
    query = query_of(update)
    button = MoreButton.parse(query.data)
    rest = MORE.get(button.name) if button else None
    if rest is None:
        await query.answer(texts.t("button_expired"))
        return
    await query.answer()
    chat_id = chat_id_of(query)
    if query.message is not None:  # a button on an inline message has no keyboard of ours
        await keyboards.close(
            context.bot, context.store, chat_id, query.message.message_id, context.clock.now()
        )
    await context.bot.send_message(chat_id, texts.t(rest[1]))


async def stale_button(update: Update, context: BotContext) -> None:
    """Answers a button press that no flow recognised (old, forged or garbage data)."""
    await query_of(update).answer(texts.t("button_expired"), show_alert=False)


async def not_private(update: Update, context: BotContext) -> None:
    """Groups and channels: health talk belongs in a private chat."""
    message = update.effective_message
    if (
        message
        and message.chat.type in {ChatType.GROUP, ChatType.SUPERGROUP}
        and (message.text or "").startswith("/")
    ):
        await message.reply_text(texts.t("private_only"))


async def on_error(update: object, context: BotContext) -> None:
    """Expected conditions (bot/errors.py) get one log line with their event name; anything
    else is a bug: the update id and traceback (never the text), and a kind answer."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    chat = update.effective_chat if isinstance(update, Update) else None
    event = expected_condition(error)
    if event is not None:
        if update_id is None and event == "telegram.unavailable":
            return  # polling failed: bot/request.py logs each outage once
        if isinstance(error, BotError) and chat is not None:
            log.info("%s update=%s", event, update_id)
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(chat.id, texts.escape(error.user_message))
            return
        quiet = event in {"telegram.not_modified", "telegram.query_expired"}
        (log.info if quiet else log.warning)("%s update=%s", event, update_id)
        if event != "telegram.unavailable" or chat is None:
            return  # a refusal: nothing to apologise for, and nowhere to say it
        key = "internal_error"
    else:
        storage = isinstance(error, StoreError | sqlite3.OperationalError | sqlite3.DatabaseError)
        log.error("update.failed update=%s storage=%s", update_id, storage, exc_info=error)
        if chat is None:
            return
        key = "save_failed" if storage else "internal_error"
    if isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except TelegramError:  # an answer is a courtesy; the reply below matters more
            log.debug("callback.answer_failed update=%s", update_id)
    try:
        await context.bot.send_message(chat.id, texts.t(key))
    except TelegramError:
        log.warning("error.reply_failed update=%s", update_id)


PRIVATE_MESSAGES = PRIVATE & filters.UpdateType.MESSAGE
