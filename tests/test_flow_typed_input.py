"""Answers typed in Russian, through the emulator: each is read and stored as its number, time,
place or skip, and what cannot be read gets the friendly correction with nothing stored.

The person here is the usual English-speaking test user: the parsers read every language's
words whatever the person's language (people mix them), and English replies keep these tests
independent of the Russian catalogs.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.models import Completion
from bot.store import Status
from tests.harness import USER_ID, Harness, buttons, subscribe

TODAY = date(2026, 11, 23)  # the clock fixture: Monday 07:00 in Berlin


async def subscribed(bot: Harness) -> None:
    [screen] = await subscribe(bot)
    await bot.tap(screen, "No")
    await bot.expect("Thank you")


def checkin_row(bot: Harness):
    return bot.store.checkin_for_day(USER_ID, TODAY)


# --- the check-in ------------------------------------------------------------------------------


async def test_a_checkin_answered_in_russian_words_is_stored(bot):
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension")
    await bot.say("семь")
    assert checkin_row(bot).tension == 7
    await bot.emu.send_text(USER_ID, "Нет боли")
    await bot.expect("Where")
    assert checkin_row(bot).pain == 0
    await bot.emu.send_text(USER_ID, "пропустить")  # the same as Done with nothing tapped
    await bot.expect("How did")
    assert checkin_row(bot).areas == ()
    await bot.emu.send_text(USER_ID, "всё")
    await bot.expect("Anything")
    assert checkin_row(bot).completion is Completion.FULL
    await bot.emu.send_text(USER_ID, "Пропустить")
    await bot.expect("Thank you")
    done = checkin_row(bot)
    assert done.note is None and done.status == "done"


@pytest.mark.parametrize(
    "typed",
    ["восемьнадцать", "11", "-1", "семь с половиной"],
    ids=["not-a-word", "eleven", "minus-one", "seven-and-a-half"],
)
async def test_a_russian_rating_it_cannot_read_is_corrected_and_nothing_stored(bot, typed):
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension")
    again = await bot.say(typed)
    assert "whole number from 0 (none) to 10" in again["text"]
    assert "tension" in again["text"]  # the question comes again with the correction
    row = checkin_row(bot)
    assert row.tension is None and row.step == "tension"


async def test_a_typed_skip_keeps_the_note_already_given(bot):
    """«дальше» at the note question is the Keep my note button, not a new note."""
    await subscribed(bot)
    await bot.emu.send_text(USER_ID, "/checkin")
    await bot.expect("tension")
    await bot.say("3")
    await bot.emu.send_text(USER_ID, "2")
    await bot.expect("Where")
    await bot.emu.send_text(USER_ID, "болит слева")  # words at the areas question: kept as note
    await bot.expect("kept what you wrote")
    await bot.emu.send_text(USER_ID, "пропустить")
    await bot.expect("How did")
    await bot.emu.send_text(USER_ID, "частично")
    await bot.expect("Anything")
    await bot.emu.send_text(USER_ID, "дальше")
    await bot.expect("Thank you")
    row = checkin_row(bot)
    assert row.note == "болит слева" and row.completion is Completion.PARTIAL


# --- the practice ------------------------------------------------------------------------------


async def test_the_tension_before_a_practice_typed_in_russian(bot):
    await subscribe(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.expect("how much tension")
    step = await bot.say("шесть из 10")
    assert "Step 1 of" in step["text"]
    assert bot.store.active_session(USER_ID).tension_before == 6


async def test_a_half_point_before_a_practice_is_corrected_and_not_stored(bot):
    await subscribe(bot)
    await bot.emu.send_text(USER_ID, "/today")
    await bot.expect("how much tension")
    reply = await bot.say("семь с половиной")
    assert "0 (none)" in reply["text"]
    session = bot.store.active_session(USER_ID)
    assert session.tension_before is None and session.steps_began_utc is None


# --- reminder time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("7 утра", "07:00"), ("в 19:30", "19:30"), ("час дня", "13:00"), ("8ч30", "08:30")],
    ids=["7-utra", "v-19-30", "chas-dnya", "8ch30"],
)
async def test_a_reminder_time_typed_in_russian_is_set(bot, typed, stored):
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    await bot.emu.send_text(USER_ID, "Berlin")
    await bot.expect("What time")
    await bot.emu.send_text(USER_ID, typed)
    await bot.expect("All set")
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber.remind_at == stored and subscriber.status is Status.ACTIVE


async def test_a_time_changed_in_settings_in_russian(bot):
    await subscribed(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "Change time")
    await bot.expect("What time")
    await bot.emu.send_text(USER_ID, "9 вечера")
    await bot.expect("21:00")
    assert bot.store.subscriber(USER_ID).remind_at == "21:00"


async def test_an_impossible_russian_time_is_corrected_and_the_question_stays(bot):
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    await bot.emu.send_text(USER_ID, "Berlin")
    await bot.expect("What time")
    reply = await bot.say("13 утра")
    assert "7:30" in reply["text"]
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber.awaiting == "time" and subscriber.remind_at is None


# --- the city ----------------------------------------------------------------------------------


async def test_moscow_in_cyrillic_finds_europe_moscow(bot):
    """«Москва» is also an alternate name of Moscow, Idaho: offered second, as "Moscow" is."""
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    choices = await bot.say("Москва")
    labels = buttons(choices)
    assert labels[0] == "Moscow, Russia"
    await bot.tap(choices, labels[0])
    await bot.expect("Europe/Moscow")
    assert bot.store.subscriber(USER_ID).zone == "Europe/Moscow"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Санкт-Петербург", "Europe/Moscow"),
        ("берлин", "Europe/Berlin"),
        ("Нью-Йорк", "America/New_York"),
        ("Київ", "Europe/Kyiv"),
    ],
    ids=["spb", "berlin-lowercase", "new-york", "kyiv-ukrainian"],
)
async def test_a_city_typed_in_cyrillic_sets_its_zone(bot, typed, zone):
    await bot.emu.send_text(USER_ID, "/start")
    await bot.expect("time zone")
    confirmed = await bot.say(typed)
    assert zone.replace("_", " ") in confirmed["text"]
    assert bot.store.subscriber(USER_ID).zone == zone


# --- pause -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "back_on"),
    [("неделю", "Monday 30 November"), ("3 дня", "Thursday 26 November")],
    ids=["nedelyu", "3-dnya"],
)
async def test_a_pause_length_in_russian(bot, typed, back_on):
    await subscribe(bot)
    paused = await bot.say(f"/pause {typed}")
    assert back_on in paused["text"]
    assert bot.store.subscriber(USER_ID).status is Status.PAUSED


async def test_a_pause_of_a_month_is_not_guessed(bot):
    await subscribe(bot)
    reply = await bot.say("/pause месяц")
    assert "from 1 to 90" in reply["text"] and "1 day" in buttons(reply)
    assert bot.store.subscriber(USER_ID).status is Status.ACTIVE
