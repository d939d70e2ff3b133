"""What the emulator remembers: chats and their messages, files, the update queue, and the
one "pulse" event every waiter rides on (no sleeping: waits wake the moment the bot acts).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import struct
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from emulator.entities import utf16_len


@dataclass(slots=True)
class _Upload:
    name: str
    mime: str | None
    data: bytes


@dataclass(slots=True)
class _File:
    file_id: str
    unique_id: str
    path: str
    data: bytes


class _Raw(str):
    """A result that is already JSON text (updates are serialised when queued)."""


class _Feed:
    """What the bot sent (or edited) in one chat, with the read cursor of next_message; with a
    history limit old items fall off and the cursor skips past them."""

    __slots__ = ("cursor", "items", "total")

    def __init__(self, limit: int | None) -> None:
        self.items: deque[dict[str, Any]] = deque(maxlen=limit)
        self.total = self.cursor = 0

    def append(self, item: dict[str, Any]) -> None:
        self.items.append(item)
        self.total += 1

    def take(self, count: int) -> list[dict[str, Any]]:
        first = self.total - len(self.items)
        self.cursor = max(self.cursor, first)
        out = list(itertools.islice(self.items, self.cursor - first, self.cursor - first + count))
        self.cursor += len(out)
        return out


@dataclass(eq=False)
class _Chat:
    obj: dict[str, Any]
    limit: int | None = None
    next_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    sent: _Feed = field(init=False)
    edits: _Feed = field(init=False)

    def __post_init__(self) -> None:
        self.sent, self.edits = _Feed(self.limit), _Feed(self.limit)

    def add(self, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        """A new message; ids are per chat and shared by the person and the bot, as in Telegram."""
        message = {
            "message_id": self.next_id,
            "from": sender,
            "chat": self.obj,
            "date": int(time.time()),
            **content,
        }
        self.remember(message)
        return message

    def remember(self, message: dict[str, Any]) -> None:
        self.messages[message["message_id"]] = message
        self.next_id = max(self.next_id, message["message_id"] + 1)
        if self.limit is not None and len(self.messages) > self.limit:
            del self.messages[next(iter(self.messages))]


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """The message as Telegram returns it: without the emulator's "_" keys, and without a reply
    keyboard (Telegram echoes only inline keyboards; PTB would fail to read another kind)."""
    shown = {k: v for k, v in message.items() if not k.startswith("_")}
    if "inline_keyboard" not in shown.get("reply_markup", {"inline_keyboard": None}):
        del shown["reply_markup"]
    return shown


def _user_text(text: str) -> dict[str, Any]:
    """What Telegram makes of a person's text: the leading /command gets a bot_command entity
    (PTB's CommandHandler looks for the entity, not the slash)."""
    command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?", text)
    if command is None:
        return {"text": text}
    entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
    return {"text": text, "entities": [entity]}


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    return 0, 0


class State:
    """The emulator's state and its wait primitive; the other modules add behaviour to it."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_username: str = "psoas_coach_bot",
        bot_name: str = "Psoas Coach",
        rate_limits: bool = False,
        overall_per_second: int = 30,
        per_chat_per_second: int = 1,
        paid_per_second: int = 1000,
        per_group_per_minute: int = 20,
        record_calls: bool = True,
        history_limit: int | None = None,
        strict_html: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.base_url = self.base_file_url = ""
        self.rate_limits, self.overall_per_second = rate_limits, overall_per_second
        self.per_chat_per_second, self.paid_per_second = per_chat_per_second, paid_per_second
        self.per_group_per_minute = per_group_per_minute
        self.record_calls, self.strict_html = record_calls, strict_html
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.unknown_methods: list[str] = []
        self.unknown_params: list[tuple[str, str]] = []
        self.errors: deque[tuple[str, int, str]] = deque(maxlen=1000)  # method, status, text
        self.commands: list[dict[str, Any]] = []
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.callback_answers: dict[str, dict[str, Any] | None] = {}  # None until answered
        self.polled_offset = 0  # the highest getUpdates offset: updates below it were fetched
        self.stats: dict[str, Any] = {
            "calls": 0,
            "sent": 0,
            "edited": 0,
            "too_many_requests": 0,
            "paid_sent": 0,
            "errors_injected": 0,
            "blocked": 0,
            "methods": {},
        }
        self._history_limit, self._clock = history_limit, clock
        self._users: dict[int, dict[str, Any]] = {}
        self._chats: dict[int, _Chat] = {}
        self._blocked: set[int] = set()
        self._updates: deque[tuple[int, str, str]] = deque()  # (update_id, type, JSON)
        self._next_update_id = 1
        self._allowed: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook: dict[str, Any] = {}
        self._my_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._files: dict[str, _File] = {}
        self._files_by_path: dict[str, _File] = {}
        self._seq = itertools.count(1)
        self._fail_next: dict[str, deque[tuple[int, int | None, str | None]]] = {}
        self._fail_ratio: dict[str, tuple[int, float, int, random.Random]] = {}
        self._hang_next: dict[str, deque[float]] = {}
        self._chaos: tuple[float, float, float, int, random.Random] | None = None
        self._overall: deque[float] = deque()
        self._all_sends: deque[float] = deque()  # paid and free: the paid broadcast limit
        self._per_chat: dict[int, deque[float]] = {}
        self._pulse_event = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None

    def _pulse(self) -> None:
        """Wake every waiter; an Event per round so sync code (add_update, block) can notify."""
        event, self._pulse_event = self._pulse_event, asyncio.Event()
        event.set()

    async def _wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._pulse_event.wait(), remaining)
            except TimeoutError:
                return predicate()
        return True

    def _store_file(self, folder: str, name: str, data: bytes) -> _File:
        seq = next(self._seq)
        suffix = name[name.rfind(".") :] if "." in name else ""
        stored = _File(
            f"EMU{folder[:3].upper()}{seq:08d}",
            f"AgAD{seq:06d}",
            f"{folder}/file_{seq}{suffix}",
            data,
        )
        self._files[stored.file_id] = self._files_by_path[stored.path] = stored
        return stored
