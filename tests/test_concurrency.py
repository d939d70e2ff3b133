"""PerChatUpdateProcessor: other chats run at once, one chat's updates strictly in order."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User
from telegram.ext import ApplicationBuilder, MessageHandler, filters

from bot.concurrency import PerChatUpdateProcessor
from emulator import Emulator


def update(update_id: int, chat_id: int | None, text: str = "x") -> Update:
    if chat_id is None:  # an update with neither chat nor user: nothing to keep in order
        return Update(update_id)
    chat = Chat(id=chat_id, type=Chat.PRIVATE)
    user = User(id=chat_id, first_name="Ann", is_bot=False)
    message = Message(update_id, datetime.now(UTC), chat, from_user=user, text=text)
    return Update(update_id, message=message)


class Recorder:
    """Handlers that sleep a random while and record when each update starts and ends."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.events: list[tuple[str, int | None, int]] = []
        self.running = 0
        self.most_running = 0

    async def handle(self, upd: Update) -> None:
        chat = upd.effective_chat.id if upd.effective_chat else None
        self.events.append(("start", chat, upd.update_id))
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        for _ in range(self.rng.randint(0, 3)):
            await asyncio.sleep(self.rng.random() / 500)
        self.running -= 1
        self.events.append(("end", chat, upd.update_id))

    def order(self, chat: int, kind: str = "start") -> list[int]:
        return [uid for k, c, uid in self.events if k == kind and c == chat]


async def feed(processor: PerChatUpdateProcessor, recorder: Recorder, updates: list[Update]):
    """As PTB does it: one task per update, created in the order they were fetched."""
    tasks = [asyncio.create_task(processor.process_update(u, recorder.handle(u))) for u in updates]
    await asyncio.gather(*tasks)


async def test_each_chats_updates_start_in_the_order_they_arrived():
    processor = PerChatUpdateProcessor(16)
    recorder = Recorder()
    chats = [101, 102, 103, 104]
    updates = [update(n, chats[n % 4]) for n in range(1, 201)]
    await feed(processor, recorder, updates)
    for chat in chats:
        sent = [u.update_id for u in updates if u.effective_chat.id == chat]
        assert recorder.order(chat, "start") == sent
        assert recorder.order(chat, "end") == sent


async def test_an_update_starts_only_after_the_previous_one_of_its_chat_ended():
    processor = PerChatUpdateProcessor(16)
    recorder = Recorder(seed=2)
    updates = [update(n, 100 + n % 3) for n in range(1, 91)]
    await feed(processor, recorder, updates)
    open_per_chat: dict[int, int] = {}
    for kind, chat, _ in recorder.events:
        open_per_chat[chat] = open_per_chat.get(chat, 0) + (1 if kind == "start" else -1)
        assert open_per_chat[chat] in (0, 1), "two updates of one chat ran at once"


async def test_different_chats_run_at_the_same_time_within_the_limit():
    processor = PerChatUpdateProcessor(4)
    recorder = Recorder(seed=3)
    updates = [update(n, 1000 + n) for n in range(1, 41)]  # forty different chats
    await feed(processor, recorder, updates)
    assert recorder.most_running == 4
    assert processor.chats_in_progress == 0


async def test_updates_without_a_chat_are_not_held_back():
    processor = PerChatUpdateProcessor(8)
    recorder = Recorder(seed=4)
    updates = [update(n, None) for n in range(1, 9)]
    await feed(processor, recorder, updates)
    assert len([e for e in recorder.events if e[0] == "end"]) == 8
    assert recorder.most_running > 1


async def test_a_cancelled_waiting_update_does_not_let_the_next_one_jump_ahead():
    processor = PerChatUpdateProcessor(8)
    first_started, first_may_finish = asyncio.Event(), asyncio.Event()
    log: list[str] = []

    async def slow(name: str) -> None:
        log.append(f"{name} start")
        first_started.set()
        await first_may_finish.wait()
        log.append(f"{name} end")

    async def quick(name: str) -> None:
        log.append(f"{name} start")

    first = asyncio.create_task(processor.process_update(update(1, 7), slow("first")))
    second = asyncio.create_task(processor.process_update(update(2, 7), quick("second")))
    third = asyncio.create_task(processor.process_update(update(3, 7), quick("third")))
    await asyncio.wait_for(first_started.wait(), 5)
    second.cancel()
    await asyncio.wait([second], timeout=5)  # the cancellation is through
    assert second.cancelled()
    assert log == ["first start"], "the third must still wait for the first"
    first_may_finish.set()
    await asyncio.gather(first, third)
    with pytest.raises(asyncio.CancelledError):
        await second
    assert log == ["first start", "first end", "third start"]
    assert processor.chats_in_progress == 0


def test_the_limit_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        PerChatUpdateProcessor(0)


async def test_a_real_application_keeps_each_persons_messages_in_order():
    """Through getUpdates and PTB's Application: 5 people, 30 quick messages each."""
    received: dict[int, list[int]] = {}
    rng = random.Random(5)

    async def record(upd: Update, context) -> None:
        await asyncio.sleep(rng.random() / 200)  # handlers of other people interleave
        received.setdefault(upd.effective_chat.id, []).append(int(upd.message.text))

    emulator = Emulator()
    await emulator.start()
    try:
        application = (
            ApplicationBuilder()
            .token(emulator.token)
            .base_url(emulator.base_url)
            .concurrent_updates(PerChatUpdateProcessor(8))
            .build()
        )
        application.add_handler(MessageHandler(filters.TEXT, record))
        people = range(500, 505)
        async with application:
            await application.updater.start_polling(poll_interval=0, timeout=1)
            await application.start()
            for n in range(30):
                for person in people:
                    await emulator.send_text(person, str(n))
            await emulator.wait_until(
                lambda: sum(len(v) for v in received.values()) == 150, timeout=10
            )
            await application.updater.stop()
            await application.stop()
        assert application.concurrent_updates == 8
        for person in people:
            assert received[person] == list(range(30))
    finally:
        await emulator.stop()
