"""Admin content commands: /reload, /preview, an uploaded zip or file, /versions, /rollback and
/content, and the upload and rollback confirmations.

Validation, zip reading and writing run in a worker thread (`asyncio.to_thread`), within the
limits in bot/content.py: a large upload never holds up reminders, timers or replies. Content
changes never reach a session already started: sessions keep a snapshot of their steps, so a
person mid-practice finishes the version they began.
"""

from __future__ import annotations

import asyncio
import io
import logging
import zipfile
from datetime import timedelta

from telegram import CallbackQuery, InputFile, Message, Update
from telegram.error import TelegramError

from bot import contentops, i18n, program, texts
from bot.buttons import AdminButton
from bot.content import ContentInvalid, Library, diff_summary, read_folder
from bot.contentops import UploadRejected
from bot.flows import practice as practice_flow
from bot.flows.admin.shared import (
    activate,
    admin_tap,
    audit,
    checked,
    close_question,
    off_loop,
    send_problems,
    write_content,
)
from bot.flows.replies import message_of, query_of, reply, user_of
from bot.program import DayPlan, plan_for_day, short_plan, single_plan
from bot.runtime import BotContext
from bot.views.admin import change_lines, confirm_keyboard, unreloaded_warning, upload_mode
from bot.views.telegram_io import strip_buttons

log = logging.getLogger(__name__)

UPLOAD_TTL = timedelta(hours=24)  # an unapplied upload older than this is discarded
VERSIONS_SHOWN = 10


async def reload_command(update: Update, context: BotContext) -> None:
    """Validates the content folder (the check-content validator) and applies it if valid."""
    message = message_of(update)
    runtime = context.runtime
    try:
        files = await asyncio.to_thread(read_folder, context.settings.content_dir)
        library = await checked(files)
    except ContentInvalid as err:
        header = texts.t("ad_problems", count=len(err.problems), version=runtime.content_version)
        audit(update, context, "reload", f"rejected: {len(err.problems)} problem(s)")
        await send_problems(message, header, err.problems)
        return
    if runtime.library is not None and library.checksum == runtime.library.checksum:
        audit(update, context, "reload", "no changes")
        await message.reply_text(texts.t("ad_reload_same", version=runtime.content_version))
        return
    summary = diff_summary(runtime.library, library)
    version = await activate(context, library, summary, user_of(update).id)
    audit(update, context, "reload", f"applied version {version}", "; ".join(summary))
    await message.reply_text(
        texts.t("ad_reload_ok", version=version, changes=change_lines(summary))
        + _translations(library)
    )


async def preview_command(update: Update, context: BotContext) -> None:
    """Runs a practice, a program day or the short version as a subscriber sees it."""
    message = message_of(update)
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
    audit(update, context, "preview", "started", " ".join(args))
    with i18n.use_language(language):  # the first message as a person reading it gets it
        await practice_flow.start_session(
            context, chat_id, plan, kind="preview", library=library, content_version=content_version
        )


async def _pending_library(update: Update, context: BotContext, upload_id: int) -> Library | None:
    """The content set of this admin's upload still waiting for Apply, checked again."""
    pending = await off_loop(context, "pending_upload", upload_id)
    if (
        pending is None
        or pending.admin_id != user_of(update).id
        or pending.status != "pending"
        or context.clock.now() - pending.created_utc > UPLOAD_TTL
    ):
        return None
    try:
        return await checked(pending.files)
    except ContentInvalid:
        return None


async def document_received(update: Update, context: BotContext) -> None:
    """Checks an uploaded .md or .zip against the folder and offers Apply / Cancel."""
    message = message_of(update)
    document = message.document
    if document is None:
        raise TypeError("the upload handler got a message without a document")
    name = document.file_name or "upload"
    try:
        contentops.check_size(name, document.file_size)  # before downloading a single byte
    except UploadRejected as err:
        audit(update, context, "upload", "rejected before download", name)
        await message.reply_text(err.user_message)
        return
    try:
        remote = await context.bot.get_file(document.file_id)
        contentops.check_size(name, remote.file_size)
        data = bytes(await remote.download_as_bytearray())
    except UploadRejected as err:
        audit(update, context, "upload", "rejected before download", name)
        await message.reply_text(err.user_message)
        return
    except TelegramError:
        log.warning("admin.upload_download_failed admin=%s", user_of(update).id)
        audit(update, context, "upload", "download failed", name)
        await message.reply_text(texts.t("ad_upload_download_failed", name=name))
        return
    try:
        upload = await asyncio.to_thread(contentops.read_upload, name, data)
    except UploadRejected as err:
        audit(update, context, "upload", "rejected: unsafe or not content", name)
        await message.reply_text(err.user_message)
        return
    await _check_upload(update, context, upload)


async def _check_upload(update: Update, context: BotContext, upload: contentops.Upload) -> None:
    message = message_of(update)
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
        audit(update, context, "upload", f"rejected: {len(err.problems)} problem(s)", upload.name)
        await send_problems(message, header, err.problems)
        return
    if library.checksum == context.content.checksum and await asyncio.to_thread(
        _folder_matches, current, library
    ):
        audit(update, context, "upload", "no changes", upload.name)
        await message.reply_text(
            texts.t("ad_upload_same", name=upload.name, version=runtime.content_version)
        )
        return
    summary = diff_summary(context.content, library)
    await off_loop(context, "expire_pending_uploads", now - UPLOAD_TTL)  # frees megabytes
    upload_id = await off_loop(
        context,
        "add_pending_upload",
        user_of(update).id,
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
    audit(update, context, "upload", f"checked: waiting as upload {upload_id}", upload.name)
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
    query = query_of(update)
    now = context.clock.now()
    pending = await off_loop(context, "pending_upload", upload_id)
    if (
        pending is None
        or pending.admin_id != user_of(update).id
        or pending.status != "pending"
        or now - pending.created_utc > UPLOAD_TTL
    ):
        await close_question(query, texts.t("ad_upload_gone"))
        return
    if action == "no":
        await off_loop(context, "close_pending_upload", upload_id, "cancelled")
        audit(update, context, "upload_cancel", "discarded", pending.file_name)
        await close_question(query, texts.t("ad_upload_cancelled"))
        return
    folder = context.settings.content_dir
    current = await asyncio.to_thread(contentops.current_files, folder)
    if contentops.fingerprint(current) != pending.base:
        await off_loop(context, "close_pending_upload", upload_id, "cancelled")
        audit(update, context, "upload_apply", "refused: the folder changed", pending.file_name)
        await close_question(query, texts.t("ad_upload_stale"))
        return
    try:
        # again: the validator may be newer than the row
        library = await checked(pending.files)
    except ContentInvalid as err:
        await off_loop(context, "close_pending_upload", upload_id, "cancelled")
        await strip_buttons(query)
        header = texts.t(
            "ad_problems", count=len(err.problems), version=context.runtime.content_version
        )
        audit(update, context, "upload_apply", "rejected on apply", pending.file_name)
        await send_problems(query, header, err.problems)
        return
    if not await write_content(update, context, library):
        return
    await off_loop(context, "close_pending_upload", upload_id, "applied")
    summary = diff_summary(context.content, library)
    version = await activate(context, library, summary, user_of(update).id)
    audit(update, context, "upload_apply", f"applied version {version}", pending.file_name)
    await close_question(query, texts.t("ad_upload_applied", version=version))


def _folder_matches(current: dict[str, bytes], library: Library) -> bool:
    """True when the folder on disk already holds this set (so there is nothing to write)."""
    try:
        return contentops.check_set(current).checksum == library.checksum
    except ContentInvalid:
        return False


async def versions_command(update: Update, context: BotContext) -> None:
    """Lists recent content versions: id, time, admin, checksum and what changed."""
    message = message_of(update)
    versions = context.store.content_versions(VERSIONS_SHOWN)
    audit(update, context, "versions", f"listed {len(versions)}")
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
    message = message_of(update)
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
    if info is None:  # archived versions are never deleted; this only guards the type
        await message.reply_text(texts.t("ad_rollback_unknown", version=version_id))
        return
    summary = diff_summary(context.content, library)
    current = await asyncio.to_thread(contentops.current_files, context.settings.content_dir)
    lost = contentops.unreloaded_edits(current, context.content, library.files)
    keyboard = confirm_keyboard(
        texts.t("ad_btn_restore", version=version_id),
        AdminButton("rb", True, version_id).pack(),
        AdminButton("rb", False, version_id).pack(),
    )
    audit(update, context, "rollback", "asked to confirm", f"version {version_id}")
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
    query = query_of(update)
    if action == "no":
        audit(update, context, "rollback", "cancelled", f"version {version_id}")
        await close_question(query, texts.t("ad_rollback_cancelled"))
        return
    await strip_buttons(query)
    library = await _restorable(update, context, query, version_id)
    if library is None or not await write_content(update, context, library):
        return
    summary = [texts.t("ad_rollback_summary", version=version_id)]
    summary += diff_summary(context.content, library)
    version = await activate(context, library, summary, user_of(update).id)
    audit(update, context, "rollback", f"restored as version {version}", f"version {version_id}")
    await reply(query, texts.t("ad_rollback_done", version=version_id, new=version))


async def _restorable(
    update: Update, context: BotContext, message: Message | CallbackQuery, version_id: int
) -> Library | None:
    """The archived set, if it exists, still validates and is not the one serving."""
    try:
        library = await off_loop(context, "content_version", version_id)
    except ContentInvalid as err:
        header = texts.t("ad_rollback_invalid", version=version_id)
        audit(update, context, "rollback", "refused: no longer valid", f"version {version_id}")
        await send_problems(message, header, err.problems)
        return None
    if library is None:
        audit(update, context, "rollback", "refused: no such version", f"version {version_id}")
        await reply(message, texts.t("ad_rollback_unknown", version=version_id))
        return None
    if library.checksum == context.content.checksum:
        audit(update, context, "rollback", "refused: already serving", f"version {version_id}")
        serving = context.runtime.content_version
        key = "ad_rollback_same" if version_id == serving else "ad_rollback_same_content"
        await reply(message, texts.t(key, version=version_id, serving=serving))
        return None
    return library


async def content_command(update: Update, context: BotContext) -> None:
    """Sends the live content back as a zip, so a teacher can edit it and upload it again."""
    library, version = context.content, context.runtime.content_version
    data = await asyncio.to_thread(content_zip, library)
    audit(update, context, "content", f"sent version {version}")
    await message_of(update).reply_document(
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


async def upload_pressed(update: Update, context: BotContext) -> None:
    """ad:up:ok|no:<upload id>: applies or discards an uploaded content set."""
    if (tap := await admin_tap(update, context)) is not None:
        await _upload_button(update, context, *tap)


async def rollback_pressed(update: Update, context: BotContext) -> None:
    """ad:rb:ok|no:<version>: rolls the content back to that version, or not."""
    if (tap := await admin_tap(update, context)) is not None:
        await _rollback_button(update, context, *tap)
