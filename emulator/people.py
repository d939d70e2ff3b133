"""The test-driver API: people who write to the bot and tap its buttons, and the ways a test
watches what the bot sent (next_message, next_edit, wait_for_call), each with a timeout.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from emulator.state import State, _Chat, _Feed, _png_size, _public, _user_text

# How long a test waits for the bot by default. A passing test never waits this long; a loaded
# 2-core CI machine has taken over 5 s for one reply, which failed tests that were right.
WAIT_SECONDS = 30.0


class People(State):
    """Acting as the people who talk to the bot, and observing what it sends them."""

    # ---- acting as people
    def add_user(
        self,
        user_id: int,
        first_name: str = "Ann",
        *,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """A person and their private chat (chat id == user id, as in Telegram)."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        user |= ({"username": username} if username else {}) | (
            {"language_code": language_code} if language_code else {}
        )
        self._users[user_id] = user
        obj = {"id": user_id, "type": "private", "first_name": first_name}
        obj |= {"username": username} if username else {}
        if user_id in self._chats:
            self._chats[user_id].obj.clear()
            self._chats[user_id].obj.update(obj)
        else:
            self._chats[user_id] = _Chat(obj, self._history_limit)
        return user

    def _user(self, user_id: int) -> dict[str, Any]:
        return self._users.get(user_id) or self.add_user(user_id)

    def _queue(self, kind: str, payload: dict[str, Any]) -> None:
        update_id, self._next_update_id = self._next_update_id, self._next_update_id + 1
        text = json.dumps({"update_id": update_id, kind: _public(payload)}, ensure_ascii=False)
        self._updates.append((update_id, kind, text))  # serialised now: later edits don't leak in
        self._pulse()

    def _from_user(
        self,
        user_id: int,
        content: dict[str, Any],
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> dict[str, Any]:
        user = self._user(user_id)
        cid = user_id if chat_id is None else chat_id
        if cid not in self._chats:
            self._chats[cid] = _Chat(
                {"id": cid, "type": chat_type, "title": f"Chat {cid}"}, self._history_limit
            )
        message = self._chats[cid].add(user, content)
        self._queue("message", message)
        return message

    async def send_text(
        self, user_id: int, text: str, *, chat_id: int | None = None, chat_type: str = "private"
    ) -> dict[str, Any]:
        """A text message; a leading /command (optionally @botname) gets its bot_command entity."""
        return self._from_user(user_id, _user_text(text), chat_id, chat_type)

    async def send_sticker(self, user_id: int) -> dict[str, Any]:
        seq = next(self._seq)
        sticker = {
            "file_id": f"EMUSTK{seq:08d}",
            "file_unique_id": f"AgAD{seq:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "😀",
        }
        return self._from_user(user_id, {"sticker": sticker})

    async def send_photo(
        self, user_id: int, data: bytes = b"", *, caption: str | None = None
    ) -> dict[str, Any]:
        """A photo in two sizes, as Telegram sends them; the bytes are downloadable."""
        stored = self._store_file("photos", "photo.jpg", data)
        width, height = _png_size(data) if data else (800, 600)
        sizes = [
            {
                "file_id": stored.file_id + "s",
                "file_unique_id": stored.unique_id + "s",
                "width": 90,
                "height": 68,
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_size": len(data),
                "width": width,
                "height": height,
            },
        ]
        content = {"photo": sizes} | ({"caption": caption} if caption else {})
        return self._from_user(user_id, content)

    async def send_location(
        self, user_id: int, latitude: float, longitude: float
    ) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self._from_user(user_id, {"location": location})

    async def send_document(
        self,
        user_id: int,
        file_name: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """A document; `file_size` overrides the size Telegram reports (a 50 MB upload
        without sending 50 MB)."""
        stored = self._store_file("documents", file_name, data)
        size = len(data) if file_size is None else file_size
        document = {
            "file_name": file_name,
            "mime_type": mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": size,
        }
        return self._from_user(user_id, {"document": document})

    async def edit_text(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The person edits their own text message: an edited_message update."""
        chat = self._chats.get(user_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None or message.get("from", {}).get("id") != user_id or "text" not in message:
            raise AssertionError(f"user {user_id} has no text message {message_id} to edit")
        message.pop("entities", None)
        message.update(_user_text(text), edit_date=int(time.time()))
        self._queue("edited_message", message)
        return message

    async def press(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        check: bool = True,
        inaccessible: bool = False,
    ) -> str:
        """Tap an inline button on a bot message; with `check` the message must still carry a
        button with this data (a button removed by an edit can't be tapped). `inaccessible`
        sends it as Telegram does for an old message: only its chat and id, with date 0."""
        user = self._user(user_id)
        cid = user_id if chat_id is None else chat_id
        chat = self._chats.get(cid)
        message = chat.messages.get(message_id) if chat else None
        if message is None or message.get("from", {}).get("id") != self.bot_user["id"]:
            raise AssertionError(f"no bot message {message_id} in chat {cid}")
        buttons = itertools.chain.from_iterable(
            message.get("reply_markup", {}).get("inline_keyboard", [])
        )
        offered = [b.get("callback_data") for b in buttons]
        if check and data not in offered:
            raise AssertionError(f"message {message_id} has no button {data!r}; it has {offered}")
        query_id = f"{next(self._seq)}{user_id}"
        self.callback_answers[query_id] = None
        shown = (
            {"message_id": message_id, "chat": message["chat"], "date": 0}
            if inaccessible
            else _public(message)
        )
        self._queue(
            "callback_query",
            {
                "id": query_id,
                "from": user,
                "message": shown,
                "chat_instance": str(cid * 7919 % 2**62),
                "data": data,
            },
        )
        return query_id

    async def press_button(
        self, user_id: int, message: dict[str, Any], text_or_index: str | int
    ) -> str:
        """Tap by visible text (exact, else substring) or by flat index, like a person would."""
        buttons = list(
            itertools.chain.from_iterable(
                message.get("reply_markup", {}).get("inline_keyboard", [])
            )
        )
        if isinstance(text_or_index, int):
            chosen = buttons[text_or_index : text_or_index + 1] if text_or_index >= 0 else []
        else:
            chosen = [b for b in buttons if b["text"] == text_or_index] or [
                b for b in buttons if text_or_index in b["text"]
            ]
        if not chosen or "callback_data" not in chosen[0]:
            raise AssertionError(
                f"no callback button {text_or_index!r} in message "
                f"{message.get('message_id')}: {[b['text'] for b in buttons]}"
            )
        return await self.press(
            user_id,
            message["message_id"],
            chosen[0]["callback_data"],
            chat_id=message["chat"]["id"],
        )

    @property
    def latest_update_id(self) -> int:
        """The id of the newest update queued for the bot (0 before the first)."""
        return self._next_update_id - 1

    def add_update(self, update: dict[str, Any]) -> None:
        """A raw update (channel post, group message...); its chat becomes known to the bot."""
        update_id = update.get("update_id", self._next_update_id)
        self._next_update_id = max(self._next_update_id, update_id + 1)
        kind = next(k for k in update if k != "update_id")
        payload = update[kind]
        message = payload.get("message", payload) if isinstance(payload, dict) else {}
        chat_obj = message.get("chat") if isinstance(message, dict) else None
        if chat_obj and "id" in chat_obj:
            chat = self._chats.setdefault(chat_obj["id"], _Chat(chat_obj, self._history_limit))
            if "message_id" in message:
                chat.remember(message)
        self._updates.append(
            (update_id, kind, json.dumps({**update, "update_id": update_id}, ensure_ascii=False))
        )
        self._pulse()

    # ---- observing the bot
    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's messages to the chat, live: edits change them, deletes mark "_deleted"."""
        chat = self._chats.get(chat_id)
        return list(chat.sent.items) if chat else []

    async def _next(self, chat_id: int, timeout: float, edits: bool) -> dict[str, Any]:
        def feed() -> _Feed | None:
            chat = self._chats.get(chat_id)
            return (chat.edits if edits else chat.sent) if chat else None

        if not await self._wait(lambda: (f := feed()) is not None and f.cursor < f.total, timeout):
            what = "edit" if edits else "message"
            raise AssertionError(
                self._report(f"no new bot {what} in chat {chat_id} within {timeout} s", chat_id)
            )
        return feed().take(1)[0]  # type: ignore[union-attr]

    async def next_message(self, chat_id: int, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        """The next bot message to the chat that this has not returned yet (live dict)."""
        return await self._next(chat_id, timeout, edits=False)

    async def next_edit(self, chat_id: int, timeout: float = WAIT_SECONDS) -> dict[str, Any]:
        """The next edit in the chat, as a snapshot of the message right after that edit."""
        return await self._next(chat_id, timeout, edits=True)

    def drain(self, chat_id: int) -> list[dict[str, Any]]:
        chat = self._chats.get(chat_id)
        return chat.sent.take(chat.sent.total) if chat else []

    def drain_edits(self, chat_id: int) -> list[dict[str, Any]]:
        chat = self._chats.get(chat_id)
        return chat.edits.take(chat.edits.total) if chat else []

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float = WAIT_SECONDS
    ) -> None:
        if not await self._wait(predicate, timeout):
            raise AssertionError(self._report(f"condition not met within {timeout} s", None))

    async def wait_for_call(
        self, method: str, timeout: float = WAIT_SECONDS, *, after: int = 0
    ) -> dict[str, Any]:
        """Params of the first `method` call at index >= after in `calls`."""
        key = method.lower()

        def found() -> dict[str, Any] | None:
            return next(
                (p for n, p in itertools.islice(self.calls, after, None) if n.lower() == key), None
            )

        if not await self._wait(lambda: found() is not None, timeout):
            raise AssertionError(self._report(f"no {method} call within {timeout} s", None))
        return found()  # type: ignore[return-value]

    def _report(self, headline: str, chat_id: int | None) -> str:
        lines = [headline]
        if chat_id is not None:
            recent = [
                str(m.get("text", m.get("caption", "<media>")))[:80]
                for m in self.messages(chat_id)[-5:]
            ]
            lines.append(f"last bot messages there: {recent}")
        lines.append(f"last calls: {[name for name, _ in self.calls[-8:]]}")
        if self.errors:
            lines.append(f"last errors: {list(self.errors)[-3:]}")
        if self.unknown_methods:
            lines.append(f"unknown methods: {self.unknown_methods}")
        return "\n".join(lines)
