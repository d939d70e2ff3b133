"""A crowded instant through the emulator: sends start early, every reminder goes once, none
before its bound (the window, the person's previous local day), and a time changed meanwhile
is respected."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import build_application
from bot.clock import ManualClock
from bot.config import Settings
from bot.sender import MAX_ATTEMPTS, Engine
from bot.store import Status
from emulator import Emulator
from tests.harness import Harness, running
from tests.store_rows import sent_at, set_columns

REMINDER = "Time for today's practice"
DUE = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # 23:00 in London, midnight in Berlin
WINDOW = timedelta(minutes=5)
BERLIN = range(70_000, 70_010)  # chose 00:00: their day starts at DUE, so nothing early
LONDON = range(70_100, 70_120)  # chose 23:00


@pytest.fixture
async def paced_emulator() -> AsyncIterator[Emulator]:
    emu = Emulator(rate_limits=True, overall_per_second=10)
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


@contextlib.asynccontextmanager
async def _running(settings: Settings, emu: Emulator, **changes) -> AsyncIterator[Harness]:
    clock = ManualClock(DUE - timedelta(minutes=10))
    settings = dataclasses.replace(
        settings,
        token=emu.token,
        api_url=emu.base_url,
        file_url=emu.base_file_url,
        max_per_second=10.0,
        early_window=WINDOW,
        **changes,
    )
    application = build_application(settings, clock=clock)
    async with running(application):
        yield Harness(application, emu, clock)


@pytest.fixture
async def paced(settings: Settings, paced_emulator: Emulator) -> AsyncIterator[Harness]:
    """A bot paced at 10 messages a second against an emulator that refuses an 11th."""
    async with _running(settings, paced_emulator) as bot:
        yield bot


def _subscribe(bot: Harness, people: range, zone: str, remind_at: str, due: datetime) -> None:
    for person in people:
        bot.emu.add_user(person)
        bot.store.ensure_subscriber(person, due - timedelta(days=1))
        set_columns(
            bot.store,
            person,
            due,
            status=Status.ACTIVE,
            zone=zone,
            remind_at=remind_at,
            next_due_utc=due,
        )


def _reminders(bot: Harness, person: int) -> list[dict]:
    return [m for m in bot.emu.messages(person) if REMINDER in (m.get("text") or "")]


async def _one_worker(bot: Harness) -> Engine:
    """The engine again with one worker, whose first send takes a while: a second row
    released with it waits, and a test changes that person meanwhile."""
    await bot.runtime.engine.stop()
    engine = Engine(bot.application, bot.runtime.engine.wiring, workers=1)
    engine.start()
    bot.runtime.engine = engine
    bot.emu.hang_next("sendMessage", 0.5)
    return engine


async def _tick_at(bot: Harness, moment: datetime) -> int:
    bot.clock.set(moment)
    report = await bot.runtime.engine.tick()
    await bot.runtime.engine.idle()
    return report.early


async def test_a_crowded_instant_starts_early_and_sends_each_reminder_once(paced):
    bot = paced
    _subscribe(bot, BERLIN, "Europe/Berlin", "00:00", DUE)
    _subscribe(bot, LONDON, "Europe/London", "23:00", DUE)
    # 30 due at ~9.7 a second: centred, sending starts ~1.5 s before the instant.
    assert await _tick_at(bot, DUE - timedelta(seconds=10)) == 0
    early = await _tick_at(bot, DUE - timedelta(seconds=1.5))
    assert 0 < early <= 20  # only so many ahead of the workers, and only Londoners
    for step in (1.0, 0.5, 0.1):
        early += await _tick_at(bot, DUE - timedelta(seconds=step))
    assert early == len(LONDON)
    await _tick_at(bot, DUE)

    for person in [*BERLIN, *LONDON]:
        assert len(_reminders(bot, person)) == 1, person
    assert bot.emu.stats["too_many_requests"] == 0
    for person in [*BERLIN, *LONDON]:
        [reminder] = [d for d in bot.store.deliveries(person) if d.kind == "reminder"]
        sent = sent_at(bot.store, reminder)
        assert reminder.status == "sent" and sent is not None
        assert sent >= DUE - WINDOW
        if person in BERLIN:  # never before their previous local day ends
            assert (reminder.local_date, sent >= DUE) == (date(2026, 11, 24), True)
        else:
            assert (reminder.local_date, sent < DUE) == (date(2026, 11, 23), True)
    assert bot.store.subscriber(LONDON[0]).next_due_utc == DUE + timedelta(days=1)


async def test_nothing_goes_before_the_configured_window(paced):
    """2,005 due would start ~103 s early at 9.7 a second; with a one-minute window nothing
    leaves before one minute ahead, however many are due."""
    bot = paced
    window = timedelta(minutes=1)
    bot.runtime.settings = dataclasses.replace(bot.runtime.settings, early_window=window)
    _subscribe(bot, range(71_000, 71_005), "Europe/London", "23:00", DUE)
    with bot.store.atomic():  # a crowd due at the same instant, counted but never sent
        for chat_id in range(72_000, 74_000):
            bot.store.ensure_subscriber(chat_id, DUE)
            set_columns(bot.store,
                chat_id, DUE, status=Status.STOPPED, zone="Europe/London", remind_at="23:00",
                next_due_utc=DUE,
            )  # fmt: skip
    assert await _tick_at(bot, DUE - window - timedelta(seconds=1)) == 0
    assert not any(
        bot.store.deliveries(p) for p in [*range(71_000, 71_005), *range(72_000, 74_000)]
    )
    # Open from the window's edge: only active people are released.
    assert await _tick_at(bot, DUE - window) == 5
    assert all(len(_reminders(bot, p)) == 1 for p in range(71_000, 71_005))


async def test_a_time_changed_after_an_early_release_goes_out_at_the_new_time(paced):
    bot = paced
    first, changed = 75_000, 75_001
    _subscribe(bot, range(first, first + 2), "Europe/London", "23:00", DUE)
    engine = await _one_worker(bot)
    bot.clock.set(DUE - timedelta(seconds=0.05))  # two due at 9.7/s: ~0.1 s early
    report = await engine.tick()
    assert report.early == 2
    # While it waits, the second person moves their time to 23:30 (as /settings does).
    set_columns(
        bot.store, changed, bot.clock.now(), remind_at="23:30", next_due_utc=DUE + timedelta(days=1)
    )
    await engine.idle()
    assert len(_reminders(bot, first)) == 1
    assert _reminders(bot, changed) == []
    assert bot.store.subscriber(changed).next_due_utc == DUE + timedelta(minutes=30)

    await _tick_at(bot, DUE + timedelta(minutes=30))
    assert len(_reminders(bot, changed)) == 1
    [row] = [d for d in bot.store.deliveries(changed) if d.kind == "reminder"]
    assert (row.status, row.local_date) == ("sent", date(2026, 11, 23))
    assert row.due_utc == DUE + timedelta(minutes=30)


async def test_a_pause_after_an_early_release_is_respected(paced):
    bot = paced
    person = 76_000
    _subscribe(bot, range(person, person + 2), "Europe/London", "23:00", DUE)
    engine = await _one_worker(bot)
    bot.clock.set(DUE - timedelta(seconds=0.05))  # two due at 9.7/s: ~0.1 s early
    assert (await engine.tick()).early == 2
    set_columns(bot.store, person + 1, bot.clock.now(), status=Status.PAUSED,
                                paused_until=None, next_due_utc=None)  # fmt: skip
    await engine.idle()
    assert _reminders(bot, person + 1) == []
    [row] = [d for d in bot.store.deliveries(person + 1) if d.kind == "reminder"]
    assert row.status == "skipped"


@pytest.mark.parametrize(("cap", "most_paid"), [(10_000, 200), (100, 100)], ids=["no-cap", "cap"])
async def test_paid_broadcasts_carry_a_crowded_instant_above_the_free_rate(
    settings, cap, most_paid
):
    """Opt-in: sends the free rate cannot take go out with allow_paid_broadcast, paced to the
    paid limit (here 100 a second; Telegram's is 1,000), never more than the day's cap.

    Nothing here reads the wall clock: at ~97 sends a second a loaded machine cannot keep up,
    so how many went paid, how long it took, and whether the in-process emulator saw a
    request late (its loop lagging: the requests after it then arrive bunched, and one is
    refused) depend on the machine. What does not: the paid lane is used while a crowd
    waits, never past the cap, the engine's count is the emulator's, and every reminder
    goes exactly once (a refused one is retried, never lost or doubled)."""
    emu = Emulator(rate_limits=True, overall_per_second=10, paid_per_second=100)
    await emu.start()
    try:
        async with _running(settings, emu, paid_broadcast=True, paid_per_second=100.0,
                            paid_daily_cap=cap) as bot:  # fmt: skip
            people = range(77_000, 77_200)
            _subscribe(bot, people, "Europe/London", "23:00", DUE)
            engine = bot.runtime.engine
            assert engine.send_rate() == pytest.approx(100 / 1.03)
            await _tick_at(bot, DUE - timedelta(seconds=1.0))  # 200 at ~97/s: ~1 s early
            await _tick_at(bot, DUE)
            for _ in range(MAX_ATTEMPTS):  # a refused send is retried once its wait is over
                if all(d.status != "pending" for p in people for d in bot.store.deliveries(p)):
                    break
                await _tick_at(bot, bot.clock.now() + timedelta(seconds=30))
            assert all(len(_reminders(bot, p)) == 1 for p in people)
            assert engine.failed == 0
            paid = emu.stats["paid_sent"]
            assert engine.paid_day[1] == paid
            assert 0 < paid <= most_paid
    finally:
        await emu.stop()


async def test_paid_broadcasts_stay_off_unless_chosen(paced):
    assert paced.runtime.engine.send_rate() == pytest.approx(10 / 1.03)
    assert paced.application.bot.rate_limiter.paid_lane is None
