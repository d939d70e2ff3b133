"""The admin's /help and command menu, and what an admin hears at start-up (a broadcast a
restart cut off is queued again; a broken content folder is reported)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationHandlerStop

from bot import i18n, texts
from bot.content import Problem
from bot.flows.admin.broadcast import queue_broadcast
from bot.flows.replies import message_of
from bot.runtime import BotContext, Runtime, runtime_of
from bot.texts.menus import ADMIN_COMMANDS
from bot.views.admin import problem_chunks

log = logging.getLogger(__name__)


async def admin_help(update: Update, context: BotContext) -> None:
    """/help for an admin: the admin commands first, then everyone's."""

    def lines(commands: Sequence[tuple[str, str]]) -> texts.Safe:
        return texts.Safe("\n".join(f"/{name} — {texts.escape(about)}" for name, about in commands))

    await message_of(update).reply_text(
        texts.t(
            "ad_help",
            commands=lines(texts.menu(ADMIN_COMMANDS)),
            everyone=lines(texts.menu(texts.COMMANDS)),
        )
    )
    raise ApplicationHandlerStop


async def resume_at_startup(application: Application) -> None:
    """Finishes queueing broadcasts a restart interrupted; gives admins their command menu."""
    runtime = runtime_of(application)
    for broadcast in runtime.open_store.broadcasts_with_status("sending"):
        await queue_broadcast(runtime, broadcast)
        log.warning("broadcast.resumed id=%s", broadcast.id)
    for admin_id in sorted(runtime.settings.admin_ids):
        await _set_admin_menu(application, admin_id)
    problems = runtime.extras.pop("content_fallback", None)
    if problems:
        await _tell_admins_of_fallback(application, runtime, problems)


async def _set_admin_menu(application: Application, admin_id: int) -> None:
    """Telegram refuses a menu scoped to a chat that does not exist yet ("chat not found": the
    admin never wrote to the bot), so it is tried at start and again when they first write."""
    done = runtime_of(application).extras.setdefault("admin_menus", set())
    if admin_id in done:
        return
    done.add(admin_id)
    # In the admin's own language: at start-up no update has set it (bot/flows/language.py).
    admin = runtime_of(application).open_store.subscriber(admin_id)
    with i18n.use_language(admin.language if admin else i18n.current_language()):
        menu = texts.menu((*texts.COMMANDS, *ADMIN_COMMANDS))
    commands = [BotCommand(name, about) for name, about in menu]
    try:
        await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(admin_id))
    except TelegramError:
        done.discard(admin_id)
        log.info("admin.menu_skipped admin=%s", admin_id)
    else:
        log.info("admin.menu_set admin=%s", admin_id)


async def admin_menu_on_first_write(update: Update, context: BotContext) -> None:
    """Sets the admin's command menu the first time they write, if the start could not."""
    user = update.effective_user
    if user is not None and context.is_admin(user.id):
        await _set_admin_menu(context.application, user.id)


async def _tell_admins_of_fallback(
    application: Application, runtime: Runtime, problems: Sequence[Problem]
) -> None:
    """The folder was broken at start-up and an archived version serves: say so, once."""
    header = texts.t("ad_startup_fallback", version=runtime.content_version)
    for admin_id in sorted(runtime.settings.admin_ids):
        try:
            for chunk in problem_chunks(header, problems):
                await application.bot.send_message(admin_id, chunk)
        except TelegramError:  # never talked to the bot: the log has the problems
            log.info("admin.fallback_not_told admin=%s", admin_id)
