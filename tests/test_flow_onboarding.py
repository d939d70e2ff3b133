"""Subscribing and settings: zone three ways, reminder time, /settings, /pause, /resume, /stop."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import build_application, polling
from bot.places import index_file
from bot.store import Status
from tests.harness import USER_ID, Harness, buttons, subscribe


async def start_and_reach_zone_question(bot: Harness) -> dict:
    await bot.emu.send_text(USER_ID, "/start")
    return await bot.expect("time zone")


async def test_zone_from_shared_location(bot):
    await start_and_reach_zone_question(bot)
    await bot.emu.send_location(USER_ID, 52.52, 13.405)
    confirmed = await bot.expect("Time zone")
    assert "Europe/Berlin" in confirmed["text"]
    assert "It's 07:00 there" in confirmed["text"]  # the clock reads 06:00 UTC
    assert "What time" in (await bot.reply())["text"]


@pytest.mark.parametrize(
    ("typed", "zone", "shown"),
    [
        ("Berlin", "Europe/Berlin", "Europe/Berlin (UTC+01:00 now)"),
        ("new york", "America/New_York", "America/New York (UTC-05:00 now)"),
        ("São Paulo", "America/Sao_Paulo", "America/Sao Paulo"),
        ("sao paulo", "America/Sao_Paulo", "America/Sao Paulo"),
        ("UTC+2", "Etc/GMT-2", "UTC+02:00"),
        ("+5:45", "Asia/Kathmandu", "Asia/Kathmandu (UTC+05:45 now)"),
        ("europe/lisbon", "Europe/Lisbon", "Europe/Lisbon"),
    ],
    ids=["city", "lowercase-two-words", "accents", "no-accents", "offset", "45-min-offset", "iana"],
)
async def test_zone_from_typed_text(bot, typed, zone, shown):
    """The confirmation shows the zone as a person reads it: "UTC+2" never as "Etc/GMT-2"."""
    await start_and_reach_zone_question(bot)
    confirmed = await bot.say(typed)
    assert shown in confirmed["text"]
    assert "GMT" not in confirmed["text"]
    assert bot.store.subscriber(USER_ID).zone == zone


async def test_ambiguous_city_offers_a_choice(bot):
    await start_and_reach_zone_question(bot)
    choices = await bot.say("Paris")
    labels = buttons(choices)
    assert any("France" in label for label in labels)
    assert any("Texas" in label for label in labels)
    await bot.tap(choices, next(label for label in labels if "Texas" in label))
    assert "America/Chicago" in (await bot.expect("Time zone"))["text"]


async def test_a_city_typed_is_confirmed_with_its_name_and_zone(bot):
    """UX 9: "Munchen" confirms the city found, not only "Europe/Berlin"."""
    await start_and_reach_zone_question(bot)
    confirmed = await bot.say("Munchen")
    assert "Munich, Germany — Europe/Berlin (UTC+01:00 now)" in confirmed["text"]
    assert bot.store.subscriber(USER_ID).zone == "Europe/Berlin"


async def test_springfield_offers_illinois_too_and_it_can_be_picked(bot):
    """UX 9: several cities of one name are offered by name, not one per zone."""
    await start_and_reach_zone_question(bot)
    choices = await bot.say("Springfield")
    labels = buttons(choices)
    assert "Springfield, Illinois, United States" in labels
    assert "Springfield, Missouri, United States" in labels
    assert labels[-1] == "None of these"
    await bot.tap(choices, "Springfield, Illinois, United States")
    assert "America/Chicago" in (await bot.expect("Time zone"))["text"]


async def test_none_of_these_asks_again_without_losing_the_step(bot):
    await start_and_reach_zone_question(bot)
    choices = await bot.say("Paris")
    await bot.tap(choices, "None of these")
    assert "nearby" in (await bot.reply())["text"]
    assert bot.store.subscriber(USER_ID).awaiting == "zone"


async def test_zone_from_the_pick_list(bot):
    await start_and_reach_zone_question(bot)
    listing = await bot.say("🌍 Pick from a list")
    label = next(label for label in buttons(listing) if "Tokyo" in label)
    await bot.tap(listing, label)
    assert "Asia/Tokyo" in (await bot.expect("Time zone"))["text"]


async def test_the_pick_list_has_utc_plus_two_and_africa(bot):
    """UX 9: Athens/Kyiv and Jerusalem (UTC+2), and Lagos, Johannesburg, Nairobi."""
    await start_and_reach_zone_question(bot)
    listing = await bot.say("🌍 Pick from a list")
    labels = buttons(listing)
    for place in ("Athens, Kyiv", "Jerusalem", "Lagos", "Johannesburg", "Nairobi"):
        assert place in labels
    rows = listing["reply_markup"]["inline_keyboard"]
    assert len(rows) <= 9  # two a row: a phone screen, not eighteen rows
    await bot.tap(listing, "Johannesburg")
    assert "Africa/Johannesburg (UTC+02:00 now)" in (await bot.expect("Time zone"))["text"]


@pytest.mark.parametrize(
    "typed", ["Qwxzzy", "🙂", "UTC+15", "a" * 300], ids=["nonsense", "emoji", "offset", "long"]
)
async def test_unknown_place_gets_a_kind_hint_and_the_question_stays(bot, typed):
    await start_and_reach_zone_question(bot)
    reply = await bot.say(typed)
    assert "UTC+2" in reply["text"] or "offset" in reply["text"]
    assert bot.store.subscriber(USER_ID).awaiting == "zone"


async def test_a_city_typed_while_the_index_is_first_built_waits_for_it(
    settings, emulator, clock, tmp_path
):
    """A first start builds the city index in a child process (~3 s) after start-up; a city
    typed meanwhile is answered once it is ready, not refused."""
    settings = dataclasses.replace(settings, places_dir=tmp_path / "places")
    application = build_application(settings, clock=clock)
    async with polling(application, poll_timeout=1):
        bot = Harness(application, emulator, clock)
        assert not index_file(settings.places_dir).exists()
        await start_and_reach_zone_question(bot)
        await emulator.send_text(USER_ID, "Wien")
        confirmed = await emulator.next_message(USER_ID, timeout=60)
        assert "Europe/Vienna" in confirmed["text"]
        assert index_file(settings.places_dir).exists()
        assert ("sendChatAction", {"chat_id": USER_ID, "action": "typing"}) in emulator.calls


async def test_without_a_city_index_offsets_still_work_and_cities_get_a_hint(
    settings, emulator, clock, tmp_path, caplog
):
    blocker = tmp_path / "a-file"
    blocker.write_text("the index folder cannot be made under a file")
    settings = dataclasses.replace(settings, places_dir=blocker / "places")
    application = build_application(settings, clock=clock)
    async with polling(application, poll_timeout=1):
        bot = Harness(application, emulator, clock)
        await start_and_reach_zone_question(bot)
        await emulator.send_text(USER_ID, "Paris")
        hint = await emulator.next_message(USER_ID, timeout=60)
        assert "nearby big city" in hint["text"] and "UTC+2" in hint["text"]
        assert bot.store.subscriber(USER_ID).awaiting == "zone"
        assert "UTC+01:00" in (await bot.say("UTC+1"))["text"]
        assert bot.store.subscriber(USER_ID).zone == "Etc/GMT-1"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.getMessage().split()[0] for r in errors] == ["places.unavailable"]


async def test_sticker_at_the_zone_question_gets_a_hint(bot):
    await start_and_reach_zone_question(bot)
    await bot.emu.send_sticker(USER_ID)
    assert "city" in (await bot.reply())["text"]
    assert bot.store.subscriber(USER_ID).awaiting == "zone"


async def reach_time_question(bot: Harness) -> dict:
    await start_and_reach_zone_question(bot)
    await bot.emu.send_text(USER_ID, "Berlin")
    return await bot.expect("What time")


@pytest.mark.parametrize(
    ("typed", "stored", "next_text"),
    [
        ("7:30", "07:30", "today at 07:30"),
        ("07.30", "07:30", "today at 07:30"),
        ("7:30 pm", "19:30", "today at 19:30"),
        ("19:45", "19:45", "today at 19:45"),
        ("7", "07:00", "tomorrow at 07:00"),  # 07:00 is now in Berlin: strictly after
    ],
    ids=["h:mm", "dot", "pm", "24h", "hour-only"],
)
async def test_typed_reminder_times(bot, typed, stored, next_text):
    await reach_time_question(bot)
    await bot.emu.send_text(USER_ID, typed)
    done = await bot.expect("All set")
    assert next_text in done["text"]
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber.remind_at == stored
    assert subscriber.status is Status.ACTIVE


@pytest.mark.parametrize(
    "typed",
    ["25:00", "7:60", "half seven", "⏰", "13 pm"],
    ids=["25h", "60min", "words", "emoji", "13pm"],
)
async def test_bad_times_get_a_clear_answer_and_the_question_stays(bot, typed):
    await reach_time_question(bot)
    reply = await bot.say(typed)
    assert "7:30" in reply["text"]
    assert bot.store.subscriber(USER_ID).awaiting == "time"


async def test_a_command_in_the_middle_of_setup_keeps_the_place(bot):
    await reach_time_question(bot)
    await bot.emu.send_text(USER_ID, "/settings")
    await bot.expect("set up your daily reminder first")
    again = await bot.expect("What time")
    await bot.tap(again, "08:00")
    assert "08:00" in (await bot.expect("All set"))["text"]


async def test_start_after_trying_a_practice_still_greets_with_the_safety_note(bot):
    """Someone may try /practice first; their first /start must still show what the bot is."""
    await bot.say("/practice swing")
    await bot.settle()
    welcome = await bot.say("/start")
    assert "I'm your psoas coach" in welcome["text"]
    assert "Please read this first" in welcome["text"]
    assert "time zone" in (await bot.reply())["text"]


async def test_start_again_in_the_middle_of_setup_asks_without_greeting_twice(bot):
    await start_and_reach_zone_question(bot)
    again = await bot.say("/start")
    assert "time zone" in again["text"]
    assert "psoas coach" not in again["text"]


async def test_setup_resumes_after_a_restart(settings, emulator, clock):
    first = build_application(settings, clock=clock)
    async with polling(first, poll_timeout=1):
        bot = Harness(first, emulator, clock)
        await reach_time_question(bot)
    second = build_application(settings, clock=clock)
    async with polling(second, poll_timeout=1):
        bot = Harness(second, emulator, clock)
        await emulator.send_text(USER_ID, "7:30")
        assert "All set" in (await bot.expect("All set"))["text"]


async def test_stale_time_button_before_a_zone_asks_for_the_zone(bot):
    question = await start_and_reach_zone_question(bot)
    await bot.emu.press(USER_ID, question["message_id"], "ob:t:07:30", check=False)
    assert "time zone" in (await bot.reply())["text"]


async def test_forged_zone_button_changes_nothing(bot):
    question = await start_and_reach_zone_question(bot)
    await bot.emu.press(USER_ID, question["message_id"], "ob:z:Mars/Olympus", check=False)
    await bot.settle()
    assert bot.store.subscriber(USER_ID).zone is None


async def test_settings_shows_the_next_reminder_and_changes_time(bot):
    await subscribe(bot)
    shown = await bot.say("/settings")
    assert "07:30" in shown["text"]
    assert "Next reminder: today at 07:30" in shown["text"]
    await bot.tap(shown, "⏰ Change time")
    await bot.tap(await bot.expect("What time"), "20:00")
    saved = await bot.expect("Saved")
    assert "today at 20:00" in saved["text"]
    assert bot.store.subscriber(USER_ID).next_due_utc == datetime(2026, 11, 23, 19, 0, tzinfo=UTC)


async def test_changing_the_zone_moves_the_next_reminder(bot):
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "🌍 Change time zone")
    await bot.expect("time zone")
    await bot.emu.send_text(USER_ID, "Tokyo")
    await bot.expect("Saved")
    # 07:30 in Tokyo (UTC+9) is 22:30 UTC; it is 15:00 there now, so tomorrow.
    assert bot.store.subscriber(USER_ID).next_due_utc == datetime(2026, 11, 23, 22, 30, tzinfo=UTC)


async def test_follow_up_toggle(bot):
    await subscribe(bot)
    shown = await bot.say("/settings")
    await bot.tap(shown, "🔔 Turn follow-up on")
    assert "Follow-up on" in (await bot.expect("Follow-up"))["text"]
    assert bot.store.subscriber(USER_ID).followup is True


async def test_pause_for_days_skips_reminders_then_resumes_by_itself(bot):
    await subscribe(bot)
    paused = await bot.say("/pause 3")
    assert "Thursday 26 November" in paused["text"]
    for _ in range(3):
        bot.clock.advance(timedelta(days=1))
        await bot.tick()
    assert not [m for m in bot.emu.drain(USER_ID) if "Time for today's practice" in m["text"]]
    bot.clock.set(datetime(2026, 11, 26, 6, 31, tzinfo=UTC))
    await bot.tick()
    assert "Time for today's practice" in (await bot.reply())["text"]
    assert bot.store.paused_dates(USER_ID, until=datetime(2026, 11, 30).date()) == {
        datetime(2026, 11, day).date() for day in (23, 24, 25)
    }


async def test_pause_chosen_after_todays_reminder_misses_the_next_three(bot):
    """UX 7: "3 days" chosen in the evening skipped only two reminders."""
    await subscribe(bot)  # 07:30 Berlin
    bot.clock.set(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    await bot.tick()
    await bot.expect("Time for today's practice")
    bot.clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))  # Monday, 20:00 in Berlin
    paused = await bot.say("/pause 3")
    assert "Friday 27 November" in paused["text"]  # Tuesday, Wednesday, Thursday missed
    assert bot.store.subscriber(USER_ID).next_due_utc == datetime(2026, 11, 27, 6, 30, tzinfo=UTC)
    assert bot.store.paused_dates(USER_ID, until=datetime(2026, 11, 30).date()) == {
        datetime(2026, 11, day).date() for day in (24, 25, 26)
    }


async def test_settings_while_paused_names_the_day_reminders_come_back(bot):
    await subscribe(bot)
    await bot.say("/pause 3")  # Monday 23 to Wednesday 25 November
    shown = await bot.say("/settings")
    assert "paused, back on Thursday 26 November" in shown["text"]
    assert "Next reminder: Thursday at 07:30" in shown["text"]


async def test_pause_until_resumed_then_resume(bot):
    await subscribe(bot)
    choice = await bot.say("/pause")
    await bot.tap(choice, "Until I resume")
    await bot.expect("No reminders until you send /resume")
    assert bot.store.subscriber(USER_ID).next_due_utc is None
    bot.clock.advance(timedelta(days=2))
    await bot.tick()
    resumed = await bot.say("/resume")
    assert "Welcome back" in resumed["text"]
    assert bot.store.subscriber(USER_ID).status is Status.ACTIVE


@pytest.mark.parametrize(
    "days", ["0", "-2", "abc", "365"], ids=["zero", "negative", "word", "year"]
)
async def test_pause_with_a_bad_number_of_days_explains(bot, days):
    await subscribe(bot)
    reply = await bot.say(f"/pause {days}")
    assert "from 1 to 90" in reply["text"]
    assert "1 day" in buttons(reply)  # UX 10: the choices come with the explanation
    assert bot.store.subscriber(USER_ID).status is Status.ACTIVE


async def test_resume_when_not_paused_says_so(bot):
    await subscribe(bot)
    assert "aren't paused" in (await bot.say("/resume"))["text"]


async def test_stop_keeps_history_and_start_welcomes_back(bot):
    await subscribe(bot)
    ask = await bot.say("/stop")
    assert "history stays" in ask["text"]
    await bot.tap(ask, "Yes, stop reminders")
    await bot.expect("Reminders stopped")
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber.status is Status.STOPPED and subscriber.next_due_utc is None
    bot.clock.advance(timedelta(days=1))
    await bot.tick()
    assert not bot.emu.drain(USER_ID)
    today = await bot.say("/today")  # UX 10: not "you don't have one set up"
    assert "reminders are stopped" in today["text"] and "history is still here" in today["text"]
    again = await bot.say("/start")
    assert "Welcome back" in again["text"]
    assert "Your time zone stays Europe/Berlin" in again["text"]
    question = await bot.expect("What time")  # the zone is kept: one question, one tap
    await bot.tap(question, "✅ Keep 07:30")
    assert "every day at 07:30" in (await bot.expect("All set"))["text"]
    assert bot.store.subscriber(USER_ID).status is Status.ACTIVE


async def test_change_time_tapped_by_mistake_keeps_the_time_with_one_tap(bot):
    await subscribe(bot, time_label="08:00")
    shown = await bot.say("/settings")
    await bot.tap(shown, "⏰ Change time")
    question = await bot.expect("What time")
    assert buttons(question)[0] == "✅ Keep 08:00"
    assert "08:00" not in buttons(question)  # not offered twice
    await bot.tap(question, "✅ Keep 08:00")
    assert "Saved. Next reminder: today at 08:00" in (await bot.expect("Saved"))["text"]
    assert bot.store.subscriber(USER_ID).awaiting is None


async def test_a_first_setup_offers_no_time_to_keep(bot):
    await start_and_reach_zone_question(bot)
    await bot.emu.send_text(USER_ID, "Berlin")
    question = await bot.expect("What time")
    assert not any(label.startswith("✅ Keep") for label in buttons(question))


async def test_stop_can_be_cancelled(bot):
    await subscribe(bot)
    ask = await bot.say("/stop")
    await bot.tap(ask, "No, keep them")
    assert "stay on" in (await bot.reply())["text"]
    assert bot.store.subscriber(USER_ID).status is Status.ACTIVE


@pytest.mark.parametrize("command", ["/settings", "/pause", "/resume", "/stop"])
async def test_settings_commands_without_a_subscription_point_to_start(bot, command):
    assert "/start" in (await bot.say(command))["text"]
