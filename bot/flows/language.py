"""The language each person reads: set for every update, chosen with /language or /settings,
and the commands menu Telegram shows them in that language.

The first update from a person decides from their Telegram app's language_code
(i18n.language_for); after that only they change it: a new phone in another language does
not override a stored choice.
"""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import Application

from bot import i18n, texts
from bot.buttons import LanguageButton
from bot.flows.replies import chat_id_of, message_of, query_of, reply
from bot.runtime import BotContext, runtime_of
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)


async def speak_their_language(update: object, context: BotContext) -> None:
    """Runs first for every update: the rest of the update is said in the person's language.

    One dict lookup for anyone seen before (Store.language_of keeps them in memory)."""
    if not isinstance(update, Update) or (user := update.effective_user) is None:
        i18n.set_language(None)  # the task may be the one that handled the last update
        return
    chat = update.effective_chat
    chat_id = chat.id if chat is not None else user.id
    first = i18n.language_for(user.language_code)
    store = context.runtime.store
    i18n.set_language(store.language_of(chat_id, first) if store is not None else first)


def language_keyboard() -> InlineKeyboardMarkup:
    # Each language named in itself: whoever cannot read this message finds their own.
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    i18n.LANGUAGE_NAMES[language], callback_data=LanguageButton(language).pack()
                )
                for language in i18n.LANGUAGES
            ]
        ]
    )


async def language_command(update: Update, context: BotContext) -> None:
    """/language: asks which language to speak, a button per language."""
    await message_of(update).reply_text(texts.t("lang_ask"), reply_markup=language_keyboard())


async def ask_language(context: BotContext, chat_id: int) -> None:
    """The /settings button: the same question as /language."""
    await context.bot.send_message(chat_id, texts.t("lang_ask"), reply_markup=language_keyboard())


async def language_button(update: Update, context: BotContext) -> None:
    """lang:<code>: stores the choice and answers in the new language."""
    query = query_of(update)
    await query.answer()
    button = LanguageButton.parse(query.data)
    language = button.language if button else ""
    if language not in i18n.LANGUAGES:
        await reply(query, texts.t("button_expired"))
        return
    store, now = context.store, context.clock.now()
    chat_id = chat_id_of(query)
    same = language == i18n.current_language()
    # A row to keep it on, for someone who chose before /start; history and settings stay.
    store.ensure_subscriber(chat_id, now, language)
    store.set_language(chat_id, language, now)
    i18n.set_language(language)
    log.info("language.set chat=%s language=%s", chat_id, language)
    await strip_buttons(query)  # already without buttons, or out of reach: left as it is
    await context.bot.send_message(chat_id, texts.t("lang_same" if same else "lang_set"))
    if not same:
        await set_chat_menu(context.application, chat_id)


async def set_chat_menu(application: Application, chat_id: int) -> None:
    """The person's own commands menu in the current language (an admin's with the admin
    commands); a menu is a convenience, so a refusal is only logged."""
    commands = texts.COMMANDS
    if chat_id in runtime_of(application).settings.admin_ids:
        commands = (*commands, *texts.menus.ADMIN_COMMANDS)
    try:
        await application.bot.set_my_commands(
            [BotCommand(name, about) for name, about in texts.menu(commands)],
            scope=BotCommandScopeChat(chat_id),
        )
    except TelegramError as err:
        log.info("language.menu_not_set chat=%s error=%s", chat_id, type(err).__name__)


async def set_default_menus(application: Application) -> None:
    """At start-up: the menu in English for everyone, and in each other language for the
    Telegram apps set to it (setMyCommands with language_code)."""
    for language in i18n.LANGUAGES:
        with i18n.use_language(language):
            commands = [BotCommand(name, about) for name, about in texts.menu()]
        codes = [None] if language == i18n.DEFAULT_LANGUAGE else i18n.telegram_codes(language)
        for code in codes:
            await application.bot.set_my_commands(commands, language_code=code)
