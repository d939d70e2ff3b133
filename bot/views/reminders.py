"""The daily reminder's buttons: start, later, skip, the short version, and the snooze
lengths. The handlers are bot/flows/reminders.py."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.buttons import PracticeButton, ReminderButton


def reminder_keyboard(delivery_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("btn_start"), callback_data=PracticeButton("today").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_later"),
                    callback_data=ReminderButton("later", delivery_id).pack(),
                ),
                InlineKeyboardButton(
                    texts.t("btn_skip"),
                    callback_data=ReminderButton("skip", delivery_id).pack(),
                ),
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_short"), callback_data=PracticeButton("short").pack()
                )
            ],
        ]
    )


def snooze_keyboard(delivery_id: int, choices: tuple[int, ...]) -> InlineKeyboardMarkup:
    def label(minutes: int) -> str:
        if minutes == 60:
            return texts.t("snooze_hour")
        return texts.t("snooze_minutes", minutes=minutes)

    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label(m), callback_data=ReminderButton("snooze", delivery_id, m).pack()
                )
                for m in choices
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_back"), callback_data=ReminderButton("back", delivery_id).pack()
                )
            ],
        ]
    )
