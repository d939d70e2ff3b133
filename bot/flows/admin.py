"""Admin commands: /reload, /preview, content upload, /versions, /rollback, /stats, /broadcast.

Only for Telegram user ids in BOT_ADMIN_IDS. The handlers carry a User filter, so anyone
else's /reload falls through to the unknown-command answer, word for word the same as for a
command that does not exist; a forged `ad:` button gets the expired-button answer. Every admin
action is written to the audit log (who, what, when, result), never subscriber data.

Validation, zip reading and writing run in a worker thread (`asyncio.to_thread`), within the
limits in bot/content.py: a large upload never holds up reminders, timers or replies.

Content changes never reach a session already started: sessions keep a snapshot of their
steps, so a person mid-practice finishes the version they began.
"""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
)

from bot import contentops, i18n, program, sender, texts
from bot.buttons import AdminButton
from bot.content import ContentInvalid, Library, Problem, diff_summary, read_folder
from bot.contentops import UploadRejected
from bot.delivery_policy import why_not_send
from bot.flows import common
from bot.flows import practice as practice_flow
from bot.flows.replies import reply
from bot.program import DayPlan, plan_for_day, short_plan, single_plan
from bot.runtime import BotContext, Runtime, runtime_of
from bot.store import Broadcast, Delivery, Status, Store, Subscriber
from bot.texts import formats
from bot.texts.menus import ADMIN_COMMANDS
from bot.views.admin import (
    broadcast_body,
    change_lines,
    confirm_keyboard,
    problem_chunks,
    share,
    unreloaded_warning,
    upload_mode,
)
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)

UPLOAD_TTL = timedelta(hours=24)  # an unapplied upload older than this is discarded
VERSIONS_SHOWN = 10
STATS_WINDOW = timedelta(days=7)
STATS_MIN_CHECKINS = 5  # below either threshold no averages are shown: with so few people,
STATS_MIN_PEOPLE = 5  # an average would be one person's answers in disguise
BROADCAST_MAX_CHARS = 4096  # Telegram's limit for one message, in UTF-16 units
BROADCAST_BATCH = 1000  # delivery rows written per transaction
BROADCAST_PACE = 25.0  # messages a second a broadcast is planned at; reminders use the rest
AWAITING_BROADCAST = "ad_broadcast"
FIRST_CHAT = -(2**63)  # below every chat id: a broadcast's first batch starts after it


# --- /reload ---------------------------------------------------------------------------------


async def reload_command(update: Update, context: BotContext) -> None:
    """Validates the content folder (the check-content validator) and applies it if valid."""
    message = update.effective_message
    runtime = context.runtime
    try:
        files = await asyncio.to_thread(read_folder, context.settings.content_dir)
        library = await checked(files)
    except ContentInvalid as err:
        header = texts.t("ad_problems", count=len(err.problems), version=runtime.content_version)
        _audit(update, context, "reload", f"rejected: {len(err.problems)} problem(s)")
        await _send_problems(message, header, err.problems)
        return
    if runtime.library is not None and library.checksum == runtime.library.checksum:
        _audit(update, context, "reload", "no changes")
        await message.reply_text(texts.t("ad_reload_same", version=runtime.content_version))
        return
    summary = diff_summary(runtime.library, library)
    version = await _activate(context, library, summary, update.effective_user.id)
    _audit(update, context, "reload", f"applied version {version}", "; ".join(summary))
    await message.reply_text(
        texts.t("ad_reload_ok", version=version, changes=change_lines(summary))
        + _translations(library)
    )


# --- /preview --------------------------------------------------------------------------------


async def preview_command(update: Update, context: BotContext) -> None:
    """Runs a practice, a program day or the short version as a subscriber sees it."""
    message = update.effective_message
    library = context.content
    args = [arg.lower() for arg in context.args or []]
    upload_id, content_version = None, None
    if len(args) >= 2 and args[0] == "upload" and args[1].isdigit() and len(args[1]) <= 12:
        upload_id, args = int(args[1]), args[2:]
        pending = await _pending_library(update, context, upload_id)
        if pending is None:
            await message.reply_text(texts.t("ad_preview_no_upload", id=upload_id))
            return
        library, content_version = pending, context.runtime.content_version
    # "/preview swing ru": the last word may name a language; else the admin's own.
    language = i18n.current_language()
    if len(args) >= 2 and args[-1] in i18n.LANGUAGES:
        language, args = args[-1], args[:-1]
    library = library.in_language(language)
    names = ", ".join(sorted(library.practices))
    if not args:
        await message.reply_text(texts.t("ad_preview_usage", names=names))
        return
    plan: DayPlan
    if args[0] == "day":
        if len(args) != 2 or not args[1].isdigit() or not 1 <= int(args[1]) <= 9999:
            await message.reply_text(texts.t("ad_preview_bad_day"))
            return
        # No ratings: a practice behind an unlock rule shows as a newcomer would get it.
        plan = plan_for_day(library, int(args[1]), today=context.clock.now().date())
        what = texts.t("ad_preview_what_day", day=int(args[1]), title=plan.title)
    elif args == ["short"]:
        plan = short_plan(library, 1)
        what = texts.t("ad_preview_what_short", title=plan.title)
    else:
        name = "-".join(args)
        # As subscribers' /practice does: "swing" or "Belly breathing" find their practice.
        found = program.find_practices(library, " ".join(args))
        practice = library.practice(name) or (found[0] if len(found) == 1 else None)
        if practice is None:
            await message.reply_text(texts.t("ad_preview_unknown", name=name, names=names))
            return
        plan = single_plan(practice)
        what = texts.t("ad_preview_what_practice", title=practice.title)
    chat_id = message.chat_id
    context.store.ensure_subscriber(chat_id, context.clock.now())  # sessions belong to a chat
    if upload_id is not None:
        what += texts.t("ad_preview_upload", id=upload_id)
    if language != i18n.current_language():
        name = f"{i18n.LANGUAGE_NAMES.get(language, language)} ({language})"
        what = texts.t("cl_preview_in", what=texts.Safe(what), language=name)
    await message.reply_text(
        texts.t("ad_preview_header", what=texts.Safe(what), version=context.runtime.content_version)
    )
    _audit(update, context, "preview", "started", " ".join(args))
    with i18n.use_language(language):  # the first message as a person reading it gets it
        await practice_flow.start_session(
            context, chat_id, plan, kind="preview", library=library, content_version=content_version
        )


async def _pending_library(update: Update, context: BotContext, upload_id: int) -> Library | None:
    """The content set of this admin's upload still waiting for Apply, checked again."""
    pending = await _off_loop(context, "pending_upload", upload_id)
    if (
        pending is None
        or pending.admin_id != update.effective_user.id
        or pending.status != "pending"
        or context.clock.now() - pending.created_utc > UPLOAD_TTL
    ):
        return None
    try:
        return await checked(pending.files)
    except ContentInvalid:
        return None


# --- upload ----------------------------------------------------------------------------------


async def document_received(update: Update, context: BotContext) -> None:
    """Checks an uploaded .md or .zip against the folder and offers Apply / Cancel."""
    message = update.effective_message
    document = message.document
    name = document.file_name or "upload"
    try:
        contentops.check_size(name, document.file_size)  # before downloading a single byte
    except UploadRejected as err:
        _audit(update, context, "upload", "rejected before download", name)
        await message.reply_text(err.user_message)
        return
    try:
        remote = await context.bot.get_file(document.file_id)
        contentops.check_size(name, remote.file_size)
        data = bytes(await remote.download_as_bytearray())
    except UploadRejected as err:
        _audit(update, context, "upload", "rejected before download", name)
        await message.reply_text(err.user_message)
        return
    except TelegramError:
        log.warning("admin.upload_download_failed admin=%s", update.effective_user.id)
        _audit(update, context, "upload", "download failed", name)
        await message.reply_text(texts.t("ad_upload_download_failed", name=name))
        return
    try:
        upload = await asyncio.to_thread(contentops.read_upload, name, data)
    except UploadRejected as err:
        _audit(update, context, "upload", "rejected: unsafe or not content", name)
        await message.reply_text(err.user_message)
        return
    await _check_upload(update, context, upload)


async def _check_upload(update: Update, context: BotContext, upload: contentops.Upload) -> None:
    message = update.effective_message
    runtime, now = context.runtime, context.clock.now()
    folder = context.settings.content_dir
    current = await asyncio.to_thread(contentops.current_files, folder)
    mode = upload_mode(upload, current)
    try:
        library = await checked(upload.combine(current))
    except ContentInvalid as err:
        header = (
            texts.t("ad_upload_rejected", name=upload.name, mode=mode)
            + "\n\n"
            + texts.t("ad_problems", count=len(err.problems), version=runtime.content_version)
        )
        _audit(update, context, "upload", f"rejected: {len(err.problems)} problem(s)", upload.name)
        await _send_problems(message, header, err.problems)
        return
    if library.checksum == context.content.checksum and await asyncio.to_thread(
        _folder_matches, current, library
    ):
        _audit(update, context, "upload", "no changes", upload.name)
        await message.reply_text(
            texts.t("ad_upload_same", name=upload.name, version=runtime.content_version)
        )
        return
    summary = diff_summary(context.content, library)
    await _off_loop(context, "expire_pending_uploads", now - UPLOAD_TTL)  # frees megabytes
    upload_id = await _off_loop(
        context,
        "add_pending_upload",
        update.effective_user.id,
        upload.name,
        contentops.fingerprint(current),
        dict(library.files),
        summary,
        now,
    )
    keyboard = confirm_keyboard(
        texts.t("ad_btn_apply"),
        AdminButton("up", True, upload_id).pack(),
        AdminButton("up", False, upload_id).pack(),
    )
    _audit(update, context, "upload", f"checked: waiting as upload {upload_id}", upload.name)
    ready = texts.t(
        "ad_upload_ready",
        name=upload.name,
        mode=mode,
        changes=change_lines(summary),
        id=upload_id,
    )
    lost = contentops.unreloaded_edits(current, context.content, library.files)
    await message.reply_text(
        ready + unreloaded_warning(lost) + _translations(library), reply_markup=keyboard
    )


async def _upload_button(update: Update, context: BotContext, action: str, upload_id: int) -> None:
    query = update.callback_query
    now = context.clock.now()
    pending = await _off_loop(context, "pending_upload", upload_id)
    if (
        pending is None
        or pending.admin_id != update.effective_user.id
        or pending.status != "pending"
        or now - pending.created_utc > UPLOAD_TTL
    ):
        await _close(query, texts.t("ad_upload_gone"))
        return
    if action == "no":
        await _off_loop(context, "close_pending_upload", upload_id, "cancelled")
        _audit(update, context, "upload_cancel", "discarded", pending.file_name)
        await _close(query, texts.t("ad_upload_cancelled"))
        return
    folder = context.settings.content_dir
    current = await asyncio.to_thread(contentops.current_files, folder)
    if contentops.fingerprint(current) != pending.base:
        await _off_loop(context, "close_pending_upload", upload_id, "cancelled")
        _audit(update, context, "upload_apply", "refused: the folder changed", pending.file_name)
        await _close(query, texts.t("ad_upload_stale"))
        return
    try:
        # again: the validator may be newer than the row
        library = await checked(pending.files)
    except ContentInvalid as err:
        await _off_loop(context, "close_pending_upload", upload_id, "cancelled")
        await strip_buttons(query)
        header = texts.t(
            "ad_problems", count=len(err.problems), version=context.runtime.content_version
        )
        _audit(update, context, "upload_apply", "rejected on apply", pending.file_name)
        await _send_problems(query, header, err.problems)
        return
    if not await _write(update, context, library):
        return
    await _off_loop(context, "close_pending_upload", upload_id, "applied")
    summary = diff_summary(context.content, library)
    version = await _activate(context, library, summary, update.effective_user.id)
    _audit(update, context, "upload_apply", f"applied version {version}", pending.file_name)
    await _close(query, texts.t("ad_upload_applied", version=version))


def _folder_matches(current: dict[str, bytes], library: Library) -> bool:
    """True when the folder on disk already holds this set (so there is nothing to write)."""
    try:
        return contentops.check_set(current).checksum == library.checksum
    except ContentInvalid:
        return False


# --- /versions and /rollback -----------------------------------------------------------------


async def versions_command(update: Update, context: BotContext) -> None:
    """Lists recent content versions: id, time, admin, checksum and what changed."""
    message = update.effective_message
    versions = context.store.content_versions(VERSIONS_SHOWN)
    _audit(update, context, "versions", f"listed {len(versions)}")
    if not versions:
        await message.reply_text(texts.t("ad_versions_empty"))
        return
    lines = [texts.t("ad_versions_header")]
    for version in versions:
        summary = version.summary.splitlines()
        shown = "; ".join(summary[:4]) + (" …" if len(summary) > 4 else "")
        admin = (
            texts.t("ad_versions_admin", admin_id=version.admin_id)
            if version.admin_id is not None
            else texts.t("ad_versions_startup")
        )
        active = version.id == context.runtime.content_version
        lines.append(
            texts.t(
                "ad_versions_line",
                id=version.id,
                active=texts.Safe(texts.t("ad_versions_active")) if active else "",
                time=version.created_utc.strftime("%Y-%m-%d %H:%M"),
                admin=admin,
                checksum=version.checksum,
                summary=shown,
            )
        )
    lines.append(texts.t("ad_versions_footer"))
    await message.reply_text("\n\n".join(lines))


async def rollback_command(update: Update, context: BotContext) -> None:
    """Asks to confirm restoring an archived version (files and serving content)."""
    message = update.effective_message
    args = context.args or []
    number = args[0].lstrip("#") if len(args) == 1 else ""
    if not number.isdigit() or len(number) > 12:
        await message.reply_text(texts.t("ad_rollback_usage"))
        return
    version_id = int(number)
    library = await _restorable(update, context, message, version_id)
    if library is None:
        return
    info = context.store.content_version_info(version_id)
    summary = diff_summary(context.content, library)
    current = await asyncio.to_thread(contentops.current_files, context.settings.content_dir)
    lost = contentops.unreloaded_edits(current, context.content, library.files)
    keyboard = confirm_keyboard(
        texts.t("ad_btn_restore", version=version_id),
        AdminButton("rb", True, version_id).pack(),
        AdminButton("rb", False, version_id).pack(),
    )
    _audit(update, context, "rollback", "asked to confirm", f"version {version_id}")
    await message.reply_text(
        texts.t(
            "ad_rollback_confirm",
            version=version_id,
            time=info.created_utc.strftime("%Y-%m-%d %H:%M"),
            changes=change_lines(summary),
        )
        + unreloaded_warning(lost),
        reply_markup=keyboard,
    )


def _translations(library: Library) -> str:
    """Per language: what is translated, missing or out of date (warnings: English serves)."""
    report = contentops.translation_report(library)
    return "\n\n" + report if report else ""


async def _rollback_button(
    update: Update, context: BotContext, action: str, version_id: int
) -> None:
    query = update.callback_query
    if action == "no":
        _audit(update, context, "rollback", "cancelled", f"version {version_id}")
        await _close(query, texts.t("ad_rollback_cancelled"))
        return
    await strip_buttons(query)
    library = await _restorable(update, context, query, version_id)
    if library is None or not await _write(update, context, library):
        return
    summary = [texts.t("ad_rollback_summary", version=version_id)]
    summary += diff_summary(context.content, library)
    version = await _activate(context, library, summary, update.effective_user.id)
    _audit(update, context, "rollback", f"restored as version {version}", f"version {version_id}")
    await reply(query, texts.t("ad_rollback_done", version=version_id, new=version))


async def _restorable(
    update: Update, context: BotContext, message: Message | CallbackQuery, version_id: int
) -> Library | None:
    """The archived set, if it exists, still validates and is not the one serving."""
    try:
        library = await _off_loop(context, "content_version", version_id)
    except ContentInvalid as err:
        header = texts.t("ad_rollback_invalid", version=version_id)
        _audit(update, context, "rollback", "refused: no longer valid", f"version {version_id}")
        await _send_problems(message, header, err.problems)
        return None
    if library is None:
        _audit(update, context, "rollback", "refused: no such version", f"version {version_id}")
        await reply(message, texts.t("ad_rollback_unknown", version=version_id))
        return None
    if library.checksum == context.content.checksum:
        _audit(update, context, "rollback", "refused: already serving", f"version {version_id}")
        serving = context.runtime.content_version
        key = "ad_rollback_same" if version_id == serving else "ad_rollback_same_content"
        await reply(message, texts.t(key, version=version_id, serving=serving))
        return None
    return library


# --- /content and /help ----------------------------------------------------------------------


async def content_command(update: Update, context: BotContext) -> None:
    """Sends the live content back as a zip, so a teacher can edit it and upload it again."""
    library, version = context.content, context.runtime.content_version
    data = await asyncio.to_thread(content_zip, library)
    _audit(update, context, "content", f"sent version {version}")
    await update.effective_message.reply_document(
        InputFile(io.BytesIO(data), filename=f"content-v{version}.zip"),
        caption=texts.t("ad_content_caption", version=version),
    )


def content_zip(library: Library) -> bytes:
    """The set's files in a zip under one `content/` folder, as uploads accept it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(library.files):
            archive.writestr(f"content/{name}", library.files[name])
    return buffer.getvalue()


async def admin_help(update: Update, context: BotContext) -> None:
    """/help for an admin: the admin commands first, then everyone's."""

    def lines(commands: Sequence[tuple[str, str]]) -> texts.Safe:
        return texts.Safe("\n".join(f"/{name} — {texts.escape(about)}" for name, about in commands))

    await update.effective_message.reply_text(
        texts.t(
            "ad_help",
            commands=lines(texts.menu(ADMIN_COMMANDS)),
            everyone=lines(texts.menu(texts.COMMANDS)),
        )
    )
    raise ApplicationHandlerStop


# --- /stats ----------------------------------------------------------------------------------


async def stats_command(update: Update, context: BotContext) -> None:
    """Aggregate figures for the last seven days; averages only when enough people answered."""
    now = context.clock.now()
    stats = context.store.admin_stats(now - STATS_WINDOW, now)
    enough = stats.checkins >= STATS_MIN_CHECKINS and stats.checkin_people >= STATS_MIN_PEOPLE
    not_enough = texts.t("ad_stats_not_enough", people=STATS_MIN_PEOPLE)

    def average(value: float | None) -> str:
        if not enough:
            return not_enough
        return texts.t("ad_stats_none") if value is None else f"{formats.rating(value)} / 10"

    latest = context.store.latest_sent_broadcast()
    broadcast = ""
    if latest is not None:
        progress = context.store.broadcast_progress(latest.id)
        broadcast = texts.t(
            "ad_stats_broadcast",
            id=latest.id,
            sent=progress.get("sent", 0),
            pending=progress.get("pending", 0),
            other=progress.get("failed", 0) + progress.get("skipped", 0),
        )
    counts = stats.subscribers
    _audit(update, context, "stats", "shown")
    await update.effective_message.reply_text(
        texts.t(
            "ad_stats",
            now=now.strftime("%Y-%m-%d %H:%M"),
            active=counts.get(Status.ACTIVE, 0),
            paused=counts.get(Status.PAUSED, 0),
            stopped=counts.get(Status.STOPPED, 0),
            blocked=counts.get(Status.BLOCKED, 0),
            new=counts.get(Status.NEW, 0),
            sent=stats.reminders_sent,
            due=stats.reminders_due,
            on_time=share(stats.reminders_on_time, stats.reminders_sent),
            checkins=stats.checkins,
            rate=share(stats.reminders_checked_in, stats.reminders_sent),
            tension=average(stats.avg_tension),
            pain=average(stats.avg_pain),
            broadcast=texts.Safe(broadcast),
        )
    )


# --- /broadcast ------------------------------------------------------------------------------


async def broadcast_command(update: Update, context: BotContext) -> None:
    """Asks for the text (or takes it from `/broadcast TEXT`), then shows a preview."""
    message = update.effective_message
    store, now = context.store, context.clock.now()
    subscriber, _ = store.ensure_subscriber(message.chat_id, now)
    _, _, text = (message.text or "").partition(" ")
    if text.strip():
        await _draft_broadcast(update, context, subscriber, text.strip())
        return
    count = store.broadcast_audience()
    if count == 0:
        await message.reply_text(texts.t("ad_broadcast_nobody"))
        return
    if subscriber.awaiting != AWAITING_BROADCAST:
        # Keep the admin's own conversation step (a check-in, say) to return to afterwards.
        keep = {"previous": subscriber.awaiting, "previous_data": subscriber.awaiting_data}
        store.set_awaiting(message.chat_id, now, AWAITING_BROADCAST, keep)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("ad_btn_cancel"), callback_data=AdminButton("bc", False, 0).pack()
                )
            ]
        ]
    )
    _audit(update, context, "broadcast", "asked for text")
    await message.reply_text(texts.t("ad_broadcast_ask", count=count), reply_markup=keyboard)


async def broadcast_text(update: Update, context: BotContext, subscriber: Subscriber) -> None:
    """The admin typed the broadcast: preview it with Send / Cancel."""
    message = update.effective_message
    if not context.is_admin(update.effective_user.id):  # no longer an admin: forget the step
        _restore_awaiting(context, subscriber)
        await message.reply_text(texts.t("free_text_idle"))
        return
    if not message.text:
        await message.reply_text(texts.t("ad_broadcast_not_text"))
        return
    await _draft_broadcast(update, context, subscriber, message.text)


async def _draft_broadcast(
    update: Update, context: BotContext, subscriber: Subscriber, text: str
) -> None:
    message = update.effective_message
    store, now = context.store, context.clock.now()
    length = len(text.encode("utf-16-le")) // 2
    if length > BROADCAST_MAX_CHARS:
        await message.reply_text(
            texts.t("ad_broadcast_too_long", length=length, limit=BROADCAST_MAX_CHARS)
        )
        return
    _restore_awaiting(context, subscriber)
    count = store.broadcast_audience()
    if count == 0:
        await message.reply_text(texts.t("ad_broadcast_nobody"))
        return
    broadcast_id = store.create_broadcast(update.effective_user.id, text, now)
    await message.reply_text(broadcast_body(text))  # exactly what subscribers will get
    keyboard = confirm_keyboard(
        texts.t("ad_btn_send", count=count),
        AdminButton("bc", True, broadcast_id).pack(),
        AdminButton("bc", False, broadcast_id).pack(),
    )
    _audit(update, context, "broadcast", f"draft {broadcast_id}", f"{length} characters")
    await message.reply_text(
        texts.t("ad_broadcast_preview_note", count=count), reply_markup=keyboard
    )


async def _broadcast_button(
    update: Update, context: BotContext, action: str, broadcast_id: int
) -> None:
    query = update.callback_query
    store = context.store
    if broadcast_id == 0:  # Cancel while the bot waited for the text
        subscriber = store.subscriber(query.message.chat.id)
        if subscriber is not None and subscriber.awaiting == AWAITING_BROADCAST:
            _restore_awaiting(context, subscriber)
        _audit(update, context, "broadcast", "cancelled before typing")
        await _close(query, texts.t("ad_broadcast_cancelled"))
        return
    broadcast = store.broadcast(broadcast_id)
    if broadcast is None or broadcast.admin_id != update.effective_user.id:
        await _close(query, texts.t("ad_broadcast_gone"))
        return
    if action == "no":
        moved = store.move_broadcast(broadcast_id, "draft", "cancelled")
        if moved:
            _audit(update, context, "broadcast", f"cancelled {broadcast_id}")
        await _close(query, texts.t("ad_broadcast_cancelled" if moved else "ad_broadcast_gone"))
        return
    if not store.move_broadcast(broadcast_id, "draft", "sending"):
        await _close(query, texts.t("ad_broadcast_gone"))
        return
    count = store.broadcast_audience()
    _audit(update, context, "broadcast", f"sending {broadcast_id} to {count}")
    runtime = context.runtime
    after = _queue_batch(runtime, broadcast, FIRST_CHAT, 0)  # a small broadcast: all of it
    if after is None:
        store.move_broadcast(broadcast_id, "sending", "done")
    else:
        # Thousands more: in the background, as updates are handled one at a time. A restart
        # before it ends is picked up at start-up.
        context.application.create_task(
            queue_broadcast(runtime, broadcast, after=after, batch=1),
            update=update,
            name=f"broadcast-{broadcast_id}",
        )
    await _close(query, texts.t("ad_broadcast_queued", id=broadcast_id, count=count))


async def queue_broadcast(
    runtime: Runtime, broadcast: Broadcast, *, after: int | None = None, batch: int = 0
) -> None:
    """Writes one delivery row per active subscriber, a batch per transaction; the engine
    sends them through the same paced sender as reminders.

    The rows' local date is the broadcast's own UTC date, so a second run (after a restart
    in the middle) finds the rows already there: nobody gets it twice.
    """
    after = FIRST_CHAT if after is None else after
    while True:
        after = _queue_batch(runtime, broadcast, after, batch)
        if after is None:
            break
        batch += 1
        await asyncio.sleep(0)  # let the sender, timers and updates run between batches
    runtime.store.move_broadcast(broadcast.id, "sending", "done")
    log.info("broadcast.queued id=%s batches=%s", broadcast.id, batch + 1)


def _queue_batch(runtime: Runtime, broadcast: Broadcast, after: int, batch: int) -> int | None:
    """Later batches are due a little later, at BROADCAST_PACE, so a large broadcast is
    spread out and every row is sent well inside the grace window."""
    due = runtime.clock.now() + timedelta(seconds=batch * BROADCAST_BATCH / BROADCAST_PACE)
    _, after_next = runtime.store.queue_broadcast_batch(
        broadcast.id, broadcast.created_utc.date(), due, after_chat=after, size=BROADCAST_BATCH
    )
    return after_next


async def compose_broadcast(
    application: Application, delivery: Delivery, subscriber: Subscriber
) -> sender.Outgoing | sender.Skip:
    _, _, number = delivery.kind.partition(":")
    store = runtime_of(application).store
    broadcast = store.broadcast(int(number)) if number.isdigit() else None
    if broadcast is None or broadcast.status not in {"sending", "done"}:
        return sender.Skip("not sent: the broadcast is gone")
    # Paused, stopped, or put on hold after the broadcast was queued.
    reason = why_not_send("broadcast", subscriber.status, on_hold=subscriber.on_hold)
    if reason:
        return sender.Skip(reason)
    return sender.Outgoing(broadcast_body(broadcast.text))


def _restore_awaiting(context: BotContext, subscriber: Subscriber) -> None:
    if subscriber.awaiting != AWAITING_BROADCAST:
        return
    data = subscriber.awaiting_data
    context.store.set_awaiting(
        subscriber.chat_id, context.clock.now(), data.get("previous"), data.get("previous_data")
    )


# --- buttons, helpers and wiring ------------------------------------------------------------


async def admin_tap(update: Update, context: BotContext) -> tuple[str, int] | None:
    """The guard of the admin's confirmations: from anyone but an admin it is an expired
    button. The tap answered, and its answer ("ok" or "no") and item id."""
    query = update.callback_query
    if not context.is_admin(query.from_user.id) or query.message is None:
        await common.stale_button(update, context)
        return None
    await query.answer()
    match = context.matches[0]
    return match["answer"], int(match["id"])


async def upload_pressed(update: Update, context: BotContext) -> None:
    """ad:up:ok|no:<upload id>: applies or discards an uploaded content set."""
    if (tap := await admin_tap(update, context)) is not None:
        await _upload_button(update, context, *tap)


async def rollback_pressed(update: Update, context: BotContext) -> None:
    """ad:rb:ok|no:<version>: rolls the content back to that version, or not."""
    if (tap := await admin_tap(update, context)) is not None:
        await _rollback_button(update, context, *tap)


async def broadcast_pressed(update: Update, context: BotContext) -> None:
    """ad:bc:ok|no:<broadcast id>: sends the drafted broadcast, or drops it."""
    if (tap := await admin_tap(update, context)) is not None:
        await _broadcast_button(update, context, *tap)


async def _activate(
    context: BotContext, library: Library, summary: list[str], admin_id: int
) -> int:
    """Archives the set and makes it the one every new session and reminder uses."""
    runtime = context.runtime
    version = await _off_loop(
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


async def _off_loop(context: BotContext, method: str, *args: Any, **kwargs: Any) -> Any:
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


async def _write(update: Update, context: BotContext, library: Library) -> bool:
    try:
        await asyncio.to_thread(
            contentops.write_content_set, context.settings.content_dir, library.files
        )
    except OSError as err:
        log.error("content.write_failed admin=%s error=%s", update.effective_user.id, err.errno)
        _audit(update, context, "write", f"failed: {err.strerror or 'error'}")
        await update.effective_message.reply_text(
            texts.t(
                "ad_write_failed",
                reason=err.strerror or "error",
                version=context.runtime.content_version,
            )
        )
        return False
    return True


def _audit(update: Update, context: BotContext, action: str, result: str, detail: str = "") -> None:
    admin_id = update.effective_user.id
    context.store.record_audit(admin_id, action, result, context.clock.now(), detail)
    log.info("admin.%s admin=%s", action, admin_id)


async def _send_problems(
    message: Message | CallbackQuery, header: str, problems: Sequence[Problem]
) -> None:
    """Every problem as `file:line: reason`, escaped, over a few messages if it is long."""
    for chunk in problem_chunks(header, problems):
        await reply(message, chunk)


async def _close(query: CallbackQuery, result: str) -> None:
    """Takes the buttons off the question and answers with the result below it."""
    await strip_buttons(query)
    await query.message.reply_text(result)


async def resume_at_startup(application: Application) -> None:
    """Finishes queueing broadcasts a restart interrupted; gives admins their command menu."""
    runtime = runtime_of(application)
    for broadcast in runtime.store.broadcasts_with_status("sending"):
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
    admin = runtime_of(application).store.subscriber(admin_id)
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
