"""The red-flag screen's buttons and the "continue" after a hold. Its sentences are
bot/texts/safety.py's; the handlers are bot/flows/safety.py."""

from __future__ import annotations

from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.buttons import SafetyButton


def screen_keyboard(then: str | None = None) -> InlineKeyboardMarkup:
    """The screen's answers; `then` is the practice waiting on them ("daily" or "short")."""
    held: Literal["daily", "short"] | None = (
        "daily" if then == "daily" else "short" if then == "short" else None
    )
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.t("sf_btn_yes"), callback_data=SafetyButton("yes").pack())],
            [
                InlineKeyboardButton(
                    texts.t("sf_btn_soon"), callback_data=SafetyButton("soon", held).pack()
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("sf_btn_no"), callback_data=SafetyButton("no", held).pack()
                )
            ],
        ]
    )


def continue_keyboard() -> InlineKeyboardMarkup:
    """After a hold: practise again, when the person chooses."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("sf_btn_continue"), callback_data=SafetyButton("go").pack()
                )
            ]
        ]
    )
