"""The check-in through the emulator: every answer kept, every bad input answered kindly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import BotContext, build_application, polling
from bot.flows.checkin import begin_checkin
from bot.models import BodyArea, Completion
from tests import factories
from tests.harness import USER_ID, Harness, buttons, subscribe
from tests.test_inaccessible import data_of

TODAY = date(2026, 11, 23)  # the clock fixture: Monday 07:00 in Berlin
OTHER_ID = 5151


async def subscribed(bot: Harness, user_id: int = USER_ID) -> None:
    """Subscribes in Berlin and answers the first safety screen "No", as most people will."""
    [screen] = await subscribe(bot, user_id)
    await bot.tap(screen, "No", user_id)
    await bot.expect("Thank you", user_id)


async def start_checkin(bot: Harness, user_id: int = USER_ID) -> dict:
    await bot.emu.send_text(user_id, "/checkin")
    return await bot.expect("tension", user_id)


def row(bot: Harness, day: date = TODAY, user_id: int = USER_ID):
    return bot.store.checkin_for_day(user_id, day)


async def edited(bot: Harness, message: dict) -> dict:
    """The next edit of `message`, skipping edits of others (old keypads being tidied away)."""
    while True:
        edit = await bot.emu.next_edit(message["chat"]["id"])
        if edit["message_id"] == message["message_id"]:
            return edit


def context(bot: Harness) -> BotContext:
    return BotContext(bot.application)


def add_session(
    bot: Harness, *, tension_before: int | None, day: date = TODAY, status: str = "done"
) -> int:
    now = bot.clock.now()
    return factories.add_session(
        bot.store, USER_ID, day, now, tension_before=tension_before, status=status
    ).id


# --- the whole check-in ------------------------------------------------------------------------


async def test_whole_checkin_by_buttons_is_saved_and_summarised(bot):
    await subscribed(bot)
    tension = await start_checkin(bot)
    assert "0 = none" in tension["text"] and "10 = worst imaginable" in tension["text"]
    assert buttons(tension) == [str(n) for n in range(11)]
    await bot.tap(tension, "6")
    pain = await bot.expect("pain")
    assert "0 = no pain" in pain["text"] and "worst pain imaginable" in pain["text"]
    await bot.tap(pain, "3")
    areas = await bot.expect("Where do you feel it")
    await bot.tap(areas, "Front of hip, left")
    assert "✓ Front of hip, left" in buttons(await edited(bot, areas))
    await bot.tap(areas, "Lower back")
    await bot.tap(areas, "Groin, right")
    await bot.tap(areas, "Groin, right")  # tapped again: taken off
    await bot.settle()
    assert row(bot).areas == (BodyArea.HIP_FRONT_LEFT, BodyArea.LOWER_BACK)
    await bot.tap(areas, "Done")
    completion = await bot.expect("How did today's practice go")
    await bot.tap(completion, "Did part of it")
    await bot.expect("Anything you'd like to add")
    thanks = await bot.say("Left hip felt warm afterwards")
    assert "Thank you for checking in" in thanks["text"]
    for fragment in (
        "Tension: 6/10",
        "Pain: 3/10",
        "Front of hip, left",
        "Lower back",
        "done in part",
        "Left hip felt warm afterwards",
    ):
        assert fragment in thanks["text"]
    saved = row(bot)
    assert (saved.status, saved.step, saved.tension, saved.pain) == ("done", None, 6, 3)
    assert saved.completion is Completion.PARTIAL
    assert saved.note == "Left hip felt warm afterwards"
    assert bot.store.subscriber(USER_ID).awaiting is None


async def test_nowhere_is_offered_only_while_no_place_is_ticked(bot):
    """Beside ticked places, "Nowhere" would throw them away with one tap."""
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("5")
    areas = await bot.say("4")
    assert "Nowhere" in buttons(areas)
    await bot.tap(areas, "Deep belly")
    ticked = await edited(bot, areas)
    assert "Nowhere" not in buttons(ticked) and "Done ✓" in buttons(ticked)
    await bot.tap(areas, "✓ Deep belly")
    assert "Nowhere" in buttons(await edited(bot, areas))
    assert row(bot).areas == ()


async def test_taps_on_a_checkin_telegram_no_longer_shows_are_kept(bot):
    """A tap on an inaccessible message (its chat and id only): the rating is saved and the
    ticked place shows on that message's keyboard."""
    await subscribed(bot)
    tension = await start_checkin(bot)
    await bot.emu.press(USER_ID, tension["message_id"], data_of(tension, "6"), inaccessible=True)
    await bot.say("4")  # pain, typed
    areas = await bot.expect("Where do you feel it")
    await bot.emu.press(
        USER_ID, areas["message_id"], data_of(areas, "Deep belly"), inaccessible=True
    )
    assert "✓ Deep belly" in buttons(await edited(bot, areas))
    assert (row(bot).tension, row(bot).pain, row(bot).areas) == (6, 4, (BodyArea.DEEP_BELLY,))


async def test_the_areas_question_never_points_to_a_button_that_is_gone(bot):
    """UX 6: with a place ticked, Nowhere goes, so the question must not say "tap Nowhere"."""
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("5")
    areas = await bot.say("4")
    assert "tap Nowhere" not in areas["text"]
    assert "nothing ticked means nowhere" in areas["text"]
    await bot.tap(areas, "Deep belly")
    ticked = await edited(bot, areas)
    assert "Nowhere" not in buttons(ticked) and "Nowhere" not in ticked["text"]


async def test_done_with_nothing_ticked_says_it_was_taken_as_nowhere(bot):
    """UX 6: Done with no place ticked is recorded as "nowhere", and the question says so."""
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("5")
    areas = await bot.say("4")
    await bot.tap(areas, "Done ✓")
    await bot.expect("How did today's practice go")
    answered = next(m for m in bot.emu.messages(USER_ID) if m["message_id"] == areas["message_id"])
    assert "Your answer: nowhere in particular" in answered["text"]
    assert buttons(answered) == []
    assert row(bot).areas == ()


async def test_the_answered_areas_question_shows_the_places_ticked(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("5")
    areas = await bot.say("4")
    await bot.tap(areas, "Deep belly")
    await edited(bot, areas)
    await bot.tap(areas, "Done ✓")
    await bot.expect("How did today's practice go")
    answered = next(m for m in bot.emu.messages(USER_ID) if m["message_id"] == areas["message_id"])
    assert "Your answer: Deep belly" in answered["text"]


async def test_whole_checkin_typed_where_typing_makes_sense(bot):
    await subscribed(bot)
    await start_checkin(bot)
    assert "pain" in (await bot.say("6/10"))["text"]
    areas = await bot.say(" 6 ")  # 7 or more is high pain: that reply waits for a button
    await bot.tap(areas, "Nowhere")
    await bot.expect("How did today's practice go")
    assert "Anything" in (await bot.say("all"))["text"]
    await bot.emu.send_text(USER_ID, "Короче, лучше 🙂")
    thanks = await bot.expect("Thank you")
    assert "nowhere in particular" in thanks["text"]
    saved = row(bot)
    assert (saved.tension, saved.pain, saved.areas, saved.completion) == (
        6,
        6,
        (),
        Completion.FULL,
    )
    assert saved.note == "Короче, лучше 🙂"


async def test_each_answer_is_in_the_database_as_soon_as_it_is_given(bot):
    await subscribed(bot)
    tension = await start_checkin(bot)
    assert (row(bot).step, row(bot).tension) == ("tension", None)
    await bot.tap(tension, "5")
    await bot.expect("pain")
    assert (row(bot).step, row(bot).tension, row(bot).status) == ("pain", 5, "open")
    subscriber = bot.store.subscriber(USER_ID)
    assert subscriber.awaiting == "checkin_pain"
    assert subscriber.awaiting_data["id"] == row(bot).id


async def test_note_is_stored_exactly_and_echoed_escaped_and_shortened(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("2")
    await bot.tap(await bot.say("1"), "Nowhere")
    await bot.expect("How did")
    await bot.say("fully")
    note = ("  <b>bold?</b> & 日本語 🧘‍♀️ " * 200)[:4096]
    await bot.emu.send_text(USER_ID, note)
    thanks = await bot.expect("Thank you")  # the emulator answers 400 to unescaped HTML
    assert "&lt;b&gt;" not in thanks["text"] and "<b>bold?</b>" in thanks["text"]
    assert len(thanks["text"]) < 1000
    assert row(bot).note == note


async def test_note_can_be_skipped(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("2")
    await bot.tap(await bot.say("1"), "Nowhere")
    await bot.expect("How did")
    note_question = await bot.say("skipped")
    await bot.tap(note_question, "Skip")
    thanks = await bot.expect("Thank you")
    assert "skipped today" in thanks["text"] and "A day off is fine" in thanks["text"]
    assert row(bot).note is None and row(bot).status == "done"


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["fifty", "11", "-1", "3.5", " ", "6 or 7", "10/10/10", "🙂"],
    ids=[
        "letters",
        "eleven",
        "minus-one",
        "decimal",
        "blank",
        "two-numbers",
        "odd-fraction",
        "emoji",
    ],
)
async def test_bad_rating_gets_a_correction_and_the_question_again(bot, typed):
    await subscribed(bot)
    await start_checkin(bot)
    again = await bot.say(typed)  # the correction and the question, in one message
    assert "whole number from 0" in again["text"]
    assert "tension" in again["text"] and buttons(again)[:11] == [str(n) for n in range(11)]
    assert (row(bot).tension, row(bot).step) == (None, "tension")
    assert "pain" in (await bot.say("4"))["text"]  # and the answer still goes in


async def test_rating_words_from_the_scale_itself_are_understood(bot):
    """UX 3: "0 = none" and "0 = no pain" are on the scale, yet the words were refused."""
    await subscribed(bot)
    await start_checkin(bot)
    assert "pain" in (await bot.say("seven"))["text"]
    correction = await bot.say("lots")  # the pain question corrects in the pain scale's words
    assert "0 (no pain) to 10 (worst pain imaginable)" in correction["text"]
    await bot.say("no pain")
    assert (row(bot).tension, row(bot).pain) == (7, 0)


@pytest.mark.parametrize(
    "send",
    [
        lambda emu: emu.send_sticker(USER_ID),
        lambda emu: emu.send_photo(USER_ID, caption="my hip"),
        lambda emu: emu.send_location(USER_ID, 52.5, 13.4),
        lambda emu: emu.send_document(USER_ID, "scan.pdf", b"%PDF"),
    ],
    ids=["sticker", "photo", "location", "document"],
)
async def test_media_during_a_rating_gets_a_kind_word_and_the_question_again(bot, send):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("3")
    await send(bot.emu)
    again = await bot.reply()
    assert "numbers and buttons" in again["text"] and "pain" in again["text"]
    assert "10" in buttons(again)
    assert row(bot).pain is None


async def test_sticker_instead_of_a_note_is_not_stored(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("3")
    await bot.tap(await bot.say("1"), "Nowhere")
    await bot.expect("How did")
    await bot.say("partly")
    await bot.emu.send_sticker(USER_ID)
    again = await bot.reply()
    assert "note as text" in again["text"] and "Anything" in again["text"]
    assert row(bot).note is None and row(bot).status == "open"


async def test_words_typed_where_areas_are_asked_are_kept_as_the_note(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("3")
    areas = await bot.say("4")
    await bot.tap(areas, "Deep belly")
    await edited(bot, areas)
    again = await bot.say("my lower back, mostly at night")
    assert "kept what you wrote as your note" in again["text"]
    assert "tap the places" in again["text"]
    assert "Nowhere" not in buttons(again) and "tap Nowhere" not in again["text"]  # UX 6
    assert "✓ Deep belly" in buttons(again)  # the choice so far is kept
    assert row(bot).areas == (BodyArea.DEEP_BELLY,)
    assert row(bot).note == "my lower back, mostly at night"
    await bot.tap(again, "Done")
    await bot.expect("How did")
    note = await bot.say("all")
    assert "Your note so far: “my lower back, mostly at night”" in note["text"]
    await bot.tap(note, "Keep my note")
    assert "mostly at night" in (await bot.expect("Thank you"))["text"]


async def test_a_sticker_where_areas_are_asked_gets_a_kind_word(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("3")
    await bot.say("4")
    await bot.emu.send_sticker(USER_ID)
    again = await bot.reply()
    assert "can't read that" in again["text"] and "Nowhere" in buttons(again)
    assert row(bot).note is None and row(bot).areas is None


async def test_unclear_words_for_how_it_went_ask_for_a_button(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("3")
    await bot.tap(await bot.say("4"), "Nowhere")
    await bot.expect("How did today's practice go")
    again = await bot.say("it was a long day")
    assert "tap one of the buttons" in again["text"]
    assert buttons(again)[:3] == ["Did it all", "Did part of it", "Skipped it today"]
    assert row(bot).completion is None
    assert row(bot).note == "it was a long day"  # kept, not lost


@pytest.mark.parametrize(
    "command", ["/help", "/settings", "/dance"], ids=["help", "settings", "unknown"]
)
async def test_a_command_mid_checkin_works_and_the_checkin_carries_on(bot, command):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("5")
    reply = await bot.say(command)
    assert "pain" not in reply["text"].split("\n")[0]  # the command's own answer
    bot.emu.drain(USER_ID)
    areas = await bot.say("2")
    assert "Where do you feel it" in areas["text"]
    assert (row(bot).tension, row(bot).pain) == (5, 2)


async def test_checkin_command_mid_checkin_asks_the_open_question_again(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("5")
    again = await bot.say("/checkin")
    assert "carry on" in again["text"] and "pain" in again["text"]
    await bot.tap(again, "1")
    assert "Where" in (await bot.expect("Where"))["text"]
    assert (row(bot).tension, row(bot).pain) == (5, 1)


async def test_checkin_before_subscribing_points_to_start(bot):
    reply = await bot.say("/checkin")
    assert "/start" in reply["text"]
    assert bot.store.checkin_for_day(USER_ID, TODAY) is None


# --- buttons that no longer apply -------------------------------------------------------------


async def test_yesterdays_keypad_gets_a_kind_answer_and_changes_nothing(bot):
    await subscribed(bot)
    tension = await start_checkin(bot)
    await bot.tap(tension, "6")
    pain = await bot.expect("pain")
    bot.clock.advance(timedelta(days=1))
    await bot.tap(pain, "2")
    reply = await bot.expect("earlier day")
    assert "/checkin" in reply["text"]
    yesterday = row(bot)
    assert (yesterday.pain, yesterday.status) == (None, "partial")
    assert row(bot, TODAY + timedelta(days=1)) is None


async def test_an_answered_keypad_tapped_again_changes_nothing(bot):
    await subscribed(bot)
    tension = await start_checkin(bot)
    await bot.tap(tension, "6")
    await bot.expect("pain")
    query = await bot.emu.press(
        USER_ID, tension["message_id"], f"ci:{row(bot).id}:t:9", check=False
    )
    await bot.settle()
    assert "earlier message" in bot.emu.callback_answers[query]["text"]
    assert row(bot).tension == 6


@pytest.mark.parametrize(
    "data",
    [
        "ci:",
        "ci:abc:t:5",
        "ci:999999:t:5",
        "ci:{id}:t:11",
        "ci:{id}:t:x",
        "ci:{id}:z:1",
        "ci:{id}:a:spleen",
        "ci:{other}:t:5",
        "ci:{id}:t:5:extra",
        "ci:" + "9" * 40 + ":t:1",
    ],
    ids=[
        "empty",
        "not-a-number",
        "unknown-id",
        "eleven",
        "letter",
        "unknown-question",
        "unknown-area",
        "another-persons",
        "extra-part",
        "huge-id",
    ],
)
async def test_forged_checkin_buttons_are_refused_politely(bot, data):
    await subscribed(bot)
    await subscribed(bot, OTHER_ID)
    await start_checkin(bot, OTHER_ID)
    tension = await start_checkin(bot)
    other = row(bot, user_id=OTHER_ID).id
    query = await bot.emu.press(
        USER_ID, tension["message_id"], data.format(id=row(bot).id, other=other), check=False
    )
    await bot.settle()
    assert bot.emu.callback_answers[query] is not None
    assert (row(bot).tension, row(bot).step) == (None, "tension")
    assert row(bot, user_id=OTHER_ID).tension is None


# --- back, edit, restart, abandoned -------------------------------------------------------------


async def test_back_corrects_the_last_answer_showing_what_was_said(bot):
    await subscribed(bot)
    await start_checkin(bot)
    pain = await bot.say("6")
    await bot.tap(pain, "« Back")
    tension = await bot.expect("tension")
    assert "Earlier you said: 6/10" in tension["text"]
    assert "« Back" not in buttons(tension)  # the first question has nothing before it
    await bot.tap(tension, "4")
    await bot.expect("pain")
    areas = await bot.say("2")
    await bot.tap(areas, "Lower back")
    await edited(bot, areas)
    await bot.tap(areas, "« Back")
    pain_again = await bot.expect("pain")
    assert "Earlier you said: 2/10" in pain_again["text"]
    areas_again = await bot.say("3")
    assert "✓ Lower back" in buttons(areas_again)
    assert (row(bot).tension, row(bot).pain) == (4, 3)


async def test_back_buttons_of_an_answered_question_do_nothing(bot):
    await subscribed(bot)
    await start_checkin(bot)
    pain = await bot.say("6")
    await bot.say("2")  # pain answered by typing; its keypad (with Back) is taken away
    query = await bot.emu.press(
        USER_ID, pain["message_id"], f"ci:{row(bot).id}:p:back", check=False
    )
    await bot.settle()
    assert "earlier message" in bot.emu.callback_answers[query]["text"]
    assert row(bot).step == "areas"


async def test_editing_todays_checkin_keeps_earlier_answers_in_view(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("6")
    areas = await bot.say("3")
    await bot.tap(areas, "Deep belly")
    await edited(bot, areas)
    await bot.tap(areas, "Done")
    await bot.expect("How did")
    await bot.say("partly")
    await bot.say("tired today")
    offer = await bot.say("/checkin")
    assert "already checked in today" in offer["text"] and "Tension: 6/10" in offer["text"]
    await bot.tap(offer, "Edit today's check-in")
    tension = await bot.expect("tension")
    assert "Earlier you said: 6/10" in tension["text"]
    assert row(bot).status == "open"
    await bot.tap(tension, "5")
    pain = await bot.expect("pain")
    assert "Earlier you said: 3/10" in pain["text"]
    areas = await bot.say("3")
    assert "✓ Deep belly" in buttons(areas)
    await bot.tap(areas, "Done")
    completion = await bot.expect("How did")
    assert "done in part" in completion["text"]
    await bot.tap(completion, "Did it all")
    note = await bot.expect("Anything")
    assert "Keep my note" in buttons(note)
    await bot.tap(note, "Keep my note")
    thanks = await bot.expect("Thank you")
    assert "tired today" in thanks["text"]
    saved = row(bot)
    assert (saved.tension, saved.pain, saved.completion, saved.note, saved.status) == (
        5,
        3,
        Completion.FULL,
        "tired today",
        "done",
    )
    assert len(bot.store.checkins(USER_ID)) == 1


async def test_leave_it_as_it_is_changes_nothing(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("6")
    await bot.tap(await bot.say("3"), "Nowhere")
    await bot.expect("How did")
    await bot.say("all")
    await bot.emu.send_text(USER_ID, "ok")
    await bot.expect("Thank you")
    offer = await bot.say("/checkin")
    await bot.tap(offer, "Leave it")
    assert "stays as it is" in (await bot.reply())["text"]
    assert row(bot).status == "done"


async def test_restart_mid_checkin_resumes_at_the_next_question(settings, emulator, clock):
    first = build_application(settings, clock=clock)
    async with polling(first, poll_timeout=1):
        bot = Harness(first, emulator, clock)
        await subscribed(bot)
        await start_checkin(bot)
        pain = await bot.say("7")
        assert "pain" in pain["text"]
    second = build_application(settings, clock=clock)
    async with polling(second, poll_timeout=1):
        bot = Harness(second, emulator, clock)
        await bot.tap(pain, "2")  # the keypad sent before the restart still works
        areas = await bot.expect("Where")
        await bot.tap(areas, "Nowhere")
        await bot.expect("How did")
    third = build_application(settings, clock=clock)
    async with polling(third, poll_timeout=1):
        bot = Harness(third, emulator, clock)
        assert "Anything" in (await bot.say("partly"))["text"]  # typed answers route too
        await bot.emu.send_text(USER_ID, "after the restart")
        await bot.expect("Thank you")
        saved = row(bot)
        assert (saved.tension, saved.pain, saved.areas, saved.note) == (
            7,
            2,
            (),
            "after the restart",
        )


async def test_abandoned_checkin_is_closed_as_partial_by_the_tick(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("6")
    bot.clock.set(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))  # 23:30 in Berlin: still today
    await bot.tick()
    assert row(bot).status == "open"
    bot.clock.set(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))  # midnight in Berlin
    await bot.tick()
    saved = row(bot)
    assert (saved.status, saved.tension, saved.step) == ("partial", 6, None)
    assert bot.store.subscriber(USER_ID).awaiting is None
    reply = await bot.say("4")  # yesterday's pain answer, a day late
    assert "/checkin" in reply["text"]
    assert row(bot).pain is None


async def test_abandoned_checkin_is_closed_when_the_person_comes_back(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("6")
    bot.clock.advance(timedelta(days=1))
    tension = await start_checkin(bot)
    assert "Earlier you said" not in tension["text"]  # a new day starts fresh
    assert row(bot).status == "partial"
    assert row(bot, TODAY + timedelta(days=1)).status == "open"


# --- from a finished session -------------------------------------------------------------------


async def test_checkin_after_a_session_shows_the_change_in_tension(bot):
    await subscribed(bot)
    session_id = add_session(bot, tension_before=6)
    await begin_checkin(context(bot), USER_ID, session_id=session_id)
    tension = await bot.expect("tension")
    await bot.tap(tension, "4")
    await bot.expect("pain")
    areas = await bot.say("1")
    await bot.tap(areas, "Nowhere")
    note = await bot.expect("Anything")  # "how did it go" is skipped: the session was finished
    await bot.tap(note, "« Back")
    areas = await bot.expect("Where")  # Back skips it too
    await bot.tap(areas, "Done")
    await bot.tap(await bot.expect("Anything"), "Skip")
    thanks = await bot.expect("Thank you")
    assert "Tension: 6 → 4 after today's practice" in thanks["text"]
    assert "went from 6 to 4 during today's practice" in thanks["text"]  # 2 points: real
    saved = row(bot)
    assert (saved.session_id, saved.tension_before, saved.completion) == (
        session_id,
        6,
        Completion.FULL,
    )


async def test_checkin_after_a_stopped_session_asks_how_it_went(bot):
    await subscribed(bot)
    session_id = add_session(bot, tension_before=7, status="stopped")
    await begin_checkin(context(bot), USER_ID, session_id=session_id)
    await bot.expect("tension")
    await bot.say("7")
    await bot.tap(await bot.say("5"), "Nowhere")
    completion = await bot.expect("How did")
    await bot.tap(completion, "Did part of it")
    await bot.tap(await bot.expect("Anything"), "Skip")
    thanks = await bot.expect("Thank you")
    assert "Tension: 7 → 7" in thanks["text"] and "done in part" in thanks["text"]
    assert row(bot).completion is Completion.PARTIAL


async def test_another_persons_session_id_is_not_linked(bot):
    await subscribed(bot)
    await subscribed(bot, OTHER_ID)
    session_id = add_session(bot, tension_before=7)  # USER_ID's session
    await begin_checkin(context(bot), OTHER_ID, session_id=session_id)
    await bot.expect("tension", OTHER_ID)
    theirs = row(bot, user_id=OTHER_ID)
    assert (theirs.session_id, theirs.tension_before, theirs.completion) == (None, None, None)


async def test_store_lists_checkins_oldest_first_with_practice_days(bot):
    await subscribed(bot)
    await start_checkin(bot)
    await bot.say("6")
    bot.clock.advance(timedelta(days=1))
    add_session(bot, tension_before=5, day=TODAY + timedelta(days=1))
    await start_checkin(bot)
    await bot.say("3")
    await bot.tap(await bot.say("2"), "Nowhere")
    await bot.expect("How did")
    first, second = bot.store.checkins(USER_ID)
    assert (first.local_date, first.tension, first.practised) == (TODAY, 6, False)
    assert (second.local_date, second.pain, second.areas, second.practised) == (
        TODAY + timedelta(days=1),
        2,
        (),
        True,
    )


async def test_an_answered_question_shows_the_answer_given_typed_or_tapped(bot):
    """UX 6: the old question kept its buttons' look; a typed "10/10" was not echoed."""
    await subscribed(bot)
    tension = await start_checkin(bot)
    await bot.emu.send_text(USER_ID, "10/10")
    pain = await bot.expect("pain")
    await bot.tap(pain, "3")
    await bot.expect("Where")
    await bot.settle()
    shown = {m["message_id"]: m for m in bot.emu.messages(USER_ID)}
    assert "Your answer: 10/10" in shown[tension["message_id"]]["text"]
    assert "Your answer: 3/10" in shown[pain["message_id"]]["text"]
    assert not shown[pain["message_id"]].get("reply_markup")
