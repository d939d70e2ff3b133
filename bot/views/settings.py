"""What setting up and /settings show: the zone and time pickers, the settings screen, and the
/pause and /stop questions. Pure functions of values: the handlers (bot/flows/onboarding.py,
bot/flows/settings.py) fetch, save and send."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot import schedule, texts, zones
from bot.buttons import (
    PauseButton,
    PracticeButton,
    SettingsButton,
    StopButton,
    TimeButton,
    ZoneButton,
)
from bot.places import CityMatch
from bot.store import Status, Subscriber
from bot.texts import formats

# The pause lengths offered as buttons, in days, besides "until I resume".
PAUSE_CHOICES = (1, 3, 7, 14)


# --- the zone and time questions -------------------------------------------------------------


def location_keyboard() -> ReplyKeyboardMarkup:
    """The zone question's answers: share a location, or pick from a list."""
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(texts.t("btn_share_location"), request_location=True)],
            [texts.t("btn_pick_from_list")],
        ],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def common_zones_keyboard() -> InlineKeyboardMarkup:
    """The usual zones, two a row: shorter on a phone."""
    picks = [
        InlineKeyboardButton(label, callback_data=ZoneButton(name).pack())
        for label, name in zones.common_zones()
    ]
    return InlineKeyboardMarkup([picks[i : i + 2] for i in range(0, len(picks), 2)])


def city_choices_keyboard(choices: Sequence[CityMatch], typed: str | None) -> InlineKeyboardMarkup:
    """The cities a typed name may mean, and "none of these"."""
    buttons = [
        [
            InlineKeyboardButton(
                zones.city_label(city, typed), callback_data=ZoneButton(city.zone).pack()
            )
        ]
        for city in choices
    ]
    buttons.append(
        [InlineKeyboardButton(texts.t("zone_none_of_these"), callback_data=ZoneButton("").pack())]
    )
    return InlineKeyboardMarkup(buttons)


def time_keyboard(common: Sequence[str], current: str | None) -> InlineKeyboardMarkup:
    """The usual times, three a row; the current time first, to keep with one tap (a mistaken
    "Change time" is then no dead end)."""
    times = [at for at in common if at != current]
    rows = [times[i : i + 3] for i in range(0, len(times), 3)]
    buttons = [
        [InlineKeyboardButton(at, callback_data=TimeButton(at).pack()) for at in row]
        for row in rows
    ]
    if current:
        keep = texts.t("btn_keep_time", time=current)
        buttons.insert(0, [InlineKeyboardButton(keep, callback_data=TimeButton(current).pack())])
    return InlineKeyboardMarkup(buttons)


def start_now_keyboard() -> InlineKeyboardMarkup:
    """Under "All set!": today's practice, one tap away."""
    button = InlineKeyboardButton(
        texts.t("start_now_button"), callback_data=PracticeButton("today").pack()
    )
    return InlineKeyboardMarkup([[button]])


# --- /settings -------------------------------------------------------------------------------


def next_text(subscriber: Subscriber, now: datetime) -> str:
    """When the next reminder comes, in the person's words and zone."""
    if subscriber.next_due_utc is None or not subscriber.zone:
        return texts.t("next_none")
    return schedule.describe_next(subscriber.next_due_utc, schedule.zone(subscriber.zone), now)


def day_label(day: date) -> str:
    return formats.day_label(day)


def settings_text(subscriber: Subscriber, now: datetime) -> str:
    if subscriber.status is Status.PAUSED and subscriber.paused_until:
        back = subscriber.paused_until + timedelta(days=1)
        status = texts.t("status_paused_until", day=day_label(back))
    else:
        status = texts.t(f"status_{subscriber.status.value}")
    return texts.t(
        "settings",
        time=subscriber.remind_at,
        zone=zones.zone_label(subscriber.zone or "UTC", now),  # set before any reminder time
        status=status,
        next=next_text(subscriber, now),
        followup=texts.t("on" if subscriber.followup else "off"),
        followup_at=texts.Safe(_followup_at(subscriber)),
    )


def _followup_at(subscriber: Subscriber) -> str:
    if not subscriber.remind_at:
        return ""
    at = schedule.followup_time(time.fromisoformat(subscriber.remind_at))
    return texts.t("followup_at", time=formats.time_label(at)) if at else ""


def followup_text(subscriber: Subscriber) -> str:
    """Says exactly when the nudge comes, so the promise holds for every reminder time."""
    if not subscriber.followup:
        return texts.t("followup_off")
    at = schedule.followup_time(time.fromisoformat(subscriber.remind_at or "00:00"))
    if at is None:
        return texts.t("followup_on_none")
    return texts.t("followup_on", time=formats.time_label(at))


def settings_keyboard(subscriber: Subscriber) -> InlineKeyboardMarkup:
    paused = subscriber.status is Status.PAUSED
    followup = "btn_followup_off" if subscriber.followup else "btn_followup_on"
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.t("btn_change_time"), callback_data=SettingsButton("time").pack()
                ),
                InlineKeyboardButton(
                    texts.t("btn_change_zone"), callback_data=SettingsButton("zone").pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    texts.t(followup), callback_data=SettingsButton("followup").pack()
                )
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_resume" if paused else "btn_pause"),
                    callback_data=SettingsButton("resume" if paused else "pause").pack(),
                ),
                InlineKeyboardButton(
                    texts.t("btn_stop"), callback_data=SettingsButton("stop").pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    texts.t("btn_language"), callback_data=SettingsButton("language").pack()
                )
            ],
        ]
    )


# --- /pause and /stop ------------------------------------------------------------------------


def pause_question(lead: str = "") -> tuple[str, InlineKeyboardMarkup]:
    """How long to pause, with a sentence before it (`lead`: why the typed days were not read)."""
    choices = [(texts.t("pause_day_button"), PauseButton(PAUSE_CHOICES[0]).pack())] + [
        (texts.t("pause_days_button", n=n), PauseButton(n).pack()) for n in PAUSE_CHOICES[1:]
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in choices],
            [
                InlineKeyboardButton(
                    texts.t("pause_until_resume"), callback_data=PauseButton(0).pack()
                )
            ],
        ]
    )
    text = f"{lead}\n\n{texts.t('ask_pause')}" if lead else texts.t("ask_pause")
    return text, keyboard


def stop_question(practising: bool) -> tuple[str, InlineKeyboardMarkup]:
    """Stop the reminders? Someone in the middle of a practice who sends /stop may mean the
    practice (it hurts): they are told where that Stop is."""
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.t("stop_yes"), callback_data=StopButton(True).pack())],
            [InlineKeyboardButton(texts.t("stop_no"), callback_data=StopButton(False).pack())],
        ]
    )
    text = texts.t("ask_stop")
    if practising:
        text = f"{texts.t('stop_practice_hint')}\n\n{text}"
    return text, keyboard
