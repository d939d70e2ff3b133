"""What a busy bot does not repeat on every update (issue 20, bench/updates.py), and that the
work left out changes nothing a person sees or has stored.

The SQL an update runs is read from sqlite3's own trace of the store's connection: the
statements as SQLite ran them, nothing of ours replaced.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from telegram.ext import CallbackQueryHandler

from bot.app import build_application
from bot.buttons import CheckinButton, PracticeButton
from bot.models import BodyArea, Completion
from bot.store import CheckinStatus, DeliveryStatus, SessionKind, SessionStatus, Status, Store
from tests.harness import USER_ID, Harness
from tests.test_flow_checkin import TODAY, row, start_checkin, subscribed

CLOSE_ABANDONED = "status = 'partial', step = NULL"  # the sweep's UPDATE


@contextmanager
def statements(store: Store) -> Iterator[list[str]]:
    """The SQL statements the store runs meanwhile, as run (values filled in)."""
    run: list[str] = []
    store.db.conn.set_trace_callback(run.append)
    try:
        yield run
    finally:
        store.db.conn.set_trace_callback(None)


def sweeps(run: list[str]) -> int:
    return sum(CLOSE_ABANDONED in sql for sql in run)


async def test_abandoned_checkins_are_swept_on_a_persons_first_update_of_the_day_only(
    bot: Harness,
):
    """Each check-in update asked whether an earlier day's check-in was left open, in a
    transaction of its own. A check-in is only opened for the person's today, so once a sweep
    found none, none can appear before their date moves on."""
    await subscribed(bot)
    await start_checkin(bot)
    with statements(bot.store) as run:
        assert "pain" in (await bot.say("6"))["text"]
        await bot.settle()
    assert sweeps(run) == 0
    assert row(bot).tension == 6

    bot.clock.advance(timedelta(days=1))
    with statements(bot.store) as run:
        await start_checkin(bot)  # the first update of the new day: yesterday's is closed
        await bot.settle()
    assert sweeps(run) >= 1
    yesterday = row(bot)
    assert (yesterday.status, yesterday.tension, yesterday.step) == ("partial", 6, None)

    with statements(bot.store) as run:
        assert "pain" in (await bot.say("5"))["text"]
        await bot.settle()
    assert sweeps(run) == 0
    assert row(bot, TODAY + timedelta(days=1)).tension == 5


async def test_a_check_in_left_open_is_closed_when_the_person_comes_back_a_day_later(
    bot: Harness,
):
    """The remembered "none left open" is for one local date: the next day's first typed
    answer to yesterday's question closes it and says so, as before."""
    await subscribed(bot)
    await start_checkin(bot)
    assert "pain" in (await bot.say("6"))["text"]
    bot.clock.advance(timedelta(days=1))
    reply = await bot.say("4")  # yesterday's pain question, answered a day late
    assert "/checkin" in reply["text"]
    saved = row(bot)
    assert (saved.status, saved.pain) == ("partial", None)
    assert bot.store.subscriber(USER_ID).awaiting is None


def test_check_in_and_practice_buttons_are_tried_before_the_other_families(settings):
    """PTB tries a group's handlers one by one until one matches (a regex each): the busiest
    families come right after /help and "more" (which answers a button with empty data), and
    each of their buttons still reaches its own handler."""
    from bot.flows import checkin, practice_session

    handlers = build_application(settings).handlers[0]
    taps = [
        (CheckinButton(12, "t", "5").pack(), checkin.rating_pressed, 10),
        (CheckinButton(12, "a", "none").pack(), checkin.areas_pressed, 10),
        (PracticeButton("next", 7, "1").pack(), practice_session.next_pressed, 40),
    ]
    for data, callback, within in taps:
        tried = next(
            index
            for index, handler in enumerate(handlers)
            if isinstance(handler, CallbackQueryHandler)
            and handler.pattern is not None
            and re.match(handler.pattern, data)
        )
        assert handlers[tried].callback is callback, data
        assert tried < within, (data, tried)


async def test_typed_answers_read_without_query_savepoints(bot: Harness):
    """sqlite-utils' query() wraps each SELECT in a savepoint (two statements more); the reads
    of a typed answer (the keyboards it closes) and of a pain answer (the recent pains) use a
    plain cursor, and still find what they look for."""
    await subscribed(bot)
    tension = await start_checkin(bot)
    with statements(bot.store) as run:
        assert "pain" in (await bot.say("6"))["text"]
        assert "Where" in (await bot.say("2"))["text"]
        await bot.settle()
    assert not [sql for sql in run if "SAVEPOINT" in sql]
    assert bot.store.keyboard_state(USER_ID, tension["message_id"]) is False  # closed
    assert (row(bot).tension, row(bot).pain) == (6, 2)


def test_english_messages_are_what_englishs_catalog_would_give():
    """gettext answers English from the source text without asking babel: the same text as
    English's (empty) catalog, for every message."""
    from bot import i18n, texts

    with i18n.use_language("en"):
        for key, english in texts.MESSAGES.items():
            if isinstance(english, texts.Plural):
                continue
            domain = texts.DOMAIN_OF[key]
            expected = str(i18n.translations("en", domain).pgettext(key, english))
            assert i18n.gettext(domain, key, english) == expected == english, key


@pytest.mark.parametrize(
    "enum",
    [Status, SessionKind, SessionStatus, DeliveryStatus, CheckinStatus, Completion, BodyArea],
    ids=lambda enum: enum.__name__,
)
def test_stored_text_reads_as_the_enums_own_call_would(enum):
    """Rows convert stored text to members by a dict (an Enum call costs ten times more):
    every member reads as the Enum gives it, and unknown text still raises its ValueError."""
    from bot.store.records import _member

    for member in enum:
        assert _member(enum, member.value) is enum(member.value)
    with pytest.raises(ValueError, match="is not a valid"):
        _member(enum, "no-such-value")


def test_a_check_in_row_keeps_only_the_body_areas_still_known(tmp_path):
    """Areas stored before one was renamed read back without it, in the stored order."""
    store = Store(tmp_path / "bot.db")
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    store.ensure_subscriber(USER_ID, now)
    checkin = store.open_checkin(USER_ID, TODAY, now, step="tension")
    stored = ["lower_back", "gone_area", "hip_front_left"]
    store.save_answer(checkin.id, now, step=None, areas=stored)
    assert store.checkin(checkin.id).areas == (BodyArea.LOWER_BACK, BodyArea.HIP_FRONT_LEFT)
    store.close()


def test_the_awaited_step_reads_alone_as_in_the_whole_row(tmp_path):
    """After a typed answer the router reads only `awaiting` to see whether it was taken;
    set_awaiting writes it and its data in one fixed statement."""
    store = Store(tmp_path / "bot.db")
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert store.awaiting_step(USER_ID) is None  # nobody yet
    store.ensure_subscriber(USER_ID, now)
    assert store.awaiting_step(USER_ID) is None
    store.set_awaiting(USER_ID, now, "checkin_pain", {"id": 3})
    assert store.awaiting_step(USER_ID) == "checkin_pain" == store.subscriber(USER_ID).awaiting
    assert store.subscriber(USER_ID).awaiting_data == {"id": 3}
    store.set_awaiting(USER_ID, now, None)
    assert store.awaiting_step(USER_ID) is None
    assert store.subscriber(USER_ID).awaiting_data == {}
    store.close()


def test_an_answer_saved_comes_back_as_a_read_would_give_it(tmp_path):
    """save_answer returns the check-in from its own UPDATE ... RETURNING: the same row a
    read after it gives (session_done included), and None once the check-in is gone."""
    from tests import factories

    store = Store(tmp_path / "bot.db")
    now = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    store.ensure_subscriber(USER_ID, now)
    session = factories.add_session(store, USER_ID, TODAY, now, tension_before=6, status="done")
    checkin = store.open_checkin(USER_ID, TODAY, now, step="tension", session_id=session.id)
    saved = store.save_answer(checkin.id, now, step="pain", tension=4)
    assert saved is not None and saved.session_done and saved.tension == 4
    assert saved == store.checkin(checkin.id)
    saved = store.save_answer(checkin.id, now, step=None, areas=["lower_back"])
    assert saved == store.checkin(checkin.id)
    assert (saved.step, saved.areas) == ("pain", (BodyArea.LOWER_BACK,))
    assert store.save_answer(checkin.id + 1, now, step=None, note="x") is None
    store.close()


def reads(run: list[str], table: str) -> int:
    """Whole-row reads of `table` (the check-in's read names its alias)."""
    prefix = {"subscribers": "SELECT * FROM subscribers", "checkins": "SELECT c.*,"}[table]
    return sum(sql.startswith(prefix) for sql in run)


async def test_each_check_in_step_reads_the_person_and_the_check_in_at_most_once(bot: Harness):
    """A row read once in an update is passed on, not read again, and a row written comes
    back from its write: /checkin, a tapped answer, a typed one, Nowhere, "Edit today's"."""
    await subscribed(bot)
    steps = []
    await bot.settle()  # the update before has finished its writes
    with statements(bot.store) as run:
        tension = await start_checkin(bot)
    steps.append(("/checkin", run))
    await bot.settle()  # the update before has finished its writes
    with statements(bot.store) as run:
        await bot.tap(tension, "4")
        await bot.expect("pain")
    steps.append(("tap", run))
    await bot.settle()  # the update before has finished its writes
    with statements(bot.store) as run:
        areas = await bot.say("2")
    steps.append(("typed", run))
    await bot.settle()  # the update before has finished its writes
    with statements(bot.store) as run:
        await bot.tap(areas, "Nowhere")
        completion = await bot.expect("How did today's practice go")
    steps.append(("nowhere", run))
    await bot.tap(completion, "Did it all")
    await bot.tap(await bot.expect("Anything"), "Skip")
    await bot.expect("Thank you")
    await bot.settle()  # the update before has finished its writes
    with statements(bot.store) as run:
        await bot.emu.send_text(USER_ID, "/checkin")
        offer = await bot.expect("already")
    steps.append(("/checkin again", run))
    await bot.settle()  # the update before has finished its writes
    with statements(bot.store) as run:
        await bot.tap(offer, "Edit today's")
        await bot.expect("tension")
    steps.append(("edit", run))
    for name, run in steps:
        assert reads(run, "subscribers") <= 1, name
        # Opening one (/checkin, "Edit today's") reads today's once more inside open_checkin's
        # transaction (one row a day); the row it writes comes back from the write itself.
        assert reads(run, "checkins") <= (2 if name in ("/checkin", "edit") else 1), name
    assert row(bot).status == "open" and row(bot).tension == 4
