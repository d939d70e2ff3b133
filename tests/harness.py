"""The test harness: a running bot with handles on what tests poke at, and the steps a person
takes (subscribing), shared by the flow tests. Fixtures live in conftest.py; this module holds
what tests import by name."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ADDED,
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    EVENT_SCHEDULER_STARTED,
    JobEvent,
    SchedulerEvent,
)
from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING, STATE_STOPPED
from telegram.ext import Application, JobQueue

from bot import i18n, texts
from bot.app import polling
from bot.clock import ManualClock
from bot.runtime import Runtime
from bot.store import Store
from emulator import Emulator

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
ADMIN_ID = 900_001
USER_ID = 4242


def opening(key: str) -> str:
    """The first line of message `key` in English, up to its first placeholder, as a person
    reads it (tags gone, entities decoded). Tests look for a message by its key, so a copy
    edit in bot/texts changes what they look for instead of breaking them."""
    with i18n.use_language("en"):
        template = texts.template(key)
    head = template.split("{", 1)[0].split("\n", 1)[0]
    words = html.unescape(re.sub(r"<[^>]*>", "", head)).strip()
    if not words:  # "" is in every message: a test looking for it could never fail
        raise ValueError(f"message {key!r} opens with a placeholder; look for other words")
    return words


# Generous: on a loaded 2-core CI machine a start-up has taken over 10 s.
FIRST_TICK_TIMEOUT = 60.0

# What the first tick's wait listens to: its end (any of the three) and, for the message when
# it never comes, the steps before it.
_JOB_EVENTS = {
    EVENT_JOB_ADDED: "added",
    EVENT_JOB_SUBMITTED: "submitted",
    EVENT_JOB_MAX_INSTANCES: "skipped: already running",
    EVENT_JOB_EXECUTED: "executed",
    EVENT_JOB_ERROR: "raised",
    EVENT_JOB_MISSED: "missed",
}
_TICK_OVER = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
_SCHEDULER_STATES = {STATE_STOPPED: "stopped", STATE_RUNNING: "running", STATE_PAUSED: "paused"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _awaiting(coro: Any) -> list[str]:
    """Where a suspended coroutine waits, outermost first: Task.get_stack gives one frame."""
    where = []
    while (frame := getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)) is not None:
        where.append(f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    if coro is not None:
        where.append(repr(coro))  # the future or lock it waits on
    return where


class FirstTickTimeout(AssertionError):
    """The engine's first tick never reported; the message says how far it got."""


class FirstTick:
    """Waits for the scheduler to report the end of the first "tick" job, keeping what it saw
    on the way, so a wait that runs out says where the tick stopped instead of a bare
    TimeoutError."""

    def __init__(self, job_queue: JobQueue) -> None:
        self.job_queue = job_queue
        self.over = asyncio.Event()
        self.seen: list[str] = []

    def _is_tick(self, job_id: str) -> bool:
        return job_id in {job.id for job in self.job_queue.get_jobs_by_name("tick")}

    def on_event(self, event: SchedulerEvent) -> None:
        if event.code == EVENT_SCHEDULER_STARTED:
            self.seen.append(f"scheduler started {_now()}")
            return
        if not isinstance(event, JobEvent) or not self._is_tick(event.job_id):
            return
        self.seen.append(f"tick {_JOB_EVENTS[event.code]} {_now()}")
        if event.code & _TICK_OVER:
            self.over.set()

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self.over.wait(), timeout)
        except TimeoutError:
            raise FirstTickTimeout(self.describe(timeout)) from None

    def describe(self, timeout: float) -> str:
        scheduler = self.job_queue.scheduler
        lines = [
            f"the engine's first tick did not report (executed, raised or missed) in {timeout} s",
            f"scheduler: {_SCHEDULER_STATES.get(scheduler.state, scheduler.state)}",
            f"events: {'; '.join(self.seen) or 'none'}",
            f"now: {_now()}",
        ]
        jobs = self.job_queue.get_jobs_by_name("tick")
        if not jobs:
            lines.append("no job named 'tick' (post_init did not schedule it?)")
        for job in jobs:
            trigger = job.job.trigger
            lines.append(
                f"tick job: first asked for {getattr(trigger, 'start_date', '?')}, "
                f"next run {job.job.next_run_time}, trigger {trigger}"
            )
        for task in asyncio.all_tasks():  # a tick that started and hangs: where it waits
            # PTB runs a job's callback in its own task (Job.run shields Job._run).
            coro = task.get_coro()
            frame = getattr(coro, "cr_frame", None)
            its_job = frame.f_locals.get("self") if frame is not None else None
            if getattr(coro, "__qualname__", "") == "Job._run" and its_job in jobs:
                lines.append(
                    "the tick still running, waiting at:\n    " + "\n    ".join(_awaiting(coro))
                )
        return "\n  ".join(lines)


@asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """The application polling, once its first engine tick is over.

    The scheduler runs that tick ~0.1 s after start-up, which under load has landed in the
    middle of a test (after a broadcast was queued: it sent the rows before the test put a
    person on hold). Tests drive every later tick by hand, so they start after this one. A
    first tick that never reports fails with FirstTickTimeout, saying how far it got."""
    job_queue = application.job_queue
    assert job_queue is not None, "installed with python-telegram-bot[job-queue]"
    first_tick = FirstTick(job_queue)
    scheduler = job_queue.scheduler
    scheduler.add_listener(first_tick.on_event, EVENT_SCHEDULER_STARTED | sum(_JOB_EVENTS))
    try:
        async with polling(application, poll_timeout=1):
            await first_tick.wait(FIRST_TICK_TIMEOUT)
            yield application
    finally:
        scheduler.remove_listener(first_tick.on_event)


class Harness:
    """A running bot plus handles on what tests poke at."""

    def __init__(self, application: Application, emulator: Emulator, clock: ManualClock) -> None:
        self.application = application
        self.emu = emulator
        self.clock = clock

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data["runtime"]

    @property
    def store(self) -> Store:
        return self.runtime.store

    async def tick(self) -> None:
        """One scheduler tick, then wait until every queued send is done."""
        await self.runtime.engine.tick()
        await self.runtime.engine.idle()

    async def say(self, text: str, user_id: int = USER_ID) -> dict:
        """Sends text as the person and returns the bot's next new message."""
        await self.emu.send_text(user_id, text)
        return await self.emu.next_message(user_id)

    async def tap(self, message: dict, label: str | int, user_id: int = USER_ID) -> None:
        await self.emu.press_button(user_id, message, label)

    async def reply(self, user_id: int = USER_ID) -> dict:
        return await self.emu.next_message(user_id)

    async def expect(self, fragment: str, user_id: int = USER_ID) -> dict:
        """The next bot message containing `fragment`, skipping any others before it."""
        while True:
            message = await self.emu.next_message(user_id)
            if fragment in (message.get("text") or message.get("caption") or ""):
                return message

    async def settle(self, user_id: int = USER_ID) -> list[dict]:
        """A barrier: one person's updates are handled in order, so once a /help sent now is
        answered, everything sent before it is done. Returns the messages that came first."""
        await self.emu.send_text(user_id, "/help")
        before = []
        while True:
            message = await self.emu.next_message(user_id)
            if opening("help") in (message.get("text") or ""):
                return before
            before.append(message)


def buttons(message: dict) -> list[str]:
    """The visible labels of a message's inline keyboard, in order."""
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


async def subscribe(
    bot: Harness, user_id: int = USER_ID, city: str = "Berlin", time_label: str = "07:30"
) -> list[dict]:
    """Goes through /start, the zone question and a time button; returns what followed
    "All set" (e.g. the safety screen), once the bot has finished answering."""
    await bot.emu.send_text(user_id, "/start")
    await bot.expect("time zone", user_id)  # the zone question, or a welcome back naming it
    await bot.emu.send_text(user_id, city)
    ask_time = await bot.expect(opening("ask_time"), user_id)
    await bot.emu.press_button(user_id, ask_time, time_label)
    await bot.expect(opening("subscribed"), user_id)
    after = await bot.settle(user_id)
    bot.emu.drain_edits(user_id)  # the answered time picker losing its buttons
    return after
