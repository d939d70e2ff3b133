"""What the admin handlers share: the guard of their confirmation buttons, the audit log, and
moving content sets off the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from telegram import CallbackQuery, Message, Update

from bot import contentops, texts
from bot.content import Library, Problem
from bot.flows import common
from bot.flows.replies import match_of, message_of, query_of, reply, user_of
from bot.runtime import BotContext
from bot.store import Store
from bot.views.admin import problem_chunks
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)


async def admin_tap(update: Update, context: BotContext) -> tuple[str, int] | None:
    """The guard of the admin's confirmations: from anyone but an admin it is an expired
    button. The tap answered, and its answer ("ok" or "no") and item id."""
    query = query_of(update)
    if not context.is_admin(query.from_user.id) or query.message is None:
        await common.stale_button(update, context)
        return None
    await query.answer()
    match = match_of(context)
    return match["answer"], int(match["id"])


async def activate(context: BotContext, library: Library, summary: list[str], admin_id: int) -> int:
    """Archives the set and makes it the one every new session and reminder uses."""
    runtime = context.runtime
    version = await off_loop(
        context, "archive_content", library, summary, admin_id=admin_id, now=context.clock.now()
    )
    runtime.library, runtime.content_version = library, version
    log.info("content.applied version=%s admin=%s", version, admin_id)
    return version


async def checked(files: Mapping[str, bytes | str]) -> Library:
    """`contentops.check_set` in a worker thread, so the loop keeps serving everyone. (A
    process of its own was tried for large sets: on a busy 2-core machine its start-up made
    the answer 3 s slower and the loop's longest hold no shorter; bench/content_upload.py.)"""
    return await asyncio.to_thread(contentops.check_set, files)


async def off_loop(context: BotContext, method: str, *args: Any, **kwargs: Any) -> Any:
    """Runs a Store method that moves a whole content set (megabytes of JSON, or a validation)
    in a worker thread, on a connection of its own that is closed after: SQLite in WAL mode
    lets it write while the bot's connection serves everyone else. The bot's own connection
    is not handed to the thread: a statement from there could land inside a transaction the
    loop has open."""

    def run() -> Any:
        store = Store(context.store.path)
        try:
            return getattr(store, method)(*args, **kwargs)
        finally:
            store.close()

    return await asyncio.to_thread(run)


async def write_content(update: Update, context: BotContext, library: Library) -> bool:
    try:
        await asyncio.to_thread(
            contentops.write_content_set, context.settings.content_dir, library.files
        )
    except OSError as err:
        log.error("content.write_failed admin=%s error=%s", user_of(update).id, err.errno)
        audit(update, context, "write", f"failed: {err.strerror or 'error'}")
        await message_of(update).reply_text(
            texts.t(
                "ad_write_failed",
                reason=err.strerror or "error",
                version=context.runtime.content_version,
            )
        )
        return False
    return True


def audit(update: Update, context: BotContext, action: str, result: str, detail: str = "") -> None:
    admin_id = user_of(update).id
    context.store.record_audit(admin_id, action, result, context.clock.now(), detail)
    log.info("admin.%s admin=%s", action, admin_id)


async def send_problems(
    message: Message | CallbackQuery, header: str, problems: Sequence[Problem]
) -> None:
    """Every problem as `file:line: reason`, escaped, over a few messages if it is long."""
    for chunk in problem_chunks(header, problems):
        await reply(message, chunk)


async def close_question(query: CallbackQuery, result: str) -> None:
    """Takes the buttons off the question and answers with the result below it."""
    await strip_buttons(query)
    await reply(query, result)
