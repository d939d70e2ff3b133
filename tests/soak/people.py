"""One simulated person: reads the bot's newest messages and buttons and answers like a
person, with taps or typed text."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.models import BodyArea
from tests.soak.ledger import Answers
from tests.soak.scenario import NOTES, TYPED_COMPLETION, WAIT, WENT_WRONG

if TYPE_CHECKING:
    from tests.soak.simulation import Soak


def buttons_of(message: dict) -> list[dict]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def data_of(message: dict) -> list[str]:
    return [b.get("callback_data", "") for b in buttons_of(message)]


class Person:
    """One simulated person: reads the newest messages and buttons, answers like a person."""

    def __init__(self, soak: Soak, chat_id: int, zone: str, remind_at: str) -> None:
        self.soak, self.chat_id, self.zone, self.remind_at = soak, chat_id, zone, remind_at
        self.rng = random.Random(chat_id)
        self.emu = soak.emu
        self.tension_before = 0

    # reading the chat
    def messages(self, after: int = 0) -> list[dict]:
        """The bot's messages newer than message id `after`, newest first (live dicts)."""
        out = []
        for message in reversed(self.emu.messages(self.chat_id)):
            if message["message_id"] <= after:
                break
            out.append(message)
        return out

    def find(self, data: str, after: int = 0, *, exact: bool = True) -> dict | None:
        for message in self.messages(after):
            for button in data_of(message):
                if button == data if exact else button.startswith(data):
                    return message
        return None

    def said(self, fragment: str, after: int) -> dict | None:
        return next((m for m in self.messages(after) if fragment in (m.get("text") or "")), None)

    async def until(self, probe: Callable[[], Any], what: str) -> Any:
        found = None

        def ready() -> bool:
            nonlocal found
            found = probe()
            return found is not None

        try:
            await self.emu.wait_until(ready, WAIT)
        except AssertionError:
            recent = [(m["message_id"], (m.get("text") or "")[:60]) for m in self.messages()[:4]]
            raise AssertionError(f"person {self.chat_id} waited for {what}; saw {recent}") from None
        return found

    # acting
    async def tap(self, message: dict, data: str) -> None:
        self.soak.ledger.updates += 1
        await self.emu.press(self.chat_id, message["message_id"], data)

    async def type(self, text: str) -> None:
        self.soak.ledger.updates += 1
        await self.emu.send_text(self.chat_id, text)

    def rating(self) -> tuple[int, str | None]:
        """A rating and, more often than not, how it is typed instead of tapped."""
        value = self.rng.choice([0, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 9])
        form = self.rng.choice([None, None, "{}", "{}/10", " {} "])
        return value, form.format(value) if form else None

    # the day
    async def answer_waiting_screens(self) -> None:
        """Red-flag screens offered since the last look (before a practice and after a
        check-in, so there can be two) are answered "No", oldest first."""
        while (screen := self.oldest_with("sf:no")) is not None:
            thanked = self.count("Good to hear")
            await self.tap(screen, "sf:no")
            await self.until(lambda n=thanked: self.count("Good to hear") > n or None, "thanks")

    def oldest_with(self, data: str) -> dict | None:
        return next((m for m in self.emu.messages(self.chat_id) if data in data_of(m)), None)

    def count(self, fragment: str) -> int:
        return sum(fragment in (m.get("text") or "") for m in self.emu.messages(self.chat_id))

    def reminder(self, after: int) -> dict | None:
        return self.find("rm:skip:", after, exact=False)

    async def skip(self, reminder: dict) -> None:
        [data] = [d for d in data_of(reminder) if d.startswith("rm:skip:")]
        await self.tap(reminder, data)
        await self.until(lambda: self.said("Skipped for today", reminder["message_id"]), "skip")

    async def practise_to_the_timer(self, reminder: dict) -> tuple[int, dict]:
        """The 5-minute version from the reminder, up to its running timer; returns the session
        id and the message showing the step."""
        await self.tap(reminder, "pr:short")
        ask = await self.until(
            lambda: self.find("pr:tension:", reminder["message_id"], exact=False), "tension"
        )
        session = int(data_of(ask)[0].split(":")[2])
        value, typed = self.rating()
        if typed:
            await self.type(typed)
        else:
            await self.tap(ask, f"pr:tension:{session}:{value}")
        step = await self.until(
            lambda: self.find(f"pr:next:{session}:0", ask["message_id"] - 1), "step 1"
        )
        self.tension_before = value
        for index in (0, 1):
            await self.tap(step, f"pr:next:{session}:{index}")
            await self.until(
                lambda i=index: self.find(f"pr:next:{session}:{i + 1}", step["message_id"] - 1),
                "next step",
            )
        await self.tap(step, f"pr:timer:{session}:2")
        await self.until(lambda: self.find(f"pr:add:{session}:2", step["message_id"] - 1), "timer")
        return session, step

    async def finish_practice(self, session: int, step: dict, day: date) -> int:
        """After "time's up": Next, then Finish; returns the id to look for the check-in after."""
        times_up = await self.until(
            lambda: self.find(f"pr:next:{session}:2", step["message_id"]), "time's up"
        )
        await self.tap(times_up, f"pr:next:{session}:2")
        await self.until(
            lambda: self.find(f"pr:next:{session}:3", times_up["message_id"] - 1), "last step"
        )
        await self.tap(times_up, f"pr:next:{session}:3")
        self.soak.ledger.sessions[(self.chat_id, day)] = self.tension_before
        return times_up["message_id"]

    def checkin_state(self, after: int) -> tuple[str, dict] | None:
        for message in self.messages(after):
            text = message.get("text") or ""
            if WENT_WRONG in text:
                return "error", message
            if "Thank you for checking in" in text:
                return "thanks", message
            codes = [d.split(":")[2] for d in data_of(message) if d.startswith("ci:")]
            if codes and codes[0] in "tpacnx":  # x: "Go on" under a high/rising pain reply
                return codes[0], message
        return None

    async def check_in(
        self, day: date, after: int, *, practised: bool, drill: bool = False
    ) -> None:
        """Answers every check-in question until the thank-you; "something went wrong" is met
        with /checkin, which asks the open question again."""
        tension, typed_tension = self.rating()
        pain, typed_pain = self.rating()
        areas = frozenset(
            area.value for area in self.rng.sample(list(BodyArea), self.rng.choice([0, 1, 1, 2, 3]))
        )
        completion = "full" if practised else self.rng.choice(["full", "partial", "skipped"])
        note = self.rng.choice([None, *NOTES])
        if note is not None:
            note = f"{note} #{self.chat_id}-{day.day}"
        mark = after
        while True:
            kind, message = await self.until(
                lambda m=mark: self.checkin_state(m), "a check-in question"
            )
            mark = message["message_id"]
            if kind == "error":
                self.soak.ledger.recoveries += 1
                await self.type("/checkin")
                continue
            if kind == "thanks":
                break
            checkin = int(data_of(message)[0].split(":")[1])
            if kind in "tp":
                value, typed = (tension, typed_tension) if kind == "t" else (pain, typed_pain)
                if drill and kind == "p":
                    # A 502 on the next question: retried at once (bot/ratelimit.py), not lost.
                    self.soak.emu.fail_next("sendMessage", 502)
                    drill = False
                    self.soak.ledger.drills += 1
                if typed:
                    await self.type(typed)
                else:
                    await self.tap(message, f"ci:{checkin}:{kind}:{value}")
            elif kind == "x":
                await self.tap(message, f"ci:{checkin}:x:go")
            elif kind == "a":
                await self.choose_areas(message, checkin, areas)
            elif kind == "c":
                if self.rng.random() < 0.5:
                    await self.type(TYPED_COMPLETION[completion])
                else:
                    await self.tap(message, f"ci:{checkin}:c:{completion}")
            elif note is None:
                await self.tap(message, f"ci:{checkin}:n:skip")
            else:
                await self.type(note)
        self.soak.ledger.checkins[(self.chat_id, day)] = Answers(
            tension, pain, areas, completion, note
        )

    async def choose_areas(self, message: dict, checkin: int, wanted: frozenset[str]) -> None:
        def ticked() -> set[str]:
            return {
                b["callback_data"].split(":")[3]
                for b in buttons_of(message)
                if b["text"].startswith("✓ ")
            }

        for area in sorted(ticked() ^ wanted):
            on = area not in ticked()
            await self.tap(message, f"ci:{checkin}:a:{area}")
            await self.until(lambda a=area, o=on: (a in ticked()) == o or None, "a tick")
        await self.tap(message, f"ci:{checkin}:a:{'done' if wanted else 'none'}")
