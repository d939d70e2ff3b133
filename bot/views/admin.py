"""What the admin commands show: what an upload would do, the changes and problems of a
content set (cut to fit Telegram's messages), the statistics' shares, the broadcast as sent,
and the confirm/cancel keyboard. Pure; the handlers are in bot/flows/admin/."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import contentops, texts
from bot.content import Problem
from bot.texts import formats

MESSAGE_BUDGET = 3800  # our cap per message for long problem lists (Telegram allows 4096)
MAX_PROBLEM_MESSAGES = 4
CHANGES_SHOWN = 40  # lines of "added: …" in one answer; an id is at most 56 characters


def upload_mode(upload: contentops.Upload, current: dict[str, bytes]) -> texts.Safe:
    if upload.replaces_all:
        return texts.Safe(texts.t("ad_upload_mode_all", count=len(upload.files)))
    if len(upload.files) == 1:
        (path,) = upload.files
        key = "ad_upload_mode_file" if path in current else "ad_upload_mode_new"
        return texts.Safe(texts.t(key, path=path))
    return texts.Safe(texts.t("ad_upload_mode_overlay", count=len(upload.files)))


def unreloaded_warning(lost: Sequence[str]) -> str:
    """Never lose a teacher's edits silently: say which files the change would replace."""
    if not lost:
        return ""
    return "\n\n" + texts.t("ad_unreloaded", files=", ".join(lost))


def share(part: int, whole: int) -> str:
    return formats.percent(part, whole) if whole else "—"


def broadcast_body(text: str) -> str:
    """Admin-authored text goes out as plain text: escaped for the HTML parse mode."""
    return texts.escape(text)


def change_lines(summary: Sequence[str]) -> texts.Safe:
    """One line per change; a long list is cut so the answer fits one Telegram message."""
    if not summary:
        return texts.Safe(texts.t("ad_changes_none"))
    lines = [f"• {texts.escape(line)}" for line in summary[:CHANGES_SHOWN]]
    if len(summary) > CHANGES_SHOWN:
        lines.append(texts.t("ad_changes_more", count=len(summary) - CHANGES_SHOWN))
    return texts.Safe("\n".join(lines))


def problem_chunks(header: str, problems: Sequence[Problem]) -> list[str]:
    chunks: list[str] = []
    current = header + "\n"
    for index, problem in enumerate(problems):
        line = "\n• " + texts.escape(str(problem))
        if len(current) + len(line) > MESSAGE_BUDGET:
            if len(chunks) + 1 >= MAX_PROBLEM_MESSAGES:
                current += "\n\n" + texts.t("ad_problems_more", count=len(problems) - index)
                break
            chunks.append(current)
            current = ""
        current += line
    chunks.append(current)
    return [chunk.strip() for chunk in chunks]


def confirm_keyboard(label: str, yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=yes)],
            [InlineKeyboardButton(texts.t("ad_btn_cancel"), callback_data=no)],
        ]
    )
