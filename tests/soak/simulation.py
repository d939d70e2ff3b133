"""The simulation: the people, the ledger of what they did, and the days (fan-out with faults
on, then the people act)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.harness import Harness
from tests.soak.ledger import Ledger
from tests.soak.people import Person
from tests.soak.scenario import (
    ANSWER_FAILURES,
    AT_ONCE,
    BAD_GATEWAYS,
    BLOCKING,
    DAYS,
    FIRST_DAY,
    PEOPLE,
    PLANS,
    RATIO_429,
    SLOTS,
    ZONES,
)
from tests.store_rows import fetch_one


class Soak:
    """The people, the ledger of what they did, and the days: fan-out, then the people act."""

    def __init__(self, bot: Harness) -> None:
        self.bot, self.emu, self.store = bot, bot.emu, bot.store
        self.ledger = Ledger()
        self.people = [Person(self, 30_000 + n, *ZONES[n % len(ZONES)]) for n in range(PEOPLE)]
        self.rng = random.Random(2026)
        self.gate = asyncio.Semaphore(AT_ONCE)

    async def each(self, act: Callable[..., Any], *arguments) -> list:
        """`act` for every item (zipped over the argument lists), AT_ONCE at a time."""

        async def gated(*args):
            async with self.gate:
                return await act(*args)

        return await asyncio.gather(*(gated(*args) for args in zip(*arguments, strict=True)))

    async def subscribe(self, person: Person) -> None:
        await person.type("/start")
        await person.until(lambda: person.said("time zone", 0), "the zone question")
        await person.type(person.zone)
        await person.until(lambda: person.said("What time", 0), "the time question")
        await person.type(person.remind_at)
        await person.until(lambda: person.find("sf:no"), "the safety screen")
        await person.answer_waiting_screens()

    async def fan_out(self, seed: int) -> None:
        """A reminder tick with 429s on a share of sends and a few 502s; retries follow as
        the clock moves on a little (the engine waits before trying a failed send again)."""
        self.emu.fail_ratio("sendMessage", 429, RATIO_429, retry_after=1, seed=seed)
        self.emu.fail_next("sendMessage", 502, times=BAD_GATEWAYS)
        await self.bot.tick()
        self.emu.fail_ratio("sendMessage", 429, 0)
        for _ in range(8):
            if not fetch_one(
                self.store, "SELECT 1 FROM deliveries WHERE status = 'pending' LIMIT 1"
            ):
                break
            self.bot.clock.advance(timedelta(seconds=40))
            await self.bot.tick()

    def awake(self) -> Person:
        return next(p for p in self.people if p.chat_id not in self.ledger.blocked_on)

    async def slot(self, day: date, at: datetime, people: list[Person]) -> None:
        # The bot finishes what the last slot set off first (a safety screen can follow a
        # thank-you), so the faults armed below meet only this slot's sends.
        await self.bot.settle(self.awake().chat_id)
        self.bot.clock.set(at)
        marks = {
            p.chat_id: (p.messages()[:1] or [{"message_id": 0}])[0]["message_id"] for p in people
        }
        await self.fan_out(seed=at.toordinal() * 10 + at.hour)
        self.emu.fail_ratio("answerCallbackQuery", 502, ANSWER_FAILURES, seed=at.hour + day.day)
        plans = {}
        for person in people:
            if person.chat_id in self.ledger.blocked_on:
                continue
            await person.answer_waiting_screens()
            reminder = person.reminder(marks[person.chat_id])
            [plan] = person.rng.choices(list(PLANS), list(PLANS.values()))
            if reminder is None and plan in ("practice", "skip"):
                plan = "checkin"  # no reminder to tap: they open the check-in themselves
            plans[person] = (plan, reminder)
        # One person loses a message in the middle of their check-in (run alone, so the one
        # 502 is theirs), and carries on with /checkin.
        drilled = next((p for p, (plan, _) in plans.items() if plan == "checkin"), None)
        if drilled is not None:
            await drilled.type("/checkin")
            await drilled.check_in(day, marks[drilled.chat_id], practised=False, drill=True)

        async def first_half(person: Person) -> tuple[int, dict] | None:
            plan, reminder = plans[person]
            if plan == "skip":
                await person.skip(reminder)
                self.ledger.skips.add((person.chat_id, day))
            elif plan == "checkin" and person is not drilled:
                mark = person.messages()[0]["message_id"] if person.messages() else 0
                await person.type("/checkin")
                await person.check_in(day, mark, practised=False)
            elif plan == "practice":
                return await person.practise_to_the_timer(reminder)
            return None

        started = await self.each(first_half, list(plans))
        self.bot.clock.advance(timedelta(minutes=5, seconds=1))
        await self.bot.tick()  # every 5-minute timer is up

        async def second_half(person: Person, session: int, step: dict) -> None:
            after = await person.finish_practice(session, step, day)
            await person.check_in(day, after, practised=True)

        going = [(p, *s) for p, s in zip(plans, started, strict=True) if s is not None]
        if going:
            await self.each(second_half, *zip(*going, strict=True))
        self.emu.fail_ratio("answerCallbackQuery", 502, 0)

    async def run(self) -> None:
        await self.each(self.subscribe, self.people)
        blocking = self.rng.sample(self.people, BLOCKING)
        for offset in range(DAYS):
            day = FIRST_DAY + timedelta(days=offset)
            if offset == 1:
                for person in blocking:
                    self.emu.block(person.chat_id)
                    self.ledger.blocked_on[person.chat_id] = day
            if offset % 3 == 1:
                self.emu.fail_next("getUpdates", 502)  # the bot backs off and polls again
            for slot in SLOTS:
                at = datetime.combine(day, datetime.min.time(), UTC) + slot
                here = [p for p in self.people if self.due_in(p, at)]
                await self.slot(day, at, here)
        await self.bot.settle(self.awake().chat_id)

    def due_in(self, person: Person, at: datetime) -> bool:
        local = at.astimezone(ZoneInfo(person.zone)).strftime("%H:%M")
        return local == person.remind_at
